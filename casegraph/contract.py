"""The contract: table names, column names, accepted headers and output files.

Everything that reads or writes casegraph data (both engines, the sample
generator, the report and the tests) imports its names from here, so a column
is renamed in one place.

>>> CASES.required
('case_no',)
>>> header_to_column(CASES, "案号")
'case_no'
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """An input table: its canonical name, sheet/file aliases and columns.

    ``columns`` maps each canonical column to the headers a court export may
    use for it (Chinese first, as clerks write them).
    """

    name: str
    sheet_aliases: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    optional_table: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


CASES = Table(
    name="cases",
    sheet_aliases=("cases", "案件", "案件信息"),
    columns={
        "case_no": ("案号", "执行案号"),
        "filed_on": ("立案日期", "立案时间", "收案日期"),
        "cause": ("案由",),
        "amount": ("申请执行标的金额", "申请执行标的", "执行标的金额", "标的金额", "金额"),
        "status": ("案件状态", "结案方式", "状态"),
        "judge": ("承办法官", "承办人", "法官"),
    },
    required=("case_no",),
)

PARTIES = Table(
    name="parties",
    sheet_aliases=("parties", "当事人", "当事人信息"),
    columns={
        "case_no": ("案号", "执行案号"),
        "role": ("诉讼地位", "当事人地位", "地位"),
        "name": ("名称/姓名", "姓名/名称", "名称", "姓名", "当事人名称", "当事人"),
        "id_no": ("证件号码", "身份证号码", "身份证号", "统一社会信用代码", "证照号码"),
        "kind": ("当事人类型", "类型", "主体类型"),
    },
    required=("case_no", "role", "name"),
)

ASSETS = Table(
    name="assets",
    sheet_aliases=("assets", "财产", "财产信息", "查控财产"),
    columns={
        "case_no": ("案号", "执行案号"),
        "asset_id": ("财产编号", "财产标识", "权证号", "财产"),
        "asset_type": ("财产类型", "财产种类"),
        "action": ("措施", "控制措施", "查控措施"),
    },
    required=("case_no", "asset_id"),
    optional_table=True,
)

JUDGES = Table(
    name="judges",
    sheet_aliases=("judges", "法官", "法官信息"),
    columns={
        "judge": ("法官", "姓名", "承办法官"),
        "team": ("团队", "执行团队", "所属团队"),
        "capacity": ("容量", "可分案数", "最多分案数"),
    },
    required=("judge",),
    optional_table=True,
)

TABLES = (CASES, PARTIES, ASSETS, JUDGES)

# A clerk's decisions on the candidates for review (casegraph.decisions):
# ``candidate_id`` names a candidate of candidates.csv, or a link a rule made
# as ``<party_id>@<case_no>`` (that party's record in that case); ``names``
# and ``case_nos``, as candidates.csv has them, pin a candidate to its
# records even after the data has grown.
DECISIONS = Table(
    name="decisions",
    sheet_aliases=("decisions", "决定", "审核结果"),
    columns={
        "candidate_id": ("候选编号", "编号"),
        "decision": ("决定", "审核结果", "结论"),
        "by": ("决定人", "审核人"),
        "on": ("决定日期", "审核日期", "日期"),
        "note": ("备注", "说明"),
        "names": ("名称", "姓名"),
        "case_nos": ("案号",),
    },
    required=("candidate_id", "decision"),
)
SAME, DIFFERENT = "same", "different"
# What clerks write for each decision (case-folded).
DECISION_VALUES = {"same": SAME, "同一": SAME, "同一人": SAME, "相同": SAME, "是": SAME, "merge": SAME,
                   "different": DIFFERENT, "不同": DIFFERENT, "不同人": DIFFERENT, "不是": DIFFERENT, "否": DIFFERENT,
                   "apart": DIFFERENT}

# Values clerks type for a party's role and kind, mapped to canonical values.
APPLICANT, DEBTOR = "applicant", "debtor"
ROLES = {
    "申请执行人": APPLICANT, "申请人": APPLICANT, "applicant": APPLICANT,
    "被执行人": DEBTOR, "被申请人": DEBTOR, "debtor": DEBTOR,
}
PERSON, LEGAL, UNINCORPORATED = "自然人", "法人", "非法人组织"
KINDS = {
    "自然人": PERSON, "个人": PERSON, "person": PERSON, "natural person": PERSON,
    "法人": LEGAL, "企业法人": LEGAL, "公司": LEGAL, "legal": LEGAL, "legal person": LEGAL, "company": LEGAL,
    "非法人组织": UNINCORPORATED, "其他组织": UNINCORPORATED, "unincorporated": UNINCORPORATED,
    "organisation": UNINCORPORATED, "organization": UNINCORPORATED,
}

# Case types (the part of a case number between court code and sequence).
CASE_TYPES = ("执恢", "执保", "执异", "执复", "执监", "执协", "执他", "执")

# Statuses that mean "closed for now: no property found" (终结本次执行).
NO_PROPERTY_MARKERS = ("终结本次执行", "终本")


@dataclass(frozen=True)
class Output:
    """An output file and its columns, in order."""

    filename: str
    columns: tuple[str, ...]


OUTPUTS = {
    "repeat_applicants": Output(
        "repeat_applicants.csv",
        ("party_id", "name", "kind", "n_cases", "n_debtors", "case_nos", "repeat_pairs", "mass_applicant"),
    ),
    "common_debtors": Output(
        "common_debtors.csv",
        ("party_id", "name", "kind", "n_cases", "n_applicants", "total_amount", "n_no_property", "case_nos"),
    ),
    "offsets": Output("offsets.csv", ("offset_id", "kind", "parties", "case_nos", "amount", "note")),
    "shared_assets": Output("shared_assets.csv", ("asset_id", "asset_type", "n_cases", "case_nos")),
    "bundles": Output("bundles.csv", ("bundle_id", "case_no", "reasons")),
    "assignments": Output("assignments.csv", ("case_no", "bundle_id", "judge", "team", "rule", "reason")),
    "parties": Output("parties.csv", ("party_id", "name", "kind", "id_masked", "n_records", "rules")),
    "party_records": Output(
        "party_records.csv", ("source", "row", "case_no", "role", "name", "id_masked", "party_id", "rule", "key")
    ),
    # Groups of records that may be one party, which no rule linked: for a clerk to decide (casegraph.decisions).
    "candidates": Output(
        "candidates.csv", ("candidate_id", "kind", "names", "n_cases", "case_nos", "evidence", "strength")
    ),
    "warnings": Output("warnings.csv", ("source", "row", "case_no", "field", "value", "warning")),
    "rejected": Output("rejected.csv", ("source", "row", "case_no", "error")),
}

# The daily routes (`casegraph assign`): one row per new case, the rule that
# decided beside its reason, as in assignments.csv.
ROUTES = Output(
    "routes.csv",
    ("case_no", "judge", "team", "rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id"),
)

# The findings both engines must agree on (the parity test compares these).
FINDINGS = ("repeat_applicants", "common_debtors", "offsets", "shared_assets", "bundles", "candidates", "assignments")

# The rules of casegraph.resolve that weigh evidence rather than read an ID
# number: each can be switched off (Options.rules, --rules). The ID rules
# (same_resident_id, same_credit_code) and the last one (unidentified) always apply.
EVIDENCE_RULES = ("org_name_of_one_code", "masked_id_and_name", "same_org_name", "same_name_pair")
# The rule names a clerk's decision gives the records it moves.
CLERK_CONFIRMED, CLERK_KEPT_APART = "clerk_confirmed", "clerk_kept_apart"

SUMMARY_FILE = "summary.json"
LIST_SEP = ";"
# CSVs carry a BOM so that Excel on a court PC shows the Chinese correctly.
CSV_ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class Options:
    """Knobs of one analysis run, with the defaults a court would expect.

    >>> Options().hub_threshold
    20
    """

    hub_threshold: int = 20
    # Claims of a personal nature are never set off (DOMAIN.md, 抵销).
    personal_causes: tuple[str, ...] = ("抚养费", "赡养费", "扶养费", "探望权", "抚养权")
    # Cases about minors go to the dedicated team (Baoshan's 涉未成年人专项执行团队).
    minors_causes: tuple[str, ...] = ("抚养费", "探望权", "抚养权")
    minors_team: str = "涉未成年人"
    max_cycle_length: int = 6
    # The evidence rules in use (EVIDENCE_RULES; the rest always apply).
    rules: tuple[str, ...] = EVIDENCE_RULES
    extra: dict = field(default_factory=dict)


def header_to_column(table: Table, header: str) -> str | None:
    """The canonical column a header stands for, or None.

    Headers are compared after trimming spaces and case-folding, so
    ``Case_No``, ``案号 `` and ``案号`` all name ``case_no``.
    """
    h = "".join(str(header).split()).casefold().lstrip("\ufeff")
    for col, aliases in table.columns.items():
        if h == col.casefold() or h in (a.casefold() for a in aliases):
            return col
    return None
