"""Drawing a selected network as an interactive vis-network page, offline.

Any networkx graph from :func:`~casegraph.pictures.select.neighbourhood` or
:func:`~casegraph.pictures.select.case_set` is drawn by kind: shape and colour
per node kind (:data:`LOOKS`), debt running along the arrows (debtor → case →
applicant), debtors in many cases drawn larger. The page
(``templates/network.html``) loads vis-network from a ``lib/`` folder written
beside it, or carries it inline, never from the internet: court intranets have
none.

Example::

    render(neighbourhood(graph, party="P3f62007d74fd"), "wang.html")
    # PosixPath('wang.html')

Personal data: a page shows a party's masked ID (``310113********123X``) and
never the full number; the graph carries no full number to begin with.
"""
from __future__ import annotations

import functools
import json
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from casegraph import contract as C


@dataclass(frozen=True)
class Look:
    shape: str
    color: str
    label: str


LOOKS = {
    "case": Look("square", "#4e79a7", "Case 案件"),
    "person": Look("dot", "#f28e2b", "Person 自然人"),
    "organisation": Look("diamond", "#59a14f", "Organisation 法人/组织"),
    "asset": Look("triangle", "#b07aa1", "Asset 财产"),
    "judge": Look("star", "#8c8c8c", "Judge 承办法官"),
    "representative": Look("dot", "#edc948", "Legal representative 法定代表人或负责人"),
}
EDGE_LOOKS = {
    C.DEBTOR: ("#e15759", False, "debtor 被执行人 (debtor → case)"),
    C.APPLICANT: ("#4e79a7", False, "applicant 申请执行人 (case → applicant)"),
    "asset": ("#b07aa1", True, "asset attached (查封/冻结/扣押)"),
    "judge": ("#bbbbbb", True, "handled by 承办"),
    "representative": ("#edc948", True, "represents 法定代表人 (a relation, not an identity)"),
}
START_BORDER = "#d62728"
VIS_LIB = "vis-9.1.2"
VIS_FILES = ("vis-network.min.js", "vis-network.css")


def _vis_dir() -> Path:
    import importlib.util

    # Found without importing pyvis (which imports IPython: a second).
    return Path(importlib.util.find_spec("pyvis").origin).parent / "templates" / "lib" / VIS_LIB


def vis_file(name: str) -> Path:
    """Where vis-network's ``name`` (one of :data:`VIS_FILES`) is, in the pyvis package."""
    if name not in VIS_FILES:
        raise ValueError(f"not a vis-network file: {name!r}")
    return _vis_dir() / name


def copy_lib(folder: str | Path) -> Path:
    """Put vis-network's JS and CSS (from the pyvis package) into ``folder/lib``."""
    lib = Path(folder) / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for name in VIS_FILES:
        if not (lib / name).exists():
            shutil.copyfile(_vis_dir() / name, lib / name)
    return lib


@functools.cache
def templates(folder: str | Path):
    """The Jinja2 templates of ``folder``, HTML-escaped unless marked safe.

    Every page of casegraph comes from one of these: the network pages here,
    the report in :mod:`casegraph.write.report`.
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["grouped"] = "{:,}".format
    return env


TEMPLATES = Path(__file__).resolve().parent / "templates"


def money(x) -> str:
    """An amount as a clerk reads it.

    >>> money(2500.5), money(None), money(float("nan"))
    ('¥2,500.50', '', '')
    """
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(x) else f"¥{x:,.2f}"


def _text(x) -> str:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return ""
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d")
    return str(x)


def _short(s: str, n: int = 14) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def node_view(n: str, d: dict) -> dict:
    """How one node is drawn: label, shape, colour, size and hover text.

    >>> node_view("judge:许法官", {"kind": "judge", "judge": "许法官"})["label"]
    '许法官'
    """
    kind = d.get("kind", "case")
    look = LOOKS.get(kind, LOOKS["case"])
    size, label, lines = 12, n, []
    if kind == "case":
        label = _text(d.get("case_no"))
        lines = [f"案号 {label}", f"案由 {_text(d.get('cause'))}", f"金额 {money(d.get('amount')) or '—'}",
                 f"状态 {_text(d.get('status'))}", f"立案 {_text(d.get('filed_on'))}",
                 f"承办 {_text(d.get('judge')) or '—'}"]
    elif kind in ("person", "organisation"):
        nd, na = d.get("n_debtor_cases", 0), d.get("n_applicant_cases", 0)
        name = _text(d.get("name"))
        label = _short(name) + (f" ({nd} cases)" if nd >= 2 else "")
        # Multi-case debtors stand out: area grows with their case count.
        size = 12 + 6 * math.sqrt(max(nd - 1, 0))
        size = min(size, 60)
        lines = [name, f"{_text(d.get('party_kind'))}  证件 {_text(d.get('id_masked')) or '—'}",
                 f"被执行人 in {nd} cases, 申请执行人 in {na} cases", f"party_id {_text(d.get('party_id'))}"]
        if d.get("mass_applicant"):
            lines.append("mass applicant: its other cases are not drawn")
    elif kind == "asset":
        aid = _text(d.get("asset_id"))
        label = f"{_text(d.get('asset_type')) or 'asset'} …{aid[-4:]}"
        lines = [f"财产 {aid}", f"类型 {_text(d.get('asset_type'))}"]
    elif kind == "representative":
        label = _text(d.get("name"))
        lines = [f"法定代表人或负责人 {label}", "represents the organisations it is linked to (not merged with them)"]
        size = 9
    elif kind == "judge":
        label = _text(d.get("judge"))
        lines = [f"承办法官 {label}"] + ([f"团队 {_text(d.get('team'))}"] if d.get("team") else [])
        size = 10
    view = {"label": label, "shape": look.shape, "color": look.color, "size": round(size, 1),
            "title": "\n".join(lines), "kind": kind}
    if d.get("start"):
        c = {"background": look.color, "border": START_BORDER}
        view.update(borderWidth=4, borderWidthSelected=5, size=max(size, 18),
                    color={**c, "highlight": c, "hover": c})
    return view


def edge_view(u: str, v: str, d: dict) -> dict:
    """Debt runs along the arrows: debtor → case → applicant.

    >>> edge_view("party:D", "case:执1", {"role": "debtor", "amount": 100.0})["label"]
    'debtor ¥100.00'
    """
    role = d.get("role", "")
    if role == "representative":  # a person representing an organisation: no case on either end
        rep, party = (u, v) if u.startswith("rep:") else (v, u)
        color, dashed, _ = EDGE_LOOKS[role]
        return {"from": rep, "to": party, "label": "法定代表人", "color": color, "dashes": dashed, "arrows": "to",
                "title": "法定代表人或负责人"}
    case, other = (u, v) if u.startswith("case:") else (v, u)
    if role in (C.DEBTOR, C.APPLICANT):
        color, dashed, _ = EDGE_LOOKS[role]
        amount = money(d.get("amount"))
        src, dst = (other, case) if role == C.DEBTOR else (case, other)
        return {"from": src, "to": dst, "label": role + (f" {amount}" if amount else ""), "color": color,
                "arrows": "to", "dashes": dashed, "title": f"{role} {amount}".strip()}
    key = "judge" if role == "judge" else "asset"
    color, dashed, _ = EDGE_LOOKS[key]
    return {"from": other, "to": case, "label": "" if key == "judge" else _text(role), "color": color,
            "dashes": dashed, "title": _text(role)}


FONTS = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif'
OPTIONS = {
    "nodes": {"font": {"size": 12, "face": FONTS}, "borderWidth": 1},
    "edges": {"font": {"size": 9, "align": "middle", "color": "#555", "face": FONTS}, "smooth": False, "width": 1.2},
    "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 400, "fit": True},
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4}},
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True},
}


def to_pyvis(g: nx.Graph):
    """A pyvis Network of ``g``, each node and edge drawn by its kind."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    for n, d in g.nodes(data=True):
        v = node_view(n, d)
        net.add_node(n, **v)
    for u, v, d in g.edges(data=True):
        e = edge_view(u, v, d)
        net.add_edge(e.pop("from"), e.pop("to"), **e)
    net.set_options(json.dumps(OPTIONS))
    return net


