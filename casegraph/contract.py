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

import functools
import re
from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
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


# 法定代表人或负责人姓名, as published lists and exports head it (businessEntity: the 失信 service's key).
REPRESENTATIVE_HEADERS = ("法定代表人或负责人姓名", "法定代表人或负责人", "法定代表人姓名", "法定代表人", "负责人姓名",
                          "负责人", "法人代表", "businessEntity")

CASES = Table(
    name="cases",
    sheet_aliases=("cases", "案件", "案件信息"),
    columns={
        "case_no": ("案号", "执行案号"),
        "filed_on": ("立案日期", "立案时间", "收案日期"),
        "cause": ("案由",),
        "amount": ("申请执行标的金额", "申请执行标的", "执行标的金额", "执行标的", "申请执行金额", "申请标的额",
                   "执行标的额", "标的金额", "标的额", "金额"),
        "status": ("案件状态", "结案方式", "状态", "执行状态"),
        "judge": ("承办法官", "承办人", "法官"),
        # The court that enforces the case (a published list's 执行法院, many courts in one file);
        # without it, the court is read from the case number (casegraph.normalise.caseno.court_code).
        "court": ("执行法院", "承办法院", "法院", "court_name", "courtName"),
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
        # Who represents an organisation (法定代表人或负责人): a relation, never an identity.
        "representative": REPRESENTATIVE_HEADERS,
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
        # The judge's court: no case of another court goes to them (empty: any court).
        "court": ("法院", "所属法院", "执行法院"),
    },
    required=("judge",),
    optional_table=True,
)

TABLES = (CASES, PARTIES, ASSETS, JUDGES)

# -- Ledgers (执行案件台账): one row per case, the parties in role columns ------
# A clerk's ledger names its columns freely: the role's name alone, with 名称 /
# 姓名 after it, or the older 申请人 / 被申请人; an ID column per role is paired
# with the names of its cell, in order.
_NAME_SUFFIXES = ("", "名称", "姓名", "姓名/名称", "名称/姓名", "姓名或名称", "名称或姓名")
_ID_SUFFIXES = ("证件号码", "证件号", "身份证号码", "身份证号", "统一社会信用代码", "证照号码",
                "身份证号码/统一社会信用代码", "证件号码/统一社会信用代码")
_APPLICANT_WORDS, _DEBTOR_WORDS = ("申请执行人", "申请人"), ("被执行人", "被申请执行人", "被申请人")
# Roles a party may have in an enforcement case besides the two sides: kept
# aside (counted, not analysed), never errors.
OTHER_ROLES = ("第三人", "案外人", "利害关系人", "协助执行人", "担保人", "异议人")

# A published list's own ID column, with no role in its header (身份证号码/组织机构代码): in a
# list of one debtor per row (失信, 限制消费, 终本) it is the debtor's. cardNum: the 失信 service's key.
ROLELESS_ID_HEADERS = ("身份证号码/组织机构代码", "证件号码/组织机构代码", "身份证号码/统一社会信用代码",
                       "证件号码/统一社会信用代码", "组织机构代码", "证件号码", "证件号", "身份证号码", "身份证号",
                       "统一社会信用代码", "证照号码", "cardNum")
# The 失信 service's JSON keys (and a CSV saved from it) for the columns above and below.
_LIST_KEYS = {"case_no": ("caseCode",), "filed_on": ("regDate",), "debtor": ("iname",)}

LEDGER = Table(
    name="ledger",
    sheet_aliases=("台账", "执行案件台账", "执行台账", "ledger"),
    columns={
        **{c: aliases + _LIST_KEYS.get(c, ()) for c, aliases in CASES.columns.items() if c != "status"},
        "status": ("案件状态", "状态", "执行状态", "办理状态"),
        # 结案方式 (终结本次执行, 执行完毕) says more than 案件状态 (已结): it wins where both are typed.
        "closed_how": ("结案方式", "结案情况"),
        "applicant": tuple(w + s for w in _APPLICANT_WORDS for s in _NAME_SUFFIXES),
        "debtor": tuple(w + s for w in _DEBTOR_WORDS for s in _NAME_SUFFIXES) + _LIST_KEYS["debtor"],
        "applicant_id": tuple(w + s for w in _APPLICANT_WORDS for s in _ID_SUFFIXES),
        "debtor_id": tuple(w + s for w in _DEBTOR_WORDS for s in _ID_SUFFIXES),
        "id_no": ROLELESS_ID_HEADERS,
        "representative": REPRESENTATIVE_HEADERS,
        "other": OTHER_ROLES,
    },
    required=("case_no",),
)
# The ledger's party columns: (names, IDs, the role written into parties).
LEDGER_ROLES = (("applicant", "applicant_id", "申请执行人"), ("debtor", "debtor_id", "被执行人"))
# Several names in one cell (a borrower and a guarantor): 、 ， , ； ; and
# line breaks separate them (never inside brackets: 张三（曾用名：张叁、张山）).
NAME_SEPARATORS = "、，,；;\n\r"
# A row of the ledger whose first cells say this is a total, not a case.
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总合计")
ROW_NUMBER_HEADERS = ("序号", "编号", "no", "no.")

