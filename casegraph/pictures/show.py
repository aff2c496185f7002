"""Pictures of one case's or one party's web of cases, for a court's closed network.

Two jobs, kept apart so that both engines and a notebook can share them:

* **Selection** is a plain function over a :class:`~casegraph.graph.CaseGraph`
  (or, without an export, over the Neo4j database: :func:`neighbourhood_from_neo4j`)
  that returns a networkx graph: the neighbourhood of a case or party, cut to
  its most connected part when it is too large to read.
* **Rendering** (:func:`render`) draws any such graph as an interactive
  vis-network page built with pyvis. The page loads vis-network from a
  ``lib/`` folder written beside it (or carries it inline), never from the
  internet: court intranets have none.

Node kinds: ``case``, ``person``, ``organisation``, ``asset`` and ``judge``.
Node ids are ``case:<case_no>``, ``party:<party_id>``, ``asset:<asset_id>``
and ``judge:<name>``. Edges carry ``role`` (applicant, debtor, the asset's
action, or ``judge``) and the case's ``amount``.

Example::

    from casegraph.pipeline import prepare
    clean, resolved, graph = prepare("export/")
    g = neighbourhood(graph, party=find_party(graph, "王建国", resolved.records))
    render(g, "wang.html")
    # PosixPath('wang.html')

Personal data: a page shows a party's masked ID (``310113********123X``)
and never the full number; the graph carries no full number to begin with.
"""
from __future__ import annotations

import heapq
import html
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from casegraph import contract as C
from casegraph.errors import NotFound
from casegraph.normalise.caseno import parse_case_no
from casegraph.graph import CaseGraph

DEFAULT_HOPS = 2
DEFAULT_MAX_NODES = 200


# --------------------------------------------------------------------------- finding the start

def find_case(graph: CaseGraph, text: str) -> str:
    """The official case number for what a user typed.

    >>> from casegraph.graph import CaseGraph
    >>> cases = pd.DataFrame({"case_no": ["（2024）沪0113执1号"]})
    >>> g = CaseGraph(cases, pd.DataFrame(columns=["case_no", "party_id", "role"]), pd.DataFrame(),
    ...               pd.DataFrame(), pd.DataFrame())
    >>> find_case(g, "(2024)沪0113执1号")
    '（2024）沪0113执1号'
    """
    parsed = parse_case_no(text)
    official = parsed.official if parsed else str(text).strip()
    if not (graph.cases["case_no"] == official).any():
        raise NotFound(f"case {text!r} is not in the export")
    return official


def find_party(graph: CaseGraph, text: str, records: pd.DataFrame | None = None) -> str:
    """The party_id for a party id (``P…``), a full or masked ID number, or a name.

    A full ID number is matched through its keyed hash (the export's records
    keep no full number); ``records`` is ``Resolved.records``. A name shared
    by several parties is refused with the candidates listed, since 王伟 in
    one case is rarely 王伟 in another.
    """
    text = str(text).strip()
    parties = graph.parties
    if (parties["party_id"] == text).any():
        return text
    from casegraph.normalise.identity import MASKED, RIC, USCC, keyed_hash, parse_id

    parsed = parse_id(text)
    if parsed.status in (RIC, USCC) and records is not None and "id_key" in records:
        hits = records.loc[records["id_key"] == keyed_hash(parsed.canonical), "party_id"].unique()
        if len(hits):
            return _one(graph, list(hits), "ID number")
        raise NotFound("no party has that ID number")
    if parsed.status == MASKED:
        hits = parties.loc[parties["id_masked"] == parsed.canonical, "party_id"].tolist()
        if hits:
            return _one(graph, hits, text)
    hits = parties.loc[parties["name"] == text, "party_id"].tolist()
    if not hits:
        raise NotFound(f"no party named {text!r} (give a party_id, ID number or exact name)")
    return _one(graph, hits, text)


def _one(graph: CaseGraph, hits: list[str], what: str) -> str:
    if len(hits) == 1:
        return hits[0]
    n = graph.roles.drop_duplicates(["case_no", "party_id"])["party_id"].value_counts()
    hits = sorted(hits, key=lambda pid: (-int(n.get(pid, 0)), pid))
    p = graph.parties.set_index("party_id").loc[hits]
    listed = "; ".join(f"{pid} {r['kind']} {r['id_masked'] or 'no ID'} ({int(n.get(pid, 0))} cases)"
                       for pid, r in p.head(8).iterrows())
    raise NotFound(f"{len(hits)} parties match {what!r}: {listed}; pass one party_id")


