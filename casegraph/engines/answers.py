"""The explorer's answers, the same from both engines: what a search box
holds, the filters, and the shape of every node and edge.

Both engines answer :meth:`~casegraph.engines.base.Engine.search`, ``node``,
``expand``, ``path``, ``bundle`` and ``subgraph`` with plain dicts and lists
built here: JSON as they are, so the explorer's API sends them unchanged, a
notebook reads what the page reads, and the parity test compares the two
engines' answers whole.

Node ids are the pictures': ``case:<case_no>``, ``party:<party_id>``,
``asset:<asset_id>``. An edge always runs from a party or asset to a case
and carries the role (applicant, debtor) or the asset's action (查封, 冻结…).

>>> case_node("（2024）沪0113执1号", "民间借贷纠纷", 1000.0, "执行中", "许法官", "2024-01-05")["open"]
True
>>> read_search("（2024）沪0113执１号").case_no
'（2024）沪0113执1号'
>>> read_search("310113198001011234").id_key is None   # a wrong check character: not a full ID
True
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from casegraph import contract as C
from casegraph.errors import InputError, NotFound
from casegraph.normalise.caseno import parse_case_no
from casegraph.normalise.identity import MASKED, RIC, USCC, keyed_hash, parse_id

KINDS = ("case", "party", "asset")
SEARCH_LIMIT = 20
#: Neighbours an expansion shows at once; the rest are counted ("+212 cases").
EXPAND_LIMIT = 30
#: The longest path asked for (steps: case → party is one) and the default.
MAX_HOPS, DEFAULT_HOPS = 12, 6
PATH_LIMIT = 10
#: A party's or asset's cases listed in its details; the rest are counted.
DETAIL_CASES = 200
#: Fewer characters than this are looked up whole, never as a part of a name:
#: one character (王) is in a tenth of all names.
MIN_FRAGMENT = 2


def split_id(node_id: str) -> tuple[str, str]:
    """``("party", "P3f62007d74fd")`` for ``"party:P3f62007d74fd"``.

    >>> split_id("case:（2024）沪0113执1号")
    ('case', '（2024）沪0113执1号')
    """
    kind, sep, key = str(node_id).partition(":")
    if not sep or kind not in KINDS or not key:
        raise NotFound(f"{str(node_id)[:80]!r} is not a node id (case:…, party:… or asset:…)")
    return kind, key


def by_kind(node_ids: Iterable[str]) -> dict[str, set[str]]:
    """Node ids' keys by kind; what is not a node id is left out.

    >>> by_kind(["case:执1", "party:P1", "P2"])
    {'case': {'执1'}, 'party': {'P1'}, 'asset': set()}
    """
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    for node_id in node_ids:
        kind, sep, key = str(node_id).partition(":")
        if sep and kind in out and key:
            out[kind].add(key)
    return out


# -- nodes and edges ---------------------------------------------------------

def _text(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(x)


def _amount(x) -> float | None:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def is_open(status) -> bool:
    """A case is open unless its status closes it for good or for now (终本).

    >>> is_open("执行中"), is_open(""), is_open("终结本次执行"), is_open("执行完毕")
    (True, True, False, False)
    """
    s = _text(status)
    return not any(m in s for m in CLOSING_MARKERS)


CLOSING_MARKERS = C.CLOSED_MARKERS + C.NO_PROPERTY_MARKERS


def case_node(case_no, cause, amount, status, judge, filed_on) -> dict:
    """A case as the API gives it."""
    return {"id": "case:" + case_no, "kind": "case", "label": case_no, "case_no": case_no, "cause": _text(cause),
            "amount": _amount(amount), "status": _text(status), "judge": _text(judge),
            "filed_on": _text(filed_on), "open": is_open(status)}


def party_node(party_id, name, kind, id_masked, n_cases, n_applicant_cases, n_debtor_cases,
               hub_threshold: int) -> dict:
    """A party as the API gives it: its masked ID only, and its case counts
    over all the data. A mass applicant applies in more cases than
    ``hub_threshold`` (a bank): it links nothing (:meth:`CaseGraph.links`)."""
    return {"id": "party:" + party_id, "kind": "party", "label": _text(name), "party_id": party_id,
            "name": _text(name), "party_kind": _text(kind), "id_masked": _text(id_masked),
            "n_cases": int(n_cases), "n_applicant_cases": int(n_applicant_cases),
            "n_debtor_cases": int(n_debtor_cases), "mass_applicant": int(n_applicant_cases) > hub_threshold}


def asset_node(asset_id, asset_type, n_cases) -> dict:
    """An asset as the API gives it."""
    return {"id": "asset:" + asset_id, "kind": "asset", "label": asset_id, "asset_id": asset_id,
            "asset_type": _text(asset_type), "n_cases": int(n_cases)}


def edge(source: str, case: str, role) -> dict:
    """A party's role in a case, or an asset attached in it (``role`` is the action).

    >>> edge("party:P1", "case:执1", "debtor")
    {'id': 'party:P1|case:执1|debtor', 'from': 'party:P1', 'to': 'case:执1', 'role': 'debtor'}
    """
    role = _text(role) or "attached"
    return {"id": f"{source}|{case}|{role}", "from": source, "to": case, "role": role}


def sorted_edges(edges: Iterable[dict]) -> list[dict]:
    """Distinct edges in one order for both engines."""
    return sorted({e["id"]: e for e in edges}.values(), key=lambda e: e["id"])


def sides(parties: Iterable[tuple[dict, list[str]]], assets: Iterable[tuple[dict, list[str]]],
          f: Filters | None = None) -> list[tuple[dict, list[str]]]:
    """A case's parties (with their roles there) and assets (with their
    actions), as an expansion lists them: the parties ``f`` keeps,
    applicants first, then by id; then the assets by id.

    >>> p = party_node("P2", "王五", "自然人", "", 1, 0, 1, 20)
    >>> [(n["id"], r) for n, r in sides([(p, ["debtor"])], [], Filters(role="applicant"))]
    []
    """
    f = f or Filters()
    kept = []
    for node, roles in parties:
        roles = sorted({r for r in roles if f.role is None or r == f.role})
        if roles and not (f.hide_mass and node["mass_applicant"]):
            kept.append((node, roles))
    kept.sort(key=lambda nr: (C.APPLICANT not in nr[1], nr[0]["id"]))
    return kept + sorted(((n, sorted(set(a))) for n, a in assets), key=lambda na: na[0]["id"])


# -- filters -----------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What an analyst narrows the cases in view to. Every field left at its
    default lets everything through.

    ``role``: a party's cases in that role only (from a case: its parties in
    that role); ``open_only``: open cases (:func:`is_open`); ``cause``: cases
    whose cause holds this text; ``amount_min``/``amount_max``: yuan, a case
    without an amount is out once either is set; ``year_from``/``year_to``:
    the filing year; ``hide_mass``: no mass applicants.

    >>> f = Filters.from_params({"open_only": "1", "year_from": "2023"})
    >>> f.keeps(case_node("（2024）沪0113执1号", "民间借贷纠纷", 5.0, "执行中", "", "2024-03-01"))
    True
    >>> f.keeps(case_node("（2022）沪0113执1号", "民间借贷纠纷", 5.0, "执行中", "", "2022-03-01"))
    False
    """

    role: str | None = None
    open_only: bool = False
    cause: str = ""
    amount_min: float | None = None
    amount_max: float | None = None
    year_from: int | None = None
    year_to: int | None = None
    hide_mass: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string's values (``"1"``/``"true"`` for yes);
        a bad value is one :class:`InputError` line naming it."""
        def number(name, kind):
            v = str(params.get(name, "") or "").strip()
            if not v:
                return None
            try:
                x = kind(v)
            except ValueError:
                raise InputError(f"{name}: {v[:40]!r} is not a number") from None
            if isinstance(x, float) and not math.isfinite(x):
                raise InputError(f"{name}: {v[:40]!r} is not a number")
            return x

        def yes(name):
            return str(params.get(name, "") or "").strip().lower() in ("1", "true", "yes", "on")

        role = str(params.get("role", "") or "").strip() or None
        if role not in (None, C.APPLICANT, C.DEBTOR):
            raise InputError(f"role: {role[:40]!r} is neither {C.APPLICANT} nor {C.DEBTOR}")
        return cls(role=role, open_only=yes("open_only"), cause=_typed(params.get("cause", "")),
                   amount_min=number("amount_min", float), amount_max=number("amount_max", float),
                   year_from=number("year_from", int), year_to=number("year_to", int), hide_mass=yes("hide_mass"))

    def keeps(self, case: dict) -> bool:
        """Whether a case node passes (the role is a matter of the edge)."""
        if self.open_only and not case["open"]:
            return False
        if self.cause and self.cause not in case["cause"]:
            return False
        if self.amount_min is not None or self.amount_max is not None:
            a = case["amount"]
            if a is None or (self.amount_min is not None and a < self.amount_min) \
                    or (self.amount_max is not None and a > self.amount_max):
                return False
        if self.year_from is not None or self.year_to is not None:
            y = _year(case["filed_on"])
            if y is None or (self.year_from is not None and y < self.year_from) \
                    or (self.year_to is not None and y > self.year_to):
                return False
        return True

    def params(self) -> dict:
        """The parameters ``cypher/explore_*.cypher`` take."""
        return {**asdict(self), "closing_markers": list(CLOSING_MARKERS)}


def _year(filed_on: str) -> int | None:
    head = filed_on[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


NO_FILTERS = Filters()


# -- what a search box holds -------------------------------------------------

def _typed(text) -> str:
    """As names are kept: NFKC (half-width brackets and digits), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", _text(text)).split())


