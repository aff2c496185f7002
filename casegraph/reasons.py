"""Reasons a clerk reads, in Chinese (the default) or English.

The library writes every reason in English, the same in every run, so that
programs and tests can rely on it; the writers of clerk-facing files put
them in the clerk's language with :func:`translate`. Each reason is a
template in :data:`REASONS`, with its Chinese beside it: a value in braces
is carried over as typed (a case number, a cell), and a value in braces
that starts with ``_`` is a reason itself and is put in the language too.

>>> translate(["malformed case number '（2024）执号'", "party has no name"])
["案号无法识别：'（2024）执号'", '当事人没有名称']
>>> translate(["holder 许法官 has no room; least_loaded: least-loaded judge of any general team with room for 2 cases"])
['组内承办人许法官已无余量；最少负荷：任一普通团队中案件最少、能再收2件的法官']
>>> translate(["party has no name"], "en")
['party has no name']
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

LANGS = ("zh", "en")

# (English, as the library writes it; Chinese). Read errors, rejections,
# warnings, assignment reasons and finding notes.
REASONS = (
    # reading (casegraph.read)
    ("the row has {n} cells but the header {m} (a stray comma or quote?)",
     "这一行有{n}格，而表头只有{m}格（多打了逗号或引号？）"),
    ('a quote (") opened in this row is never closed: the rest of the file ({lines}) was read as one cell',
     '这一行的引号（"）没有闭合：文件其余部分（{lines}）被读成了一格'),
    ('a cell runs over several lines: a quote (") left open took in the rows after it',
     '有一格跨了多行：没有闭合的引号（"）吞进了后面的行'),
    ("a cell is longer than the {limit} characters Excel holds (pasted text?)",
     "有一格超过了 Excel 单元格的 {limit} 个字符上限（粘贴了大段文字？）"),
    ("holds bytes that are not UTF-8 text (lines saved in another encoding?)",
     "含有不是 UTF-8 文字的字节（某些行以别的编码保存？）"),
    ("holds bytes that are neither UTF-8 nor GBK text", "含有既不是 UTF-8 也不是 GBK 文字的字节"),
    ("holds a NUL byte (binary data, not text)", "含有 NUL 字节（是二进制数据，不是文字）"),
    ("cell {cell} holds the Excel error {error}", "单元格 {cell} 是 Excel 错误值 {error}"),
    ("cell {cell} holds a formula that was never calculated (open the workbook in Excel and save it)",
     "单元格 {cell} 的公式从未计算（请用 Excel 打开并保存该工作簿）"),
    ("{n} names but {m} ID numbers in one cell: the IDs were not used",
     "同一格有{n}个名称、{m}个证件号码：无法一一对应，证件号码未使用"),
    # rows (casegraph.normalise)
    ("malformed case number '{value}'", "案号无法识别：'{value}'"),
    ("impossible filing date '{value}'", "立案日期不可能：'{value}'"),
    ("amount is not a non-negative number of yuan, left empty", "金额不是非负的元数，已留空"),
    ("case number appears twice with different content", "同一案号出现两次且内容不同"),
    ("case {case_no} is not in the cases table (or was rejected)", "案件 {case_no} 不在案件表中（或已被退回）"),
    ("unknown role '{value}' (expected 申请执行人 or 被执行人)", "无法识别的诉讼地位 '{value}'（应为申请执行人或被执行人）"),
    ("party has no name", "当事人没有名称"),
    ("party has no name (only invisible characters: {value})", "当事人没有名称（只有看不见的字符：{value}）"),
    ("invisible or direction-changing characters removed from the name", "已从名称中删去看不见或改变文字方向的字符"),
    ("asset has no identifier", "财产没有编号"),
    ("judge has no name", "法官没有姓名"),
    ("capacity is not a whole number: '{value}'", "容量不是整数：'{value}'"),
    ("judge listed twice", "法官重复列出"),
    ("invalid ID, not used for matching: {_problem}", "证件号码无效，未用于识别：{_problem}"),
    ("not 18 characters of digits (and X)", "不是18位数字（或X）"),
    ("impossible birth date", "出生日期不可能"),
    ("wrong check character", "校验位不对"),
    ("fully masked", "全部被遮蔽"),
    ("masked number of the wrong length", "遮蔽后的号码长度不对"),
    ("wrong credit-code check character", "统一社会信用代码校验位不对"),
    # assignment (casegraph.assign.rules; the rule's name is in the rule column beside)
    ("kept: the case already has this judge", "保留：案件已有承办法官"),
    ("follows_holder: {judge} holds {k} of {n} cases of the bundle", "随组：{judge}已承办本关联案件组{n}件中的{k}件"),
    ("holder {judge} has no room; {_rest}", "组内承办人{judge}已无余量；{_rest}"),
    ("no_capacity: no judge of {_team} has room for {n} cases", "无余量：{_team}没有法官能再收{n}件"),
    ("least_loaded: minors' case, but no judge in team {team}", "最少负荷：涉未成年人案件，但{team}团队没有法官"),
    ("minors_team: least-loaded judge of {_team} with room for {n} cases", "涉未成年人团队：{_team}中案件最少、能再收{n}件的法官"),
    ("least_loaded: least-loaded judge of {_team} with room for {n} cases", "最少负荷：{_team}中案件最少、能再收{n}件的法官"),
    ("any general team", "任一普通团队"),
    # finding notes (casegraph.find)
    ("needs every party's agreement (Civil Code art. 569 or an enforcement settlement)",
     "须各方当事人同意（民法典第569条，或执行和解）"),
    ("mutual money debts; set-off if due and fixed by effective documents (Civil Code art. 568)",
     "互负金钱债务；已到期且由生效法律文书确定的，可以抵销（民法典第568条）"),
)


@lru_cache(maxsize=None)
def _compiled() -> list[tuple[re.Pattern, str]]:
    out = []
    for en, zh in REASONS:
        pattern = "".join(f"(?P<{p[1:-1]}>.*?)" if p.startswith("{") else re.escape(p)
                          for p in re.split(r"(\{\w+\})", en) if p)
        out.append((re.compile(pattern, re.S), zh))
    return out


@lru_cache(maxsize=65536)
def say(text: str, lang: str = "zh") -> str:
    """One reason in ``lang``; a text no template knows stays as it is."""
    if lang == "en" or not isinstance(text, str) or not text:
        return text
    for pattern, zh in _compiled():
        m = pattern.fullmatch(text)
        if m:
            values = {k: say(v, lang) if k.startswith("_") else v for k, v in m.groupdict().items()}
            return zh.format(**values)
    return text


def translate(texts, lang: str = "zh"):
    """Reasons (a list or a pandas Series) in ``lang`` ("zh" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    if isinstance(texts, pd.Series):
        uniq = pd.unique(texts.to_numpy(dtype=object))
        return texts.map({u: say(u, lang) for u in uniq}) if len(texts) else texts
    return [say(t, lang) for t in texts]


def localised(tables: dict[str, pd.DataFrame], lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Output tables by contract name with their clerk-facing texts (the
    ``error``, ``warning``, ``reason`` and ``note`` columns) in ``lang``."""
    if lang == "en":
        return tables
    out = {}
    for name, df in tables.items():
        cols = [c for c in ("error", "warning", "reason", "note") if c in df and len(df)]
        out[name] = df.assign(**{c: translate(df[c].astype(object), lang) for c in cols}) if cols else df
    return out


def template_of(text: str) -> str:
    """The English template a reason was written from (the reason itself
    when no template knows it): reasons of one kind count together.

    >>> template_of("malformed case number 'x'")
    "malformed case number '{value}'"
    """
    for (en, _), (pattern, _) in zip(REASONS, _compiled()):
        if isinstance(text, str) and pattern.fullmatch(text):
            return en
    return text


def kind_label(template: str, lang: str = "zh") -> str:
    """A kind of reason without its values, for counting: the template in
    ``lang`` with each ``{value}`` (and the quote or colon before it) left out.

    >>> kind_label("malformed case number '{value}'"), kind_label("malformed case number '{value}'", "en")
    ('案号无法识别', 'malformed case number')
    """
    text = say(template, lang)
    return re.sub(r"\s*[:：]?\s*['（(]?\{\w+\}['）)]?", "", text).strip(" ：:;；,，") or text