# --------------------------------------------------------------------------- selection

def neighbourhood(graph: CaseGraph, case: str | None = None, party: str | None = None,
                  hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES) -> nx.Graph:
    """The nodes within ``hops`` steps of a case or party, as a networkx graph.

    Steps are the graph's edges: from a case, 1 hop reaches its parties and
    assets, 2 hops the other cases of those parties and assets; from a party,
    1 hop reaches its cases, 2 hops their other parties and assets. Mass
    applicants (more cases than ``options.hub_threshold``, e.g. a bank) are
    shown but not passed through, as in :meth:`CaseGraph.links`: a bank with
    hundreds of borrowers would otherwise pull them all in. Each case's judge
    is added. Over ``max_nodes`` the graph is cut to its most connected part
    around the start (:func:`cut`), and ``g.graph`` says so.

    王五 (D) owes 张三 (A) in 执1 and 李四 (B) in 执2:

    >>> g = CaseGraph(
    ...     cases=pd.DataFrame({"case_no": ["执1", "执2"], "cause": "民间借贷纠纷", "amount": [100.0, 200.0],
    ...                         "status": "执行中", "judge": ["许法官", ""], "filed_on": "2024-01-05"}),
    ...     roles=pd.DataFrame({"case_no": ["执1", "执1", "执2", "执2"], "party_id": ["A", "D", "B", "D"],
    ...                         "role": ["applicant", "debtor", "applicant", "debtor"]}),
    ...     assets=pd.DataFrame(columns=["case_no", "asset_id", "asset_type", "action"]),
    ...     parties=pd.DataFrame({"party_id": ["A", "B", "D"], "name": ["张三", "李四", "王五"], "kind": "自然人",
    ...                           "id_masked": ""}),
    ...     judges=pd.DataFrame())
    >>> sorted(neighbourhood(g, case="执1", hops=1))
    ['case:执1', 'judge:许法官', 'party:A', 'party:D']
    >>> sorted(neighbourhood(g, case="执1", hops=2))
    ['case:执1', 'case:执2', 'judge:许法官', 'party:A', 'party:D']
    >>> n = neighbourhood(g, party="D", hops=1)
    >>> n.nodes["party:D"]["n_debtor_cases"], n.edges["party:D", "case:执2"]["amount"]
    (2, 200.0)
    """
    if (case is None) == (party is None):
        raise ValueError("give one of case or party")
    start = f"case:{case}" if case is not None else f"party:{party}"
    hubs = graph.hub_applicants() - ({party} if party else set())
    roles = graph.roles.drop_duplicates(["case_no", "party_id", "role"])
    assets = graph.assets.drop_duplicates(["case_no", "asset_id"])
    cases, parties, assets_seen = set(), set(), set()
    frontier_cases = {case} if case is not None else set()
    frontier_parties = {party} if party is not None else set()
    frontier_assets: set[str] = set()
    cases |= frontier_cases
    parties |= frontier_parties
    for _ in range(hops):
        # cases -> their parties and assets; parties and assets -> their cases
        r = roles[roles["case_no"].isin(frontier_cases)]
        a = assets[assets["case_no"].isin(frontier_cases)]
        new_parties = set(r["party_id"]) - parties
        new_assets = set(a["asset_id"]) - assets_seen
        rc = roles[roles["party_id"].isin(frontier_parties)
                   & ~((roles["role"] == C.APPLICANT) & roles["party_id"].isin(hubs))]
        ac = assets[assets["asset_id"].isin(frontier_assets)]
        new_cases = (set(rc["case_no"]) | set(ac["case_no"])) - cases
        parties |= new_parties
        assets_seen |= new_assets
        cases |= new_cases
        frontier_cases, frontier_parties, frontier_assets = new_cases, new_parties, new_assets
        if not (frontier_cases or frontier_parties or frontier_assets):
            break
    g = graph.to_networkx(cases)
    g.add_nodes_from(f"party:{p}" for p in parties if f"party:{p}" not in g)
    drop = [n for n, d in g.nodes(data=True)
            if (d.get("kind") in ("person", "organisation") and n[6:] not in parties)
            or (d.get("kind") == "asset" and n[6:] not in assets_seen)]
    g.remove_nodes_from(drop)
    _fill_parties(graph, g)
    title = f"Case {case}" if case is not None else f"Party {g.nodes[start].get('name', party)}"
    g = finish(g, start, title=title, hops=hops, max_nodes=max_nodes, hubs=hubs)
    _add_teams(graph, g)
    return g