def counts_line(g: nx.Graph) -> str:
    """What a picture holds, in words.

    >>> g = nx.Graph([("case:执1", "party:D")], hops=1)
    >>> g.nodes["case:执1"]["kind"], g.nodes["party:D"]["kind"] = "case", "person"
    >>> counts_line(g)
    '1 case, 1 person; 1 hops around the start'
    """
    kinds = pd.Series([d.get("kind") for _, d in g.nodes(data=True)]).value_counts()
    words = [("case", "cases"), ("person", "persons"), ("organisation", "organisations"), ("asset", "assets"),
             ("judge", "judges")]
    parts = [f"{int(kinds.get(k, 0))} {w if kinds.get(k, 0) > 1 else k}" for k, w in words if kinds.get(k, 0)]
    hops = g.graph.get("hops")
    return ", ".join(parts) + (f"; {hops} hops around the start" if hops is not None else "")


def render(g: nx.Graph, out: str | Path, inline: bool = False, lib: str | Path | None = None,
           back: tuple[str, str] | None = None) -> Path:
    """Write ``g`` (from :func:`neighbourhood` or :func:`case_set`) as an
    interactive page; returns its path.

    vis-network's JS and CSS (from the pyvis package) go into ``lib/``
    beside the page, or the one given as ``lib`` (a folder shared by many
    pages), or into the page itself with ``inline=True``. Nothing is loaded
    from the internet. ``back`` is a (href, text) link shown above the title.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    vis, hrefs = {}, {}
    if inline:
        vis = {name: (_vis_dir() / name).read_text(encoding="utf-8") for name in VIS_FILES}
    else:
        lib = copy_lib(out.parent) if lib is None else Path(lib)
        if not (lib / VIS_FILES[0]).exists():
            copy_lib(lib.parent)
        rel = Path(os.path.relpath(lib.resolve(), out.parent.resolve()))
        hrefs = {name: (rel / name).as_posix() for name in VIS_FILES}
    net = to_pyvis(g)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    cut = g.graph.get("cut")
    page = templates(TEMPLATES).get_template("network.html").render(
        title=g.graph.get("title", "casegraph"), inline=inline, vis=vis,
        lib=hrefs,
        back=back, counts=counts_line(g), looks=LOOKS, edge_looks=EDGE_LOOKS.values(), start_border=START_BORDER,
        cut=cut, shown=g.graph.get("shown_nodes") if cut else None, total=g.graph.get("total_nodes") if cut else None,
        around="the start" if g.graph.get("start") else "its best-connected node",
        nodes=_json(nodes), edges=_json(edges), options=options)
    out.write_text(page, encoding="utf-8", newline="\n")
    return out


def _json(x) -> str:
    """JSON safe inside a <script>: no ``</script>`` can close it early.

    >>> _json(["</script>"])
    '["\\\\u003c/script\\\\u003e"]'
    """
    return json.dumps(x, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