@dataclass(frozen=True)
class Typed:
    """What a search box holds, read every way it can be: an official case
    number, a party_id, the keyed hash of a full ID number (never the number
    itself), a masked ID, and the text to find whole or inside names, case
    numbers and asset ids."""

    text: str = ""
    case_no: str | None = None
    party_id: str | None = None
    id_key: str | None = None
    id_masked: str | None = None
    case_fragment: str = ""
    fragment: str = ""


def read_search(text) -> Typed:
    """Read a search box.

    A full ID number is kept only as its keyed hash: it is looked up and
    never searched inside anything nor sent anywhere.

    >>> t = read_search(" 张三 ")
    >>> t.text, t.fragment
    ('张三', '张三')
    >>> read_search("(2024)沪0113执").case_fragment
    '（2024）沪0113执'
    >>> read_search("310113********123X").id_masked
    '310113********123X'
    """
    typed = _typed(text)
    if not typed:
        return Typed()
    parsed = parse_id(typed)
    if parsed.status in (RIC, USCC):
        return Typed(id_key=keyed_hash(parsed.canonical))
    parsed_case = parse_case_no(typed)
    fragment = typed if len(typed) >= MIN_FRAGMENT else ""
    case_fragment = "".join(typed.split()).replace("(", "（").replace(")", "）")
    return Typed(text=typed, case_no=parsed_case.official if parsed_case else None,
                 party_id=typed if typed.startswith("P") and typed[1:].isalnum() else None,
                 id_masked=parsed.canonical if parsed.status == MASKED else None,
                 case_fragment=case_fragment if len(case_fragment) >= MIN_FRAGMENT else "", fragment=fragment)