def case_set(graph: CaseGraph, case_nos, title: str, center: str | None = None,
             max_nodes: int = DEFAULT_MAX_NODES, hubs: set | None = None) -> nx.Graph:
    """A set of cases with all their parties and assets, e.g. one related-case
    bundle, one debtor's cases or the cases of one offset cycle.

    ``center`` (a node id, marked on the page) is where a cut keeps its
    middle; without one, a cut keeps the part around the best-connected node.
    """
    g = graph.to_networkx(set(case_nos))
    _fill_parties(graph, g)
    mark = center is not None and center in g
    if not mark:
        center = max(g.degree, key=lambda nd: (nd[1], str(nd[0])))[0] if len(g) else None
    hubs = graph.hub_applicants() if hubs is None else hubs
    g = finish(g, center, title=title, hops=None, max_nodes=max_nodes, hubs=hubs, mark=mark)
    _add_teams(graph, g)
    return g


def _fill_parties(graph: CaseGraph, g: nx.Graph) -> None:
    """Party attributes, including case counts over the whole data (not only
    what is shown): a debtor in 26 cases is drawn large even when 5 are in view."""
    pids = [n[6:] for n, d in g.nodes(data=True) if n.startswith("party:")]
    if not pids:
        return
    r = graph.roles[graph.roles["party_id"].isin(pids)].drop_duplicates(["case_no", "party_id", "role"])
    n = r.groupby(["party_id", "role"]).size()
    info = graph.parties.set_index("party_id")
    for pid in pids:
        d = g.nodes[f"party:{pid}"]
        if "name" not in d and pid in info.index:
            p = info.loc[pid]
            d.update(kind="person" if p["kind"] == C.PERSON else "organisation", party_id=pid, name=p["name"],
                     id_masked=p["id_masked"], party_kind=p["kind"])
        d["n_debtor_cases"] = int(n.get((pid, C.DEBTOR), 0))
        d["n_applicant_cases"] = int(n.get((pid, C.APPLICANT), 0))


def finish(g: nx.Graph, start: str | None, title: str, hops: int | None, max_nodes: int,
           hubs=frozenset(), mark: bool = True) -> nx.Graph:
    """Cut, add judges and case amounts on edges, and record what was done in
    ``g.graph``. Both engines' selections end here, so their pictures match."""
    total = g.number_of_nodes()
    if start is not None and start in g and total > max_nodes:
        g = cut(g, start, max_nodes)
    for u, v, d in g.edges(data=True):
        c = u if u.startswith("case:") else v
        d.setdefault("amount", g.nodes[c].get("amount"))
    for n, d in list(g.nodes(data=True)):
        if d.get("kind") == "case" and isinstance(d.get("judge"), str) and d["judge"]:
            j = f"judge:{d['judge']}"
            if j not in g:
                g.add_node(j, kind="judge", judge=d["judge"])
            g.add_edge(j, n, role="judge")
    for n in hubs:
        if f"party:{n}" in g:
            g.nodes[f"party:{n}"]["mass_applicant"] = True
    if mark and start is not None and start in g:
        g.nodes[start]["start"] = True
    g.graph.update(title=title, start=start if mark else None, hops=hops, total_nodes=total,
                   shown_nodes=sum(1 for _, d in g.nodes(data=True) if d.get("kind") != "judge"),
                   cut=total > max_nodes, max_nodes=max_nodes)
    return g