# Amount units: how many yuan one of them is (a header's, or a cell's own).
AMOUNT_UNITS = {"元": 1, "人民币元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_BRACKETS = (("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"), ("〔", "〕"))
_NOTE = re.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]*[)）\]】〕]$")

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
    "被执行人": DEBTOR, "被申请人": DEBTOR, "被申请执行人": DEBTOR, "debtor": DEBTOR,
}
PERSON, LEGAL, UNINCORPORATED = "自然人", "法人", "非法人组织"
KINDS = {
    "自然人": PERSON, "个人": PERSON, "person": PERSON, "natural person": PERSON,
    "法人": LEGAL, "企业法人": LEGAL, "公司": LEGAL, "legal": LEGAL, "legal person": LEGAL, "company": LEGAL,
    "非法人组织": UNINCORPORATED, "其他组织": UNINCORPORATED, "unincorporated": UNINCORPORATED,
    "organisation": UNINCORPORATED, "organization": UNINCORPORATED,
}

# Case types (the part of a case number between court code and sequence): the enforcement type
# codes (类型代字) of the 2016 rules (执 first enforcement, 执恢 resumed, 执保 preservation, 执异
# objection, 执复 reconsideration, 执监 supervision, 执协 coordination, 执请 request for
# instructions, 执他 other, 执督 urging by a higher court) and of older numbers (执民, 执行, 执审:
# （2012）湖浔执民字第562号). The 字 of 执恢字第 marks the old form; it is not part of the type.
# casegraph.normalise.caseno reads them longest first, whatever their order here.
CASE_TYPES = ("执恢", "执保", "执异", "执复", "执监", "执协", "执他", "执请", "执督", "执民", "执行", "执审", "执")

# Statuses that mean "closed for now: no property found" (终结本次执行).
NO_PROPERTY_MARKERS = ("终结本次执行", "终本")
# Statuses that close a case for good; a case with neither these nor the
# markers above is open (the flags and the explorer's filter agree on it).
CLOSED_MARKERS = ("执行完毕", "终结执行", "销案", "不予执行", "驳回")


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
        # n_courts, courts: a debtor in cases of several courts is the higher court's finding, a
        # candidate for 提级执行 or 协同执行 (cross_court).
        ("party_id", "name", "kind", "n_cases", "n_applicants", "total_amount", "n_no_property", "case_nos",
         "n_courts", "courts", "cross_court"),
    ),
    # Debtors (organisations) that share a legal representative (法定代表人): 关联企业, never merged.
    "shared_representatives": Output(
        "shared_representatives.csv", ("representative", "n_parties", "party_ids", "names", "n_cases", "case_nos"),
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
    # Where a row came from, as the clerk finds it: the file or sheet, the
    # Excel row, the column's header as typed and the cell (F12).
    "warnings": Output("warnings.csv", ("source", "row", "case_no", "field", "value", "warning",
                                        "sheet", "column", "cell")),
    "rejected": Output("rejected.csv", ("source", "row", "case_no", "error", "sheet", "column", "cell")),
    # Party rows of other roles (第三人, 案外人…): kept aside, not analysed.
    "set_aside": Output("set_aside.csv", ("source", "row", "case_no", "role", "name", "sheet", "column", "cell")),
}