def merge_search(exact: Iterable[dict], partial: Iterable[dict], limit: int) -> list[dict]:
    """Whole matches first, then partial ones; each node once, ``limit`` at most.
    Each result says how it matched (``match``: ``exact`` or ``partial``)."""
    out: dict[str, dict] = {}
    for match, nodes in (("exact", exact), ("partial", partial)):
        for n in nodes:
            if len(out) >= limit:
                return list(out.values())
            out.setdefault(n["id"], {**n, "match": match})
    return list(out.values())


# -- paths -------------------------------------------------------------------

def path_answer(paths: Iterable[list[str]], sub: dict, limit: int, n_paths: int | None = None) -> dict:
    """The first ``limit`` shortest paths (in the order of their node ids,
    so both engines pick the same), with their nodes and only the edges
    that lie on them: ``{"nodes", "edges", "paths", "hops", "n_paths"}``.
    ``n_paths``: how many shortest paths there are, when ``paths`` holds
    only the first ones."""
    paths = sorted({tuple(p) for p in paths})
    n_paths = len(paths) if n_paths is None else n_paths
    paths = paths[:limit]
    steps = {frozenset(pair) for p in paths for pair in zip(p, p[1:])}
    on = {n for p in paths for n in p}
    return {"nodes": [n for n in sub["nodes"] if n["id"] in on],
            "edges": [e for e in sub["edges"] if frozenset((e["from"], e["to"])) in steps],
            "paths": [list(p) for p in paths], "hops": len(paths[0]) - 1 if paths else None, "n_paths": n_paths}


def check_hops(max_hops) -> int:
    """``max_hops`` as an int within 1..:data:`MAX_HOPS`, or one InputError line."""
    try:
        n = int(max_hops)
    except (TypeError, ValueError):
        raise InputError(f"max_hops: {str(max_hops)[:40]!r} is not a whole number") from None
    if not 1 <= n <= MAX_HOPS:
        raise InputError(f"max_hops: {n} is not between 1 and {MAX_HOPS}")
    return n