def cut(g: nx.Graph, start: str, max_nodes: int) -> nx.Graph:
    """The ``max_nodes`` nodes around ``start`` that hold the most links.

    Grows from ``start``, always taking next the reachable node with the most
    links in the whole neighbourhood (ties: the nearer, then by id), so what
    is kept is connected, holds the start, and prefers the common debtors and
    shared assets over one-off parties at the edge.

    >>> g = nx.star_graph(5)               # 0 in the middle of 1..5
    >>> g.add_edges_from([(5, 6), (5, 7)])  # 5 also links 6 and 7
    >>> sorted(cut(g, 0, 2).nodes)          # 5 holds the most links
    [0, 5]
    >>> sorted(cut(g, 0, 4).nodes)          # then the nearer ones
    [0, 1, 2, 5]
    """
    dist = nx.single_source_shortest_path_length(g, start)
    keep = {start}
    heap = [(-g.degree(n), dist[n], str(n), n) for n in g.neighbors(start)]
    heapq.heapify(heap)
    queued = set(g.neighbors(start)) | {start}
    while heap and len(keep) < max_nodes:
        *_, n = heapq.heappop(heap)
        keep.add(n)
        for m in g.neighbors(n):
            if m not in queued:
                queued.add(m)
                heapq.heappush(heap, (-g.degree(m), dist[m], str(m), m))
    return g.subgraph(keep).copy()


# --------------------------------------------------------------------------- Neo4j

# The model is the Neo4j engine's (cypher/schema.cypher):
#   (:Party)-[:APPLICANT_IN|DEBTOR_IN]->(:Case)-[:ATTACHES {action}]->(:Asset), (:Judge {judge, team}).
# The walk is the embedded one, hop by hop, so both engines draw the same picture.
Q_CASE_SIDES = """
UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
CALL (c) {
  MATCH (c)<-[:APPLICANT_IN|DEBTOR_IN]-(p:Party) RETURN 'party' AS kind, p.party_id AS id
  UNION
  MATCH (c)-[:ATTACHES]->(a:Asset) RETURN 'asset' AS kind, a.asset_id AS id
}
RETURN DISTINCT kind, id"""
# A mass applicant's applicant cases are not walked through (CaseGraph.links, bundles.cypher).
Q_PARTY_CASES = """
UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case)
WHERE NOT (r:APPLICANT_IN AND pid IN $hubs)
RETURN DISTINCT c.case_no AS case_no"""
Q_ASSET_CASES = """
UNWIND $asset_ids AS aid
MATCH (:Asset {asset_id: aid})<-[:ATTACHES]-(c:Case)
RETURN DISTINCT c.case_no AS case_no"""
Q_HUBS = """
UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})
WHERE COUNT { (p)-[:APPLICANT_IN]->(:Case) } > $hub_threshold
RETURN p.party_id AS party_id"""
Q_CASES = """
UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})
RETURN c.case_no AS case_no, c.filed_on AS filed_on, c.cause AS cause, c.amount AS amount,
       c.status AS status, c.judge AS judge, c.type_code AS type_code"""
Q_PARTIES = """
UNWIND $party_ids AS pid
MATCH (p:Party {party_id: pid})
RETURN p.party_id AS party_id, p.name AS name, p.kind AS kind, p.id_masked AS id_masked,
       COUNT { (p)-[:DEBTOR_IN]->(:Case) } AS n_debtor_cases,
       COUNT { (p)-[:APPLICANT_IN]->(:Case) } AS n_applicant_cases"""
Q_ROLES = """
UNWIND $case_nos AS no
MATCH (p:Party)-[r:APPLICANT_IN|DEBTOR_IN]->(c:Case {case_no: no})
WHERE p.party_id IN $party_ids
RETURN c.case_no AS case_no, p.party_id AS party_id,
       CASE type(r) WHEN 'APPLICANT_IN' THEN 'applicant' ELSE 'debtor' END AS role"""
Q_ATTACHES = """
UNWIND $case_nos AS no
MATCH (c:Case {case_no: no})-[r:ATTACHES]->(a:Asset)
WHERE a.asset_id IN $asset_ids
RETURN c.case_no AS case_no, a.asset_id AS asset_id, coalesce(a.asset_type, r.asset_type, '') AS asset_type,
       r.action AS action"""
