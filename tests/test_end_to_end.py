"""End to end on a generated export: every planted structure is found, every
decoy is left alone, and no full ID reaches an output file."""
import json
import unicodedata
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from casegraph import contract as C
from casegraph.normalise.caseno import parse_case_no
from casegraph.cli import main
from casegraph.sample.generate import make_sample

SEP = C.LIST_SEP


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    truth = make_sample(2000, root / "export", chinese_headers=True, encoding="gbk")
    res = CliRunner().invoke(main, ["analyze", str(root / "export"), "--out", str(root / "out")])
    assert res.exit_code == 0, res.output
    out = {name: pd.read_csv(root / "out" / o.filename, dtype=str, keep_default_na=False, encoding="utf-8-sig")
           for name, o in C.OUTPUTS.items()}
    return truth, out, root


def cases_of(cell):
    return set(cell.split(SEP)) if cell else set()


def official(no):
    return parse_case_no(no).official


def test_repeat_applicants_found(run):
    truth, out, _ = run
    found = [cases_of(c) for c in out["repeat_applicants"]["case_nos"]]
    for t in truth["repeat_applicants"]:
        assert any({official(c) for c in t["case_nos"]} <= f for f in found), t["name"]


def test_common_debtors_found_with_no_property_counts(run):
    truth, out, _ = run
    d = out["common_debtors"]
    for t in truth["common_debtors"]:
        want = {official(c) for c in t["case_nos"]}
        rows = d[[want <= cases_of(c) for c in d["case_nos"]]]
        assert len(rows) == 1, t["name"]
        assert int(rows.iloc[0]["n_no_property"]) >= t.get("n_no_property", 0)


def test_mass_applicants_marked_and_not_bundling(run):
    truth, out, _ = run
    r = out["repeat_applicants"]
    b = out["bundles"]
    for t in truth["mass_applicants"]:
        rows = r[[{official(c) for c in t["case_nos"]} <= cases_of(c) for c in r["case_nos"]]]
        assert rows["mass_applicant"].tolist() == ["True"]
        in_one = b[b["case_no"].isin({official(c) for c in t["case_nos"]})].groupby("bundle_id").size()
        assert in_one.empty or in_one.max() < len(t["case_nos"]) / 2


def test_offsets_found_and_personal_claims_never_offered(run):
    truth, out, _ = run
    o = out["offsets"]
    bilateral = [cases_of(c) for c in o.loc[o["kind"] == "bilateral", "case_nos"]]
    cycles = [cases_of(c) for c in o.loc[o["kind"] == "multilateral", "case_nos"]]
    for t in truth["bilateral_offsets"]:
        assert any({official(c) for c in t["case_nos"]} <= f for f in bilateral)
    for t in truth["cycles"]:
        assert any({official(c) for c in t["case_nos"]} == f for f in cycles)
    offered = set().union(*[cases_of(c) for c in o["case_nos"]]) if len(o) else set()
    for t in truth["not_offsets"]:
        personal = {official(c) for c, cause in zip(t["case_nos"], t.get("causes", [])) if any(
            p in cause for p in C.Options().personal_causes)}
        assert not personal & offered, t["why"]


def test_shared_assets_found(run):
    truth, out, _ = run
    s = out["shared_assets"].set_index("asset_id")
    for t in truth["shared_assets"]:
        asset = "".join(t["asset_id"].split())
        assert {official(c) for c in t["case_nos"]} <= cases_of(s.loc[asset, "case_nos"])


def _norm(name):
    return "".join(unicodedata.normalize("NFKC", name).split())


def _party_of(records, rec):
    role = C.ROLES[rec["role"]]
    hit = records[(records["case_no"] == official(rec["case_no"])) & (records["role"] == role)
                  & (records["name"].map(_norm) == _norm(rec["name"]))]
    assert len(hit) >= 1, rec
    return set(hit["party_id"])


def test_noisy_variants_merge_and_decoys_do_not(run):
    truth, out, _ = run
    recs = out["party_records"]
    for group in truth["must_merge"]:
        ids = set().union(*[_party_of(recs, r) for r in group["records"]])
        assert len(ids) == 1, group
    for pair in truth["must_not_merge"]:
        a, b = (_party_of(recs, r) for r in pair["records"])
        assert not a & b, pair["why"]


def test_no_full_id_in_any_output(run):
    truth, _, root = run
    ids = pd.read_csv(root / "export" / "parties.csv", dtype=str, keep_default_na=False, encoding="gbk")["证件号码"]
    full = {i.strip().upper() for i in ids if len(i.strip()) == 18 and "*" not in i}
    assert full
    for f in (root / "out").glob("*"):
        if f.is_file():
            if f.suffix == ".xlsx":  # 结果.xlsx: the text of every part of the workbook
                with zipfile.ZipFile(f) as z:
                    text = "".join(z.read(n).decode("utf-8") for n in z.namelist())
            else:
                text = f.read_text(encoding="utf-8-sig")
            leaked = [i for i in full if i in text]
            assert not leaked, f.name


def test_summary_counts_every_row(run):
    _, out, root = run
    s = json.loads((root / "out" / C.SUMMARY_FILE).read_text())
    for table in ("cases", "parties", "assets"):
        assert s["accepted"][table] + s["rejected"][table] <= s["input_rows"][table]
    assert s["accepted"]["cases"] + s["rejected"]["cases"] == s["input_rows"]["cases"]
    assert len(out["assignments"]) == s["accepted"]["cases"]


def test_bundle_ids_are_stable_across_runs(run, tmp_path):
    _, out, root = run
    res = CliRunner().invoke(main, ["analyze", str(root / "export"), "--out", str(tmp_path)])
    assert res.exit_code == 0
    again = pd.read_csv(tmp_path / "bundles.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(again, out["bundles"])
