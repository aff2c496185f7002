"""The report site: one page of sortable tables over a result, and a network
page for each of the largest bundles, the busiest common debtors and the
offsets.

Plain HTML (``templates/index.html``) with a few lines of inline JavaScript
for sorting; the network pages load vis-network from ``lib/`` beside them. Nothing comes from the
internet, so the site works on a court intranet, from a shared folder or a
USB stick.

Example::

    from casegraph import analyze
    write_report(analyze("export/"), "out/report")
    # PosixPath('out/report')

Layout::

    report/index.html                  summary, common debtors, repeat applicants,
                                       offsets, bundles, shared assets, candidates for review
    report/lib/vis-network.min.js|css  from the pyvis package
    report/networks/bundle-B….html     one page per bundle (the largest ``top``)
    report/networks/debtor-P….html     one page per common debtor (the ``top`` by cases)
    report/networks/offset-O….html     one page per offset (the ``top`` by amount)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casegraph import contract as C
from casegraph.graph import CaseGraph
from casegraph.pictures import page
from casegraph.pictures.from_graph import GraphSource
from casegraph.pictures.select import DEFAULT_MAX_NODES, case_set

TOP = 30
MAX_ROWS = 1000


@dataclass
class Column:
    """A table column: header, the row's value, whether it sorts as a number,
    and an optional link (relative href) for the cell."""

    header: str
    value: object
    numeric: bool = False
    link: object = None
    fmt: object = None


def write_report(result, out_dir: str | Path, top: int = TOP, max_rows: int = MAX_ROWS,
                 max_nodes: int = DEFAULT_MAX_NODES) -> Path:
    """Write the report site of ``result`` (a :class:`casegraph.analyze.Result`)
    into ``out_dir``; returns the folder.

    Network pages are written for the ``top`` largest bundles, the ``top``
    common debtors by case count and the ``top`` offsets by amount; the index
    says how many have none. Tables longer than ``max_rows`` are cut (the CSV
    files have every row) and say so.

    The site is built in a staging folder and moved in whole: a failed run
    leaves the previous report, never half of one.
    """
    from casegraph.write.files import atomic_folder

    with atomic_folder(out_dir, "the report") as stage:
        _build(result, stage, top, max_rows, max_nodes)
    return Path(out_dir)


def build_site(result, site: Path, top: int = TOP, max_rows: int = MAX_ROWS,
               max_nodes: int = DEFAULT_MAX_NODES) -> None:
    """Write the report site into ``site`` as it goes, with no staging of its
    own: for a caller that stages the whole result (casegraph.write.result)."""
    site.mkdir(parents=True, exist_ok=True)
    _build(result, site, top, max_rows, max_nodes)


# --------------------------------------------------------------------------- the site

def _build(result, site: Path, top: int, max_rows: int, max_nodes: int) -> None:
    f = result.findings
    graph: CaseGraph = result.graph
    lib = page.copy_lib(site)
    bundles = bundle_table(graph, f["bundles"])
    debtors = f["common_debtors"]
    offsets = f["offsets"]
    pages_b = bundles.head(top)
    pages_d = debtors.head(top)
    pages_o = offsets.sort_values("amount", ascending=False, kind="stable").head(top)

    wanted = set()
    for col in (pages_d["case_nos"], pages_o["case_nos"]):
        for cell in col:
            wanted.update(cell.split(C.LIST_SEP))
    wanted.update(f["bundles"].loc[f["bundles"]["bundle_id"].isin(pages_b["bundle_id"]), "case_no"])
    # One source for every page: the mass applicants are counted once.
    small = GraphSource(restrict(graph, wanted))

    names = graph.parties.set_index("party_id")["name"]
    nets = site / "networks"
    back = ("../index.html", "← report 报告")
    for bid, case_nos in _cases_by_bundle(f["bundles"], pages_b["bundle_id"]):
        g = case_set(small, case_nos, title=f"Bundle {bid} ({len(case_nos)} cases)", max_nodes=max_nodes)
        page.render(g, nets / f"bundle-{bid}.html", lib=lib, back=back)
    for pid, name, cells in pages_d[["party_id", "name", "case_nos"]].itertuples(index=False):
        case_nos = cells.split(C.LIST_SEP)
        g = case_set(small, case_nos, title=f"Debtor {name} ({len(case_nos)} cases)", center=f"party:{pid}",
                     max_nodes=max_nodes)
        page.render(g, nets / f"debtor-{pid}.html", lib=lib, back=back)
    for oid, kind, parties, cells in pages_o[["offset_id", "kind", "parties", "case_nos"]].itertuples(index=False):
        who = owing_chain([str(names.get(p, p)) for p in parties.split(C.LIST_SEP)], kind)
        g = case_set(small, cells.split(C.LIST_SEP), title=f"Offset {oid} ({kind}): {who}", max_nodes=max_nodes)
        page.render(g, nets / f"offset-{oid}.html", lib=lib, back=back)

    linked = {"bundle": set(pages_b["bundle_id"]), "debtor": set(pages_d["party_id"]),
              "offset": set(pages_o["offset_id"])}
    (site / "index.html").write_text(index_page(result, bundles, linked, top, max_rows), encoding="utf-8",
                                          newline="\n")


def restrict(graph: CaseGraph, case_nos) -> CaseGraph:
    """The part of ``graph`` that pages about ``case_nos`` need: those cases,
    their assets, and every role of their parties (so that a party's case
    counts stay those of the whole data). Drawing many pages from it is fast
    at a million cases."""
    keep = set(case_nos)
    roles = graph.roles
    pids = set(roles.loc[roles["case_no"].isin(keep), "party_id"])
    return CaseGraph(
        cases=graph.cases[graph.cases["case_no"].isin(keep)],
        roles=roles[roles["party_id"].isin(pids)],
        assets=graph.assets[graph.assets["case_no"].isin(keep)],
        parties=graph.parties[graph.parties["party_id"].isin(pids)],
        judges=graph.judges,
        options=graph.options,
    )


def owing_chain(names: list[str], kind: str) -> str:
    """Who owes whom, as text.

    >>> owing_chain(["甲", "乙"], "bilateral")
    '甲 ⇄ 乙'
    >>> owing_chain(["甲", "乙", "丙"], "multilateral")
    '甲 → 乙 → 丙 → 甲'
    """
    if kind == "bilateral":
        return " ⇄ ".join(names)
    return " → ".join(names + names[:1])


def _cases_by_bundle(bundles: pd.DataFrame, ids) -> list[tuple[str, list[str]]]:
    b = bundles[bundles["bundle_id"].isin(set(ids))]
    groups = b.groupby("bundle_id")["case_no"].agg(list)
    return [(bid, groups[bid]) for bid in ids]


def bundle_table(graph: CaseGraph, bundles: pd.DataFrame) -> pd.DataFrame:
    """One row per bundle, largest first: bundle_id, n_cases, n_parties,
    total_amount, ties (what links its cases: parties named, assets counted).

    Example::

        bundle_table(graph, result.findings["bundles"]).head(1)
    """
    cols = ["bundle_id", "n_cases", "n_parties", "total_amount", "ties"]
    if bundles.empty:
        return pd.DataFrame(columns=cols)
    amount = graph.cases.set_index("case_no")["amount"]
    b = bundles.assign(amount=amount.reindex(bundles["case_no"]).to_numpy())
    roles = graph.roles[graph.roles["case_no"].isin(set(bundles["case_no"]))]
    n_parties = roles.merge(bundles[["case_no", "bundle_id"]], on="case_no").groupby("bundle_id")["party_id"].nunique()
    links = b[["bundle_id", "reasons"]].assign(link=b["reasons"].str.split(C.LIST_SEP)).explode("link")
    links = links[links["link"].fillna("") != ""]
    per_link = links.groupby(["bundle_id", "link"]).size().reset_index(name="n")
    names = graph.parties.set_index("party_id")["name"]
    ties = {}
    for bid, grp in per_link.sort_values(["bundle_id", "n", "link"], ascending=[True, False, True]).groupby("bundle_id"):
        party = [f"{names.get(l[6:], l[6:])} ({n})" for l, n in zip(grp["link"], grp["n"]) if l.startswith("party:")]
        n_assets = sum(1 for l in grp["link"] if l.startswith("asset:"))
        text = ", ".join(party[:4]) + (f" +{len(party) - 4} more" if len(party) > 4 else "")
        if n_assets:
            text += ("; " if text else "") + f"{n_assets} shared asset{'s' if n_assets > 1 else ''}"
        ties[bid] = text
    out = b.groupby("bundle_id").agg(n_cases=("case_no", "nunique"), total_amount=("amount", "sum")).reset_index()
    out["n_parties"] = n_parties.reindex(out["bundle_id"]).fillna(0).astype(int).to_numpy()
    out["total_amount"] = out["total_amount"].round(2)
    out["ties"] = out["bundle_id"].map(ties).fillna("")
    return out.sort_values(["n_cases", "total_amount", "bundle_id"], ascending=[False, False, True])[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- HTML

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _money(x) -> str:
    return page.money(x).lstrip("¥")


def _num(x) -> str:
    try:
        return "" if pd.isna(x) else f"{x:g}" if isinstance(x, float) else str(int(x))
    except (TypeError, ValueError):
        return str(x)


def table(table_id: str, df: pd.DataFrame, columns: list[Column], max_rows: int, csv: str | None = None) -> dict:
    """A sortable table (click a header; numbers sort as numbers), as
    ``templates/index.html`` draws it: each cell is (text, link, the number
    it sorts by or None).

    >>> t = table("t", pd.DataFrame({"n": [2, 10]}), [Column("N", "n", numeric=True)], max_rows=1)
    >>> t["rows"], t["total"]
    ([[('2', None, '2')]], 2)
    """
    rows = []
    for rec in df.head(max_rows).to_dict("records"):
        cells = []
        for c in columns:
            v = c.value(rec) if callable(c.value) else rec.get(c.value)
            shown = c.fmt(v) if c.fmt else ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
            cells.append((shown, c.link(rec) if c.link else None, _num(v) if c.numeric else None))
        rows.append(cells)
    return {"id": table_id, "columns": columns, "rows": rows, "total": len(df), "max_rows": max_rows, "csv": csv}


def _first(cell: str, n: int = 3) -> str:
    items = [c for c in str(cell).split(C.LIST_SEP) if c]
    return "; ".join(items[:n]) + (f" +{len(items) - n} more" if len(items) > n else "")


def summary_rows(s: dict) -> list[tuple[str, str]]:
    acc, rej = s.get("accepted", {}), s.get("rejected", {})
    none = s.get("no_applicants")
    offsets = s.get("offsets") or {}
    rows = [
        ("Cases 案件", acc.get("cases")),
        ("Party rows 当事人记录", acc.get("parties")),
        ("Resolved parties 当事人", s.get("resolved_parties")),
        ("Records merged into another party", s.get("merged_records")),
        ("Assets attached 查控财产", acc.get("assets")),
        ("Rows rejected", sum(rej.values()) if rej else 0),
        ("Warnings", s.get("warnings")),
        ("Common debtors 共同被执行人", s.get("common_debtors")),
        ("of them across courts (提级执行/协同执行)", s.get("cross_court_debtors")),
        ("Debtors sharing a legal representative 关联企业", s.get("shared_representatives")),
        *((("Applicants 申请执行人", "none in the input 输入中没有申请执行人: " + none),) if none else (
            ("Repeat applicants 重复申请人", s.get("repeat_applicants")),
            ("of them mass applicants", s.get("mass_applicants")),
            ("Bilateral offsets 双方互负债务", offsets.get("bilateral", 0)),
            ("Offset cycles 多方循环债务", offsets.get("multilateral", 0)))),
        ("Shared assets 同一执行标的物", s.get("shared_assets")),
        ("Bundles 关联案件组", s.get("bundles")),
        ("Cases in bundles", s.get("cases_in_bundles")),
        ("Largest bundle (cases)", s.get("largest_bundle")),
    ]
    p = s.get("persons_without_id") or {}
    if p.get("records"):
        rows += [("Person rows without a valid ID 无有效证件号的自然人", p["records"]),
                 *((f"of them linked by {rule}", n) for rule, n in p["linked"].items()),
                 ("of them offered for review", p["offered_for_review"]), ("of them alone", p["alone"])]
    rows.append(("Candidates for review 待核实", sum((s.get("candidates") or {}).values())))
    if s.get("assigned") is not None:
        rows += [("Cases assigned", s.get("assigned")), ("Cases without a judge with room", s.get("unassigned"))]
    return [(k, "" if v is None else f"{v:,}" if isinstance(v, int) else str(v)) for k, v in rows]


def index_page(result, bundles: pd.DataFrame, linked: dict, top: int, max_rows: int) -> str:
    """``index.html``: the summary and a sortable table per finding."""
    f = result.findings
    graph = result.graph
    parties = graph.parties.set_index("party_id")
    name = parties["name"]
    masked = parties["id_masked"]

    def who(pid):
        return str(name.get(pid, pid))

    debtors = f["common_debtors"].assign(id_masked=lambda d: masked.reindex(d["party_id"]).fillna("").to_numpy())
    deb_cols = [
        Column("Debtor 被执行人", "name",
               link=lambda r: f"networks/debtor-{r['party_id']}.html" if r["party_id"] in linked["debtor"] else None),
        Column("Kind", "kind"), Column("ID 证件 (masked)", "id_masked"),
        Column("Cases", "n_cases", numeric=True), Column("Applicants", "n_applicants", numeric=True),
        Column("Total amount ¥", "total_amount", numeric=True, fmt=_money),
        Column("终本 cases", "n_no_property", numeric=True),
        Column("Case numbers", lambda r: _first(r["case_nos"])),
    ]
    rep = f["repeat_applicants"].assign(id_masked=lambda d: masked.reindex(d["party_id"]).fillna("").to_numpy())

    def pairs(r):
        out = []
        for item in filter(None, str(r["repeat_pairs"]).split(C.LIST_SEP)):
            pid, _, n = item.partition("×")
            out.append(f"{who(pid)} ×{n}")
        return ", ".join(out)

    rep_cols = [
        Column("Applicant 申请执行人", "name"), Column("Kind", "kind"), Column("ID 证件 (masked)", "id_masked"),
        Column("Cases", "n_cases", numeric=True), Column("Debtors", "n_debtors", numeric=True),
        Column("Again and again against", pairs),
        Column("Mass applicant", lambda r: "yes" if r["mass_applicant"] else ""),
    ]
    off_cols = [
        Column("Offset", "offset_id",
               link=lambda r: f"networks/offset-{r['offset_id']}.html" if r["offset_id"] in linked["offset"] else None),
        Column("Kind", "kind"),
        Column("Parties (who owes whom)",
               lambda r: owing_chain([who(p) for p in r["parties"].split(C.LIST_SEP)], r["kind"])),
        Column("Amount ¥", "amount", numeric=True, fmt=_money),
        Column("Cases", lambda r: _first(r["case_nos"], 6)),
        Column("Note", "note"),
    ]
    bun_cols = [
        Column("Bundle", "bundle_id",
               link=lambda r: f"networks/bundle-{r['bundle_id']}.html" if r["bundle_id"] in linked["bundle"] else None),
        Column("Cases", "n_cases", numeric=True), Column("Parties", "n_parties", numeric=True),
        Column("Total amount ¥", "total_amount", numeric=True, fmt=_money),
        Column("What ties them (cases)", "ties"),
    ]
    cand_cols = [Column("Names 名称", lambda r: r["names"].replace(C.LIST_SEP, " / ")), Column("Kind", "kind"),
                 Column("Cases", "n_cases", numeric=True), Column("Case numbers", lambda r: _first(r["case_nos"], 4)),
                 Column("Evidence", "evidence"), Column("Strength", "strength", numeric=True, fmt=lambda v: f"{v:.2f}"),
                 Column("candidate_id", "candidate_id")]
    asset_cols = [Column("Asset 财产", "asset_id"), Column("Type", "asset_type"),
                  Column("Cases", "n_cases", numeric=True), Column("Case numbers", lambda r: _first(r["case_nos"], 4))]
    O = C.OUTPUTS
    return page.templates(TEMPLATES).get_template("index.html").render(
        backend=str(result.summary.get("backend", "")),
        summary=summary_rows(result.summary),
        debtors=table("debtors-table", debtors, deb_cols, max_rows, O["common_debtors"].filename),
        applicants=table("applicants-table", rep, rep_cols, max_rows, O["repeat_applicants"].filename),
        offsets=table("offsets-table", f["offsets"], off_cols, max_rows, O["offsets"].filename),
        bundles=table("bundles-table", bundles, bun_cols, max_rows, O["bundles"].filename),
        assets=table("assets-table", f["shared_assets"], asset_cols, max_rows, O["shared_assets"].filename),
        candidates=table("candidates-table", f["candidates"], cand_cols, max_rows, O["candidates"].filename),
        pages={what: len(ids) for what, ids in linked.items()},
    )