Q_TEAMS = """
UNWIND $judges AS j
MATCH (x:Judge {judge: j})
RETURN x.judge AS judge, x.team AS team"""
# How a user may name a party, each answered by an index where the model has one.
_PARTY_OUT = """
RETURN DISTINCT p.party_id AS party_id, p.kind AS kind, p.id_masked AS id_masked,
       COUNT { (p)-[:APPLICANT_IN|DEBTOR_IN]->(:Case) } AS n_cases
ORDER BY n_cases DESC, party_id"""
Q_PARTY_BY = {
    "party_id": "MATCH (p:Party {party_id: $text})" + _PARTY_OUT,
    "id_key": "MATCH (:PartyRecord {id_key: $text})-[:OF]->(p:Party)" + _PARTY_OUT,
    "id_masked": "MATCH (p:Party {id_masked: $text})" + _PARTY_OUT,
    "name": "MATCH (p:Party {name: $text})" + _PARTY_OUT,
}


def neighbourhood_from_neo4j(db_or_uri, case: str | None = None, party: str | None = None,
                             hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES,
                             user: str | None = None, password: str | None = None, database: str | None = None,
                             hub_threshold: int | None = None) -> nx.Graph:
    """:func:`neighbourhood`, answered by the Neo4j database that
    ``casegraph analyze --backend neo4j`` loaded.

    ``db_or_uri`` is a :class:`casegraph.neo4j_engine.Database` or a URI.
    ``case`` is a case number as typed; ``party`` a party_id, an ID number
    (full, matched through its keyed hash, or masked) or an exact name. The
    graph has the same nodes, attributes and edges as the embedded engine's
    for the same data.

    Example::

        g = neighbourhood_from_neo4j("neo4j://127.0.0.1:7687", party="王建国")
    """
    from casegraph.engines.neo4j import db as ne

    if (case is None) == (party is None):
        raise ValueError("give one of case or party")
    hub_threshold = C.Options().hub_threshold if hub_threshold is None else hub_threshold
    own = not isinstance(db_or_uri, ne.Database)
    db = ne.connect(db_or_uri, user, password, database) if own else db_or_uri
    try:
        return _walk_neo4j(db, case, party, hops, max_nodes, hub_threshold)
    finally:
        if own:
            db.close()


def _walk_neo4j(db, case, party, hops, max_nodes, hub_threshold) -> nx.Graph:
    def col(df, name):
        return set(df[name]) if len(df) else set()

    if case is not None:
        parsed = parse_case_no(case)
        case = parsed.official if parsed else str(case).strip()
        if db.read("MATCH (c:Case {case_no: $no}) RETURN count(c) AS n", {"no": case}).iloc[0, 0] == 0:
            raise NotFound(f"case {case!r} is not in the database")
    else:
        party = _neo4j_party(db, party)
    start = f"case:{case}" if case is not None else f"party:{party}"
    cases = {case} if case is not None else set()
    parties = {party} if party is not None else set()
    assets: set[str] = set()
    f_cases, f_parties, f_assets = set(cases), set(parties), set()
    for _ in range(hops):
        sides = db.read(Q_CASE_SIDES, {"case_nos": sorted(f_cases)}) if f_cases else pd.DataFrame(columns=["kind", "id"])
        new_parties = set(sides.loc[sides["kind"] == "party", "id"]) - parties
        new_assets = set(sides.loc[sides["kind"] == "asset", "id"]) - assets
        hubs = col(db.read(Q_HUBS, {"party_ids": sorted(f_parties), "hub_threshold": hub_threshold}), "party_id")
        hubs -= {party}
        reached = set()
        if f_parties:
            reached |= col(db.read(Q_PARTY_CASES, {"party_ids": sorted(f_parties), "hubs": sorted(hubs)}), "case_no")
        if f_assets:
            reached |= col(db.read(Q_ASSET_CASES, {"asset_ids": sorted(f_assets)}), "case_no")
        new_cases = reached - cases
        parties |= new_parties
        assets |= new_assets
        cases |= new_cases
        f_cases, f_parties, f_assets = new_cases, new_parties, new_assets
        if not (f_cases or f_parties or f_assets):
            break

    g = nx.Graph()
    case_nos, party_ids, asset_ids = sorted(cases), sorted(parties), sorted(assets)
    for rec in db.read(Q_CASES, {"case_nos": case_nos}).to_dict("records"):
        rec = {k: _plain(v) for k, v in rec.items()}
        g.add_node("case:" + rec["case_no"], kind="case", **rec)
    for rec in db.read(Q_PARTIES, {"party_ids": party_ids}).to_dict("records"):
        g.add_node("party:" + rec["party_id"], kind="person" if rec["kind"] == C.PERSON else "organisation",
                   party_id=rec["party_id"], name=rec["name"], id_masked=rec["id_masked"] or "",
                   party_kind=rec["kind"], n_debtor_cases=int(rec["n_debtor_cases"]),
                   n_applicant_cases=int(rec["n_applicant_cases"]))
    for no, pid, role in db.read(Q_ROLES, {"case_nos": case_nos, "party_ids": party_ids}).itertuples(index=False):
        g.add_edge("party:" + pid, "case:" + no, role=role)
    if asset_ids:
        for no, aid, atype, action in db.read(Q_ATTACHES, {"case_nos": case_nos, "asset_ids": asset_ids}).itertuples(
                index=False):
            g.add_node("asset:" + aid, kind="asset", asset_id=aid, asset_type=atype or "")
            g.add_edge("asset:" + aid, "case:" + no, role=action or "attached")
    all_hubs = col(db.read(Q_HUBS, {"party_ids": party_ids, "hub_threshold": hub_threshold}), "party_id")
    title = f"Case {case}" if case is not None else f"Party {g.nodes[start].get('name', party)}"
    g = finish(g, start, title=title, hops=hops, max_nodes=max_nodes, hubs=all_hubs - {party})
    judges = [d["judge"] for _, d in g.nodes(data=True) if d.get("kind") == "judge"]
    if judges:
        team = dict(db.read(Q_TEAMS, {"judges": judges}).itertuples(index=False))
        for j in judges:
            if team.get(j):
                g.nodes[f"judge:{j}"]["team"] = team[j]
    return g