# The clerk's workbook: the findings under Chinese sheet names and headers
# (the CSVs keep the English names above, for programs).
WORKBOOK_FILE = "结果.xlsx"
WORKBOOK_SHEETS = {
    "common_debtors": "共同被执行人", "repeat_applicants": "重复申请人", "offsets": "互负债务",
    "shared_assets": "共同财产", "shared_representatives": "关联企业", "bundles": "关联案件组", "assignments": "分案", "parties": "当事人",
    "rejected": "未采用的行", "warnings": "提示", "set_aside": "其他诉讼地位", "candidates": "待核实的当事人",
}
WORKBOOK_HEADERS = {
    "party_id": "当事人编号", "name": "名称/姓名", "kind": "当事人类型", "n_cases": "案件数",
    "n_debtors": "被执行人数", "case_nos": "案号", "repeat_pairs": "重复的申请人—被执行人", "mass_applicant": "批量申请人",
    "n_applicants": "申请执行人数", "total_amount": "标的总额（元）", "n_no_property": "终本案件数",
    "offset_id": "编号", "parties": "当事人", "party_names": "当事人名称", "amount": "金额（元）", "note": "说明",
    "asset_id": "财产编号", "asset_type": "财产类型", "bundle_id": "关联案件组", "case_no": "案号",
    "reasons": "关联理由", "reason_names": "关联的当事人", "judge": "承办法官", "team": "团队", "rule": "规则",
    "reason": "理由", "id_masked": "证件号码（遮蔽）", "n_records": "记录数", "rules": "识别规则",
    "source": "表", "row": "行号", "error": "原因", "field": "字段", "value": "内容", "warning": "提示",
    "sheet": "文件/工作表", "column": "列", "cell": "单元格", "role": "诉讼地位",
    "n_courts": "法院数", "courts": "执行法院", "cross_court": "跨法院（提级/协同执行）",
    "representative": "法定代表人或负责人", "n_parties": "被执行人数", "party_ids": "当事人编号",
    "offsets.kind": "类型", "candidate_id": "候选编号", "names": "名称", "evidence": "依据", "strength": "可信度", "repeat_pair_names": "重复的申请人—被执行人（名称）",
}

# The daily routes (`casegraph assign`): one row per new case, the rule that
# decided beside its reason, as in assignments.csv.
ROUTES = Output(
    "routes.csv",
    ("case_no", "judge", "team", "rule", "reason", "related_cases", "links", "conflict", "routed_at", "run_id"),
)

# The findings both engines must agree on (the parity test compares these).
FINDINGS = ("repeat_applicants", "common_debtors", "offsets", "shared_assets", "shared_representatives", "bundles",
            "candidates", "assignments")

# The rules of casegraph.resolve that weigh evidence rather than read an ID
# number: each can be switched off (Options.rules, --rules). The ID rules
# (same_resident_id, same_credit_code) and the last one (unidentified) always apply.
EVIDENCE_RULES = ("same_org_code", "masked_credit_code", "org_name_of_one_code", "masked_id_and_name", "same_org_name",
                  "same_name_masked_id", "same_name_pair")
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
    # More than this share of a table's rows rejected: the run still writes
    # its results, but says so loudly and exits with TooManyRejected's code.
    max_rejected: float = 0.05
    # The evidence rules in use (EVIDENCE_RULES; the rest always apply).
    rules: tuple[str, ...] = EVIDENCE_RULES
    extra: dict = field(default_factory=dict)


def header_to_column(table: Table, header: str) -> str | None:
    """The canonical column a header stands for, or None.

    Headers are compared after trimming spaces and case-folding, so
    ``Case_No``, ``案号 `` and ``案号`` all name ``case_no``; a unit or note
    in brackets after the header is not part of its name
    (``申请执行标的（万元）`` names ``amount``: see :func:`header_unit`).

    >>> header_to_column(CASES, "执行标的(万元)"), header_to_column(LEDGER, "被执行人姓名/名称")
    ('amount', 'debtor')
    """
    return _columns_of(table).get(header_base(header))


def header_base(header: str) -> str:
    """A header as it is compared: no spaces, case-folded, without a note in
    brackets at the end (full- or half-width) or a unit written after it.

    >>> header_base("申请执行标的（元）"), header_base(" Case_No"), header_base("标的额万元")
    ('申请执行标的', 'case_no', '标的额')
    """
    h = "".join(str(header).split()).casefold().lstrip("\ufeff")
    h = _NOTE.sub("", h) or h
    for unit in sorted(AMOUNT_UNITS, key=len, reverse=True):
        if h.endswith("/" + unit) or (h.endswith(unit) and unit.endswith("元") and len(h) > len(unit) + 1):
            return h[: -len(unit)].rstrip("/")
    return h


def header_unit(header: str) -> str:
    """The unit an amount header names, '' when none: ``万元`` for
    ``执行标的（万元）``, ``元`` for ``申请执行标的(元)``.

    >>> header_unit("执行标的（万元）"), header_unit("申请执行标的(元)"), header_unit("金额")
    ('万元', '元', '')
    """
    h = "".join(str(header).split())
    for unit in sorted(AMOUNT_UNITS, key=len, reverse=True):
        if any(h.endswith(f"{o}{unit}{c}") for o, c in _BRACKETS) or h.endswith(unit) and h != unit:
            return unit
    return ""


@functools.lru_cache(maxsize=None)
def _columns_of(table: Table) -> dict[str, str]:
    """Every accepted header of ``table`` (as :func:`header_base` gives it) to
    its column; the first column to claim a header keeps it."""
    out: dict[str, str] = {}
    for col, aliases in table.columns.items():
        for a in (col, *aliases):
            out.setdefault(header_base(a), col)
    return out