def _plain(v):
    """Neo4j temporal values as ISO text, as the embedded engine shows them."""
    return v.iso_format() if hasattr(v, "iso_format") else v


def _neo4j_party(db, text: str) -> str:
    """:func:`find_party`, asked of the database."""
    from casegraph.normalise.identity import MASKED, RIC, USCC, keyed_hash, parse_id

    text = str(text).strip()
    if not db.read(Q_PARTY_BY["party_id"], {"text": text}).empty:
        return text
    parsed = parse_id(text)
    if parsed.status in (RIC, USCC):
        hits = db.read(Q_PARTY_BY["id_key"], {"text": keyed_hash(parsed.canonical)})
        if hits.empty:
            raise NotFound("no party has that ID number in the database")
        what = "ID number"
    else:
        hits = db.read(Q_PARTY_BY["id_masked"], {"text": parsed.canonical}) if parsed.status == MASKED else None
        if hits is None or hits.empty:
            hits = db.read(Q_PARTY_BY["name"], {"text": text})
        what = text
    if hits.empty:
        raise NotFound(f"no party named {text!r} in the database (give a party_id, ID number or exact name)")
    if len(hits) == 1:
        return hits.at[0, "party_id"]
    listed = "; ".join(f"{r.party_id} {r.kind} {r.id_masked or 'no ID'} ({r.n_cases} cases)"
                       for r in hits.head(8).itertuples())
    raise NotFound(f"{len(hits)} parties match {what!r}: {listed}; pass one party_id")


# --------------------------------------------------------------------------- rendering

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
}
EDGE_LOOKS = {
    C.DEBTOR: ("#e15759", False, "debtor 被执行人 (debtor → case)"),
    C.APPLICANT: ("#4e79a7", False, "applicant 申请执行人 (case → applicant)"),
    "asset": ("#b07aa1", True, "asset attached (查封/冻结/扣押)"),
    "judge": ("#bbbbbb", True, "handled by 承办"),
}
START_BORDER = "#d62728"
VIS_LIB = "vis-9.1.2"
VIS_FILES = ("vis-network.min.js", "vis-network.css")


def _vis_dir() -> Path:
    import importlib.util

    # Found without importing pyvis (which imports IPython: a second).
    return Path(importlib.util.find_spec("pyvis").origin).parent / "templates" / "lib" / VIS_LIB


def copy_lib(folder: str | Path) -> Path:
    """Put vis-network's JS and CSS (from the pyvis package) into ``folder/lib``."""
    lib = Path(folder) / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for name in VIS_FILES:
        if not (lib / name).exists():
            shutil.copyfile(_vis_dir() / name, lib / name)
    return lib


def _money(x) -> str:
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
    """How one node is drawn: label, shape, colour, size and hover text."""
    kind = d.get("kind", "case")
    look = LOOKS.get(kind, LOOKS["case"])
    size, label, lines = 12, n, []
    if kind == "case":
        label = _text(d.get("case_no"))
        lines = [f"案号 {label}", f"案由 {_text(d.get('cause'))}", f"金额 {_money(d.get('amount')) or '—'}",
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
    """Debt runs along the arrows: debtor → case → applicant."""
    role = d.get("role", "")
    case, other = (u, v) if u.startswith("case:") else (v, u)
    if role in (C.DEBTOR, C.APPLICANT):
        color, dashed, _ = EDGE_LOOKS[role]
        amount = _money(d.get("amount"))
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


def _legend() -> str:
    svg = {
        "square": '<rect x="3" y="3" width="12" height="12" fill="{c}"/>',
        "dot": '<circle cx="9" cy="9" r="7" fill="{c}"/>',
        "diamond": '<polygon points="9,1 17,9 9,17 1,9" fill="{c}"/>',
        "triangle": '<polygon points="9,2 17,16 1,16" fill="{c}"/>',
        "star": '<polygon points="9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7" fill="{c}"/>',
    }
    rows = [f'<li data-kind="{k}"><svg width="18" height="18">{svg[l.shape].format(c=l.color)}</svg>{html.escape(l.label)}</li>'
            for k, l in LOOKS.items()]
    rows.append(f'<li><svg width="18" height="18"><circle cx="9" cy="9" r="6" fill="#fff" stroke="{START_BORDER}" '
                f'stroke-width="3"/></svg>where this page starts</li>')
    rows.append('<li><svg width="18" height="18"><circle cx="9" cy="9" r="8" fill="#ccc"/></svg>'
                'larger: debtor in more cases</li>')
    for _, (color, dashed, label) in EDGE_LOOKS.items():
        dash = ' stroke-dasharray="3,2"' if dashed else ""
        rows.append(f'<li><svg width="18" height="18"><line x1="1" y1="9" x2="17" y2="9" stroke="{color}" '
                    f'stroke-width="2"{dash}/></svg>{html.escape(label)}</li>')
    return "<ul class=legend>" + "".join(rows) + "</ul>"


PAGE_CSS = """
body{margin:0;font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#222;background:#fafafa}
header{padding:10px 16px;border-bottom:1px solid #ddd;background:#fff}
header h1{font-size:18px;margin:0 0 4px}
header p{margin:2px 0;font-size:13px;color:#555}
.cut{color:#8a4b00;background:#fff4e0;border:1px solid #f0c36d;padding:4px 8px;border-radius:3px;display:inline-block}
main{display:flex;height:calc(100vh - 90px);min-height:420px}
#network{flex:1;background:#fff;border-right:1px solid #ddd}
aside{width:290px;padding:8px 12px;font-size:13px;overflow:auto}
aside h2{font-size:14px;margin:8px 0 4px}
ul.legend{list-style:none;padding:0;margin:0}
ul.legend li{display:flex;align-items:center;gap:6px;margin:3px 0}
#details{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:6px;min-height:60px}
a{color:#1f5fa8}
div.vis-tooltip{font-family:inherit;font-size:13px;line-height:1.45}
"""

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
{resources}
<style>{css}</style>
</head>
<body>
<header>
{back}<h1>{title}</h1>
<p id="counts">{counts}</p>
{cut}
</header>
<main>
<div id="network"></div>
<aside>
<h2>Legend 图例</h2>
{legend}
<h2>Selected 选中</h2>
<div id="details">Click a node to see its details; hover for a summary.</div>
</aside>
</main>
<script>
(function () {{
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var options = {options};
  var network = new vis.Network(document.getElementById("network"), {{nodes: nodes, edges: edges}}, options);
  window.casegraph = {{network: network, nodes: nodes, edges: edges, ready: false}};
  function ready() {{
    network.setOptions({{physics: false}});
    network.fit();
    window.casegraph.ready = true;
  }}
  network.once("stabilizationIterationsDone", ready);
  if (nodes.length < 2) {{ ready(); }}
  network.on("click", function (params) {{
    var box = document.getElementById("details");
    if (params.nodes.length) {{ box.textContent = nodes.get(params.nodes[0]).title || params.nodes[0]; }}
  }});
}})();
</script>
</body>
</html>
"""


def counts_line(g: nx.Graph) -> str:
    kinds = pd.Series([d.get("kind") for _, d in g.nodes(data=True)]).value_counts()
    words = [("case", "cases"), ("person", "persons"), ("organisation", "organisations"), ("asset", "assets"),
             ("judge", "judges")]
    parts = [f"{int(kinds.get(k, 0))} {w if kinds.get(k, 0) > 1 else k}" for k, w in words if kinds.get(k, 0)]
    hops = g.graph.get("hops")
    return ", ".join(parts) + (f"; {hops} hops around the start" if hops is not None else "")


def cut_note(g: nx.Graph) -> str:
    if not g.graph.get("cut"):
        return ""
    shown, total = g.graph["shown_nodes"], g.graph["total_nodes"]
    around = "the start" if g.graph.get("start") else "its best-connected node"
    return (f'<p class="cut" id="cut-note">Too large to read: this network has {total:,} nodes; '
            f'showing the {shown:,} most connected around {around} ({total - shown:,} left out). '
            f'Use fewer hops, or the CSV files for the full list.</p>')


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
    if inline:
        vis = _vis_dir()
        resources = (f"<style>{(vis / 'vis-network.css').read_text(encoding='utf-8')}</style>\n"
                     f"<script>{(vis / 'vis-network.min.js').read_text(encoding='utf-8')}</script>")
    else:
        lib = copy_lib(out.parent) if lib is None else Path(lib)
        if lib is not None and not (lib / VIS_FILES[0]).exists():
            copy_lib(lib.parent)
        rel = Path(_relpath(lib, out.parent))
        resources = (f'<link rel="stylesheet" href="{(rel / "vis-network.css").as_posix()}">\n'
                     f'<script src="{(rel / "vis-network.min.js").as_posix()}"></script>')
    net = to_pyvis(g)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    title = html.escape(g.graph.get("title", "casegraph"))
    back_html = f'<p><a id="back" href="{html.escape(back[0])}">{html.escape(back[1])}</a></p>' if back else ""
    page = PAGE.format(title=title, resources=resources, css=PAGE_CSS, back=back_html, counts=counts_line(g),
                       cut=cut_note(g), legend=_legend(), nodes=_json(nodes), edges=_json(edges), options=options)
    out.write_text(page, encoding="utf-8")
    return out


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(Path(target).resolve(), Path(start).resolve())


def _json(x) -> str:
    """JSON safe inside a <script>: no ``</script>`` can close it early."""
    return json.dumps(x, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --------------------------------------------------------------------------- one call for the CLI

def show(export: str | Path, out: str | Path, case: str | None = None, party: str | None = None,
         hops: int = DEFAULT_HOPS, max_nodes: int = DEFAULT_MAX_NODES, judges: str | Path | None = None,
         inline: bool = False) -> tuple[Path, nx.Graph]:
    """Read an export, select the neighbourhood of ``case`` or ``party`` (as a
    user typed it) and write the page. Returns the page and the graph."""
    from casegraph.pipeline import prepare

    _, resolved, graph = prepare(export, judges)
    if case is not None:
        g = neighbourhood(graph, case=find_case(graph, case), hops=hops, max_nodes=max_nodes)
    else:
        g = neighbourhood(graph, party=find_party(graph, party, resolved.records), hops=hops, max_nodes=max_nodes)
    return render(g, out, inline=inline), g


def _add_teams(graph: CaseGraph, g: nx.Graph) -> None:
    if graph.judges.empty or "team" not in graph.judges:
        return
    team = graph.judges.drop_duplicates("judge").set_index("judge")["team"]
    for n, d in g.nodes(data=True):
        if d.get("kind") == "judge" and d["judge"] in team.index and team[d["judge"]]:
            d["team"] = team[d["judge"]]
