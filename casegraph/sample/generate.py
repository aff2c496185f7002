"""Synthetic court enforcement export with planted, known structure.

``make_sample`` writes the four tables a court's case system exports
(``cases.csv``, ``parties.csv``, ``assets.csv``, ``judges.csv``) and
``truth.json``: the structures that were planted on purpose, so that every
finder of casegraph can be checked against an answer it did not compute.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     truth = make_sample(1000, Path(d))
>>> truth["counts"]["cases"], len(truth["mass_applicants"]), truth["common_debtors"][0]["n_cases"]
(1000, 1, 26)

How it is made:

* The bulk (all but a few % of the cases) is one-off cases between fresh
  parties, built with numpy in a few vectorised passes.  Every ID, credit
  code, company name and asset number is drawn without replacement, so the
  only links between cases are the planted ones and related-case bundles stay
  small at any size.
* The planted structures (repeat applicants, common debtors, mass applicants,
  offsets, cycles, shared assets, merge decoys) are small and written with
  plain Python by ``_Planter``.  They scale with ``n_cases / 10_000``.
* Noise that the core's reader must undo is put on a few % of rows: case
  numbers typed with ``()``/``〔〕``/spaces, IDs with lower-case x, full-width
  digits, spaces, old 15-digit form, masks, blanks and bad check characters,
  company rows without their code and with half-width brackets.  Planted
  parties seen in more than one case only get the variants a reader can
  resolve (never a mask, a blank or a bad check character), so the truth is
  reachable from the files alone.

``truth.json`` names cases by their official number (full-width brackets, no
spaces) and parties by their canonical 18-character resident ID or unified
social credit code.  Its lists that are derived from the data
(``repeat_applicants``, ``common_debtors``, ``mass_applicants``,
``shared_assets``, ``must_merge``) are complete: the bulk adds nothing to them.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casegraph.contract import ASSETS, CASES, JUDGES, LEGAL, PARTIES, PERSON, UNINCORPORATED, Options

# ---------------------------------------------------------------- vocabulary
APP, DEB = "申请执行人", "被执行人"
ONGOING, NO_PROPERTY, DONE = "执行中", "终结本次执行", "执行完毕"
STATUSES = (ONGOING, NO_PROPERTY, DONE)

# cause, weight in the bulk, median amount in yuan (None: no money), P(applicant is an organisation),
# P(debtor is an organisation)
CAUSES = (
    ("民间借贷纠纷", 30.0, 80_000, 0.05, 0.15),
    ("买卖合同纠纷", 22.0, 150_000, 0.8, 0.7),
    ("劳务合同纠纷", 10.0, 20_000, 0.02, 0.6),
    ("金融借款合同纠纷", 14.0, 300_000, 1.0, 0.15),
    ("房屋租赁合同纠纷", 6.0, 40_000, 0.4, 0.4),
    ("机动车交通事故责任纠纷", 5.0, 60_000, 0.0, 0.3),
    ("物业服务合同纠纷", 4.0, 8_000, 1.0, 0.0),
    ("抚养费纠纷", 4.0, 24_000, 0.0, 0.0),
    ("赡养费纠纷", 1.5, 12_000, 0.0, 0.0),
    ("探望权纠纷", 0.8, None, 0.0, 0.0),
    ("抚养权纠纷", 0.4, None, 0.0, 0.0),
)
CAUSE_NAMES = tuple(c[0] for c in CAUSES)
CAUSE_IX = {c: i for i, c in enumerate(CAUSE_NAMES)}
NON_MONEY = ("探望权纠纷", "抚养权纠纷")
BANK_LOAN = CAUSE_IX["金融借款合同纠纷"]

TYPES = ("执", "执恢", "执保")
TYPE_P = (0.88, 0.07, 0.05)
COURTS = ("沪0113", "沪0112", "沪0115", "沪0104", "沪0110", "沪01", "沪02", "京0105", "粤0305", "苏0506")
COURT_P = np.array([40, 15, 12, 6, 5, 6, 4, 4, 4, 4], float) / 100
OLD_COURTS = ("宝", "闵", "浦", "沪一中", "曲中法")  # pre-2016 numbers: （2012）曲中法执字第66号
YEARS = np.arange(2019, 2026)
YEAR_P = np.array([10, 11, 12, 13, 15, 18, 14], float) / 93
DATA_END = np.datetime64("2025-09-30")

# Real region codes (GB/T 2260), Shanghai first: they open IDs and credit codes.
REGIONS = ("310113", "310112", "310115", "310104", "310110", "310101", "310114", "110105", "110108",
           "440305", "440106", "320506", "330106", "510107", "420106", "370102", "411522", "340104")
REGION_P = np.array([22, 14, 12, 6, 6, 4, 4, 4, 3, 4, 3, 4, 3, 2, 2, 2, 3, 2], float)
REGION_P /= REGION_P.sum()
_REGION_DIGITS = np.array([[int(ch) for ch in r] for r in REGIONS], np.int64)

SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
            "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
            "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 "
            "万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 诸葛").split()
_SUR_P = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
_SUR_P /= _SUR_P.sum()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 建国 建军 志强 志明 "
         "海燕 丽华 秀兰 玉兰 文 斌 宇 浩 鑫 鹏 婷 雪 琳 晨 欣怡 子涵 浩然 梓轩 一鸣 俊杰 晓明 晓燕 春梅 "
         "红梅 国强 国庆 建平 卫东 小红 永强 德华 金凤 凤英 玉梅 淑珍 淑华 桂兰 秀珍 丽娟 丽萍 佳琪 思远 "
         "嘉怡 雨涵 海峰 海涛 红霞 志刚 立新 春生 明华 宏伟 晓东 晓丽 文静 雅琴 美玲 慧敏 志华 振华 "
         "学军 冬梅 秋菊 兰英 玉珍 建新 新民 卫国 红英 玉华 光明 德明 家豪 子轩 诗涵 一诺 浩宇 梓涵 "
         "文博 天佑 俊豪 婉婷 雨桐 晨曦 思琪 建忠 永明 国平 金龙 海波 云飞 少华 桂芳 彩霞").split()
_GIV_P = 1.0 / np.arange(1, len(GIVEN) + 1) ** 0.6
_GIV_P /= _GIV_P.sum()

# Lists that encode drawn integers must hold no duplicates, or two draws would give one name.
CITIES = ("上海", "北京", "深圳", "苏州", "杭州", "江苏", "浙江", "广州", "成都", "武汉", "宁波")
CITY_P = np.array([30] + [7] * 10, float) / 100
TRADE_CHARS = ("鑫 盛 华 泰 恒 达 宏 远 通 利 源 丰 嘉 兴 瑞 祥 安 康 金 玉 龙 凤 天 海 新 明 德 信 诚 和 "
               "美 佳 荣 昌 汇 合 博 创 联 众 光 辉 永 益 隆 顺 宝 力 升 星 锦 程 茂 腾 骏 峰 豪 航 卓 越 "
               "誉 晟 沃 铭 弘 图 捷 迅 凯 君 晶 悦 尚 森 亿 邦 旭 灿 恺 俊").split()
INDUSTRIES = ("贸易 实业 建筑工程 装饰工程 物流 餐饮管理 科技 信息技术 电子 机械设备 建材 服装 食品 投资管理 "
              "房地产开发 汽车销售 文化传媒 物业管理 环保科技 医疗器械 化工 五金 家具 印刷 劳务派遣 人力资源 "
              "供应链管理 酒店管理 商务咨询 网络科技").split()
LENDER_INDUSTRIES = ("小额贷款", "融资租赁", "商业保理", "典当")
_ALL_INDUSTRIES = INDUSTRIES + list(LENDER_INDUSTRIES)
FORMS = ("有限公司", "股份有限公司", "有限责任公司", "经营部", "商行", "合伙企业（有限合伙）", "工作室")
_LEGAL_FORMS, _UNINC_FORMS = (0, 1, 2), (3, 4, 5, 6)
_LEGAL_FORM_P = (0.8, 0.12, 0.08)
_NAME_RADIX = (len(CITIES), len(TRADE_CHARS), len(TRADE_CHARS), len(_ALL_INDUSTRIES), len(FORMS), 2)

BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行", "上海浦东发展银行",
         "上海农村商业银行")
_BANK_BIN = ("622202", "621700", "622848", "621661", "622260", "621483", "622521", "622478")
MASS_BANKS = ("中国工商银行股份有限公司上海市宝山支行", "上海农村商业银行股份有限公司宝山支行")
DISTRICTS = ("宝山区", "闵行区", "浦东新区", "徐汇区", "杨浦区", "嘉定区", "松江区", "普陀区")
PLATE_LETTERS = "ABCDEFGHJKLMN"
PLATE_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ASSET_TYPES = ("银行账户", "不动产", "车辆", "股权")
ASSET_P = (0.45, 0.2, 0.2, 0.15)

_FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")

# ------------------------------------------------------------------ ID codes
# Resident IDs are drawn as integers (region, birth day, sequence) so that
# uniqueness is an integer set operation; they become strings in bulk.
_BIRTH0 = np.datetime64("1950-01-01")
_BIRTH_DAYS = int((np.datetime64("2000-12-31") - _BIRTH0).astype(int)) + 1
_RIC_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
_RIC_CHECK = np.frombuffer(b"10X98765432", np.uint8)
_USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_BYTES = np.frombuffer(_USCC_ALPHA.encode(), np.uint8)
_USCC_W = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], np.int64)
_ORG_W = np.array([3, 7, 9, 10, 5, 8, 4, 2], np.int64)
_ORG_VAL = np.array([int(ch, 36) for ch in _USCC_ALPHA], np.int64)  # GB 11714 value: A=10 …
_B31 = 31 ** 8


def _rows_to_str(codes: np.ndarray) -> list[str]:
    """(n, w) array of ASCII bytes -> list of n strings."""
    w = codes.shape[1]
    return np.ascontiguousarray(codes, np.uint8).view(f"S{w}").ravel().astype(f"U{w}").tolist()


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return values[:, None] // 10 ** np.arange(width - 1, -1, -1, dtype=np.int64) % 10


def ric_from_ints(ints: np.ndarray) -> list[str]:
    """Resident IDs (GB 11643, with check character) for integer draws.

    >>> ric_from_ints(np.array([0 * _BIRTH_DAYS * 1000 + 1]))
    ['31011319500101001X']
    """
    ints = np.asarray(ints, np.int64)
    region, day, seq = ints // (_BIRTH_DAYS * 1000), ints // 1000 % _BIRTH_DAYS, ints % 1000
    born = _BIRTH0 + day.astype("timedelta64[D]")
    y = born.astype("datetime64[Y]").astype(np.int64) + 1970
    m = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    dig = np.concatenate([_REGION_DIGITS[region], _digits(y * 10000 + m * 100 + d, 8), _digits(seq, 3)], axis=1)
    out = np.empty((len(ints), 18), np.uint8)
    out[:, :17] = dig + 48
    out[:, 17] = _RIC_CHECK[(dig * _RIC_W).sum(axis=1) % 11]
    return _rows_to_str(out)


def uscc_from_ints(ints: np.ndarray) -> list[str]:
    """Unified social credit codes (GB 32100) for integer draws.

    Characters 9-17 form a valid organisation code (GB 11714) as on real codes.

    >>> from stdnum.cn import uscc
    >>> code = uscc_from_ints(np.array([12345]))[0]
    >>> code[:8], uscc.calc_check_digit(code) == code[-1]
    ('91310113', True)
    """
    ints = np.asarray(ints, np.int64)
    region, body = ints // _B31, ints % _B31
    idx = np.empty((len(ints), 17), np.int64)
    idx[:, 0], idx[:, 1] = 9, 1
    idx[:, 2:8] = _REGION_DIGITS[region]
    for i in range(8):
        idx[:, 8 + i] = body // 31 ** (7 - i) % 31
    oc = 11 - (_ORG_VAL[idx[:, 8:16]] * _ORG_W).sum(axis=1) % 11
    idx[:, 16] = np.where(oc == 11, 0, np.where(oc == 10, _USCC_ALPHA.index("X"), oc))
    out = np.empty((len(ints), 18), np.uint8)
    out[:, :17] = _USCC_BYTES[idx]
    out[:, 17] = _USCC_BYTES[(31 - (idx * _USCC_W).sum(axis=1) % 31) % 31]
    return _rows_to_str(out)


def _sample_people(rng, k, born=(1950, 2000), gender=None, region=None):
    lo = int((np.datetime64(f"{born[0]}-01-01") - _BIRTH0).astype(int))
    hi = int((np.datetime64(f"{born[1]}-12-31") - _BIRTH0).astype(int)) + 1
    reg = rng.choice(len(REGIONS), k, p=REGION_P) if region is None else np.full(k, region)
    seq = rng.integers(0, 1000, k)
    if gender is not None:  # the sequence's parity is the sex: odd men, even women
        seq = seq - seq % 2 + (1 if gender == "m" else 0)
    return (reg * _BIRTH_DAYS + rng.integers(lo, hi, k)) * 1000 + seq


def _sample_codes(rng, k):
    reg = rng.choice(len(REGIONS), k, p=REGION_P)
    d = rng.integers(0, 31, (k, 8))
    digits_only = rng.random(k) < 0.6  # old organisation codes; newer ones start MA
    d[digits_only] %= 10
    d[~digits_only, 0], d[~digits_only, 1] = _USCC_ALPHA.index("M"), _USCC_ALPHA.index("A")
    return reg * _B31 + (d * 31 ** np.arange(7, -1, -1, dtype=np.int64)).sum(axis=1)


def _sample_names(rng, k, kind=LEGAL, lender=False, group_share=0.015):
    """Company-name draws: city, two-character trade name, industry, form, (集团) flag."""
    city = rng.choice(len(CITIES), k, p=CITY_P)
    c1, c2 = rng.integers(0, len(TRADE_CHARS), k), rng.integers(0, len(TRADE_CHARS), k)
    if lender:
        ind = rng.integers(len(INDUSTRIES), len(_ALL_INDUSTRIES), k)
    else:
        ind = rng.integers(0, len(INDUSTRIES), k)
    if kind == LEGAL:
        form = rng.choice(_LEGAL_FORMS, k, p=_LEGAL_FORM_P)
        group = (rng.random(k) < group_share) & (not lender)
        ind = np.where(group, 0, ind)  # a group name carries no industry, so fix it to keep draws 1:1
    else:
        form, group = rng.choice(_UNINC_FORMS, k), np.zeros(k, bool)
    v = np.zeros(k, np.int64)
    for part, radix in zip((city, c1, c2, ind, form, group), _NAME_RADIX):
        v = v * radix + part
    return v


def names_from_ints(ints: np.ndarray) -> list[str]:
    """Company names for draws of ``_sample_names``.

    >>> names_from_ints(np.array([0, 1]))
    ['上海鑫鑫贸易有限公司', '上海鑫鑫（集团）有限公司']
    """
    ints = np.asarray(ints, np.int64)
    parts = []
    for radix in reversed(_NAME_RADIX):
        parts.append(ints % radix)
        ints = ints // radix
    group, form, ind, c2, c1, city = (p.tolist() for p in parts)
    return [CITIES[a] + TRADE_CHARS[b] + TRADE_CHARS[c] + ("（集团）" if g else _ALL_INDUSTRIES[i]) + FORMS[f]
            for a, b, c, i, f, g in zip(city, c1, c2, ind, form, group)]


def _person_names(rng, k) -> np.ndarray:
    sur = np.array(SURNAMES, object)[rng.choice(len(SURNAMES), k, p=_SUR_P)]
    return sur + np.array(GIVEN, object)[rng.choice(len(GIVEN), k, p=_GIV_P)]


# The planted part draws single values with Python's random (numpy's
# per-call overhead would dominate); these mirror the vectorised samplers.
_BIRTH0_DATE = _dt.date(1950, 1, 1)
_REGION_W = REGION_P.tolist()
_CITY_W = CITY_P.tolist()
_SUR_W, _GIV_W = _SUR_P.tolist(), _GIV_P.tolist()


def _person_one(r: random.Random, born=(1950, 2000), gender=None, region=None) -> int:
    lo = (_dt.date(born[0], 1, 1) - _BIRTH0_DATE).days
    hi = (_dt.date(born[1], 12, 31) - _BIRTH0_DATE).days + 1
    reg = r.choices(range(len(REGIONS)), _REGION_W)[0] if region is None else region
    seq = r.randrange(1000)
    if gender is not None:
        seq = seq - seq % 2 + (1 if gender == "m" else 0)
    return (reg * _BIRTH_DAYS + r.randrange(lo, hi)) * 1000 + seq


def ric_one(v: int) -> str:
    """``ric_from_ints`` for one value.

    >>> ric_one(1) == ric_from_ints(np.array([1]))[0]
    True
    """
    reg, day, seq = v // (_BIRTH_DAYS * 1000), v // 1000 % _BIRTH_DAYS, v % 1000
    body = f"{REGIONS[reg]}{_BIRTH0_DATE + _dt.timedelta(days=day):%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _RIC_W.tolist())) % 11]


def _code_one(r: random.Random) -> int:
    reg = r.choices(range(len(REGIONS)), _REGION_W)[0]
    if r.random() < 0.6:
        d = [r.randrange(10) for _ in range(8)]
    else:
        d = [_USCC_ALPHA.index("M"), _USCC_ALPHA.index("A")] + [r.randrange(31) for _ in range(6)]
    return reg * _B31 + sum(x * 31 ** (7 - i) for i, x in enumerate(d))


def uscc_one(v: int) -> str:
    """``uscc_from_ints`` for one value.

    >>> uscc_one(12345) == uscc_from_ints(np.array([12345]))[0]
    True
    """
    reg, body = divmod(v, _B31)
    idx = [9, 1] + [int(c) for c in REGIONS[reg]] + [body // 31 ** (7 - i) % 31 for i in range(8)]
    oc = 11 - sum(int(_ORG_VAL[c]) * w for c, w in zip(idx[8:16], _ORG_W.tolist())) % 11
    idx.append(0 if oc == 11 else _USCC_ALPHA.index("X") if oc == 10 else oc)
    idx.append((31 - sum(c * w for c, w in zip(idx, _USCC_W.tolist())) % 31) % 31)
    return "".join(_USCC_ALPHA[c] for c in idx)


def _name_one(r: random.Random, kind=LEGAL, lender=False, group=False) -> int:
    lo, hi = (len(INDUSTRIES), len(_ALL_INDUSTRIES)) if lender else (0, len(INDUSTRIES))
    form = r.choices(_LEGAL_FORMS, _LEGAL_FORM_P)[0] if kind == LEGAL else r.choice(_UNINC_FORMS)
    parts = (r.choices(range(len(CITIES)), _CITY_W)[0], r.randrange(len(TRADE_CHARS)), r.randrange(len(TRADE_CHARS)),
             0 if group else r.randrange(lo, hi), form, int(group))
    v = 0
    for part, radix in zip(parts, _NAME_RADIX):
        v = v * radix + part
    return v


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _member(sorted_pool: np.ndarray, values: np.ndarray) -> np.ndarray:
    if not len(sorted_pool):
        return np.zeros(len(values), bool)
    i = np.minimum(np.searchsorted(sorted_pool, values), len(sorted_pool) - 1)
    return sorted_pool[i] == values


class _Fresh:
    """Values never drawn before, per namespace (IDs, codes, names, asset numbers).

    The planted part draws one at a time into Python sets; the bulk draws
    millions at once and excludes everything drawn so far.
    """

    def __init__(self, rng):
        self.rng = rng
        self.taken: dict[str, set] = defaultdict(set)
        self.bulk: dict[str, list] = defaultdict(list)

    def one(self, ns, draw, accept=None) -> int:
        taken = self.taken[ns]
        while True:
            v = draw()
            if v not in taken and (accept is None or accept(v)):
                taken.add(v)
                return v

    def many(self, ns, sample, n) -> np.ndarray:
        pool = _sorted_unique(np.concatenate([np.fromiter(self.taken[ns], np.int64, len(self.taken[ns]))]
                                             + self.bulk[ns]))
        out, got = [], 0
        while got < n:
            cand = _sorted_unique(sample(self.rng, int((n - got) * 1.03) + 64))
            cand = self.rng.permutation(cand[~_member(pool, cand)])[: n - got]
            out.append(cand)
            got += len(cand)
            if got < n:
                pool = np.sort(np.concatenate([pool, cand]))
        res = np.concatenate(out) if out else np.zeros(0, np.int64)
        self.bulk[ns].append(res)
        return res


# ----------------------------------------------------------- asset numbers
def _sample_accounts(rng, k):
    return rng.integers(0, len(BANKS), k) * 10 ** 13 + rng.integers(0, 10 ** 13, k)


def _accounts(ints):
    return [f"{BANKS[v // 10 ** 13]}{_BANK_BIN[v // 10 ** 13]}{v % 10 ** 13:013d}" for v in ints]


def _sample_certs(rng, k):
    return (rng.integers(0, len(DISTRICTS), k) * 10 + rng.integers(0, 10, k)) * 10 ** 7 + rng.integers(1, 10 ** 7, k)


def _certs(ints):
    return [f"沪({2016 + v // 10 ** 7 % 10}){DISTRICTS[v // 10 ** 8]}不动产权第{v % 10 ** 7:07d}号" for v in ints]


def _sample_plates(rng, k):
    head = rng.integers(0, len(PLATE_LETTERS), k) * len(PLATE_ALNUM) + rng.integers(0, len(PLATE_ALNUM), k)
    return head * 10 ** 4 + rng.integers(0, 10 ** 4, k)


def _plates(ints):
    n = len(PLATE_ALNUM)
    return [f"沪{PLATE_LETTERS[v // 10 ** 4 // n]}{PLATE_ALNUM[v // 10 ** 4 % n]}{v % 10 ** 4:04d}" for v in ints]


_EQUITY_PCT = (5, 10, 15, 20, 30, 40, 49, 51, 60, 70, 100)

# ------------------------------------------------------------ planted part


@dataclass
class _Who:
    """One real party.  ``uid`` is its identity in the truth; ``key`` the canonical ID/code ('' if none)."""

    uid: str
    key: str
    name: str
    kind: str
    id15: str = ""
    droppable: bool = True  # its rows may omit the code: no other code carries the name


@dataclass
class _Row:
    case: int
    role: str
    who: _Who
    name: str
    id_no: str
    label: str


def _written(who: _Who, label: str) -> tuple[str, str]:
    """The name and ID a clerk typed for ``who`` with the given noise variant(s)."""
    name, idn = who.name, who.key
    for lab in label.split("+"):
        if lab == "lower_x":
            idn = idn[:17] + idn[17].lower()
        elif lab == "id15":
            idn = who.id15
        elif lab == "fullwidth":
            idn = idn.translate(_FULLWIDTH)
        elif lab == "spaces":
            idn = f"{idn[:6]} {idn[6:14]} {idn[14:]}"
        elif lab == "no_code":
            idn = ""
        elif lab == "halfwidth_brackets":
            name = name.replace("（", "(").replace("）", ")")
        elif lab == "masked":
            idn = idn[:6] + "*" * 8 + idn[14:]
        elif lab not in ("clean", "anonymised"):
            raise ValueError(lab)
    return name, idn


def _resolvable_variants(who: _Who) -> list[str]:
    if who.kind == PERSON:
        out = ["fullwidth", "spaces"]
        if who.key.endswith("X"):
            out.append("lower_x")
        if who.id15:
            out.append("id15")
        return out
    out = ["no_code"] if who.droppable else []
    if "（" in who.name:
        out.append("halfwidth_brackets")
    return out


class _Planter:
    """Builds the planted cases, parties and assets with plain Python."""

    def __init__(self, rng, r: random.Random, fresh: _Fresh, n_cases: int):
        self.rng, self.r, self.fresh, self.n_cases = rng, r, fresh, n_cases
        self.cases: list[dict] = []
        self.rows: list[_Row] = []
        self.assets: list[tuple[int, str, str, str]] = []
        self.seen: Counter = Counter()
        self.offset_pairs: list[tuple] = []
        self.cycle_sets: list[tuple] = []
        self.not_offsets: list[tuple] = []
        self.must_merge_why: dict[str, str] = {}
        self.must_not_merge: list[tuple] = []
        self._anon = 0

    # -- parties
    def person(self, born=(1950, 2000), gender=None, name=None, region=None, want_x=False) -> _Who:
        accept = (lambda v: ric_one(v)[-1] == "X") if want_x else None
        key = ric_one(self.fresh.one("ric", lambda: _person_one(self.r, born, gender, region), accept))
        if name is None:
            name = self.r.choices(SURNAMES, _SUR_W)[0] + self.r.choices(GIVEN, _GIV_W)[0]
        id15 = key[:6] + key[8:17] if int(key[6:10]) <= 1984 else ""
        return _Who(key, key, name, PERSON, id15)

    def company(self, kind=LEGAL, lender=False, group=False, name=None, droppable=True) -> _Who:
        if name is None:
            v = self.fresh.one("name", lambda: _name_one(self.r, kind, lender, group))
            name = names_from_ints(np.array([v]))[0]
        key = uscc_one(self.fresh.one("uscc", lambda: _code_one(self.r)))
        return _Who(key, key, name, kind, droppable=droppable)

    def anon(self, name=None) -> _Who:
        self._anon += 1
        if name is None:
            name = self.r.choices(SURNAMES, _SUR_W)[0] + self.r.choice(("某", "某某"))
        return _Who(f"anon:{self._anon}", "", name, PERSON)

    def someone(self, cause: str, role: str) -> _Who:
        """A fresh party fit for the role in a case of this cause."""
        _, _, _, p_app, p_deb = CAUSES[CAUSE_IX[cause]]
        if self.r.random() < (p_app if role == APP else p_deb):
            lender = role == APP and cause == "金融借款合同纠纷"
            kind = UNINCORPORATED if not lender and self.r.random() < 0.12 else LEGAL
            return self.company(kind, lender=lender)
        return self.person()

    # -- cases
    def amount(self, cause: str) -> float | None:
        median = CAUSES[CAUSE_IX[cause]][2]
        if median is None:
            return None
        return round(min(max(median * self.r.lognormvariate(0, 0.9), 500.0), 5e7), 2)

    def case(self, cause, year=None, ctype="执", status=None, amount=..., old_court=None) -> int:
        if year is None:
            year = int(self.r.choices(YEARS, YEAR_P)[0])
        if status is None:
            status = self.r.choices(STATUSES, (70, 15, 15) if year >= 2025 else (15, 45, 40))[0]
        if amount is ...:
            amount = self.amount(cause)
        court = self.r.choices(range(len(COURTS)), COURT_P)[0] if old_court is None else OLD_COURTS.index(old_court)
        self.cases.append(dict(cause=CAUSE_IX[cause], ctype=TYPES.index(ctype), year=year, status=STATUSES.index(status),
                               amount=np.nan if amount is None else amount, court=court, old=old_court is not None))
        return len(self.cases) - 1

    def party(self, case: int, role: str, who: _Who, label: str | None = None) -> _Row:
        if label is None:
            label = "clean"
            variants = _resolvable_variants(who)
            if self.seen[who.uid] and variants and self.r.random() < 0.15:
                label = self.r.choice(variants)
        self.seen[who.uid] += 1
        name, idn = _written(who, label)
        row = _Row(case, role, who, name, idn, label)
        self.rows.append(row)
        return row

    def pair_case(self, applicant: _Who, debtor: _Who, cause: str, **kw) -> int:
        c = self.case(cause, **kw)
        self.party(c, APP, applicant)
        self.party(c, DEB, debtor)
        return c

    def asset(self, case: int, asset_id: str, asset_type: str, action: str | None = None):
        if action is None:
            action = {"银行账户": "冻结", "股权": "冻结", "不动产": "查封"}.get(asset_type) or self.r.choice(("查封", "扣押"))
        self.assets.append((case, asset_id, asset_type, action))

    def cert(self):
        r = self.r
        return _certs([self.fresh.one("cert", lambda: (r.randrange(len(DISTRICTS)) * 10 + r.randrange(10)) * 10 ** 7
                                      + r.randrange(1, 10 ** 7))])[0]

    def plate(self):
        r = self.r
        def draw():
            head = r.randrange(len(PLATE_LETTERS)) * len(PLATE_ALNUM) + r.randrange(len(PLATE_ALNUM))
            return head * 10 ** 4 + r.randrange(10 ** 4)
        return _plates([self.fresh.one("plate", draw)])[0]

    def account(self):
        r = self.r
        return _accounts([self.fresh.one("acct", lambda: r.randrange(len(BANKS)) * 10 ** 13 + r.randrange(10 ** 13))])[0]

    # -- structures
    def family(self, visits: bool | None = None):
        """A parent applying for child support against the ex-spouse again and again.

        With ``visits`` (by default half the time) the other parent comes back
        for visitation: 2-3 cases when asked for, 1-3 otherwise."""
        r = self.r
        mother, father = self.person((1978, 1995), "f"), self.person((1972, 1992), "m")
        y0, k = r.randint(2019, 2022), r.randint(2, 5)
        support, prev = [], None
        for i in range(k):
            last = i == k - 1
            status = ONGOING if last else r.choice((NO_PROPERTY, NO_PROPERTY, DONE))
            ctype = "执恢" if prev == NO_PROPERTY and r.random() < 0.7 else "执"
            support.append(self.pair_case(mother, father, "抚养费纠纷", year=min(2025, y0 + i), ctype=ctype,
                                          status=status, amount=round(r.uniform(6000, 60000), -2)))
            prev = status
        if visits or (visits is None and r.random() < 0.5):
            visits = [self.pair_case(father, mother, "探望权纠纷", year=min(2025, y0 + 1 + j), ctype="执恢" if j else "执")
                      for j in range(r.randint(2 if visits else 1, 3))]
            self.not_offsets.append(((mother, father), support + visits,
                                     "child support is a personal-nature claim and visitation a non-money obligation"))

    def creditor(self):
        """An ordinary creditor with several debtors, one of them twice over time."""
        r = self.r
        cred, cause = (self.person(), "民间借贷纠纷") if r.random() < 0.5 else (self.company(), "买卖合同纠纷")
        debtors = [self.someone(cause, DEB) for _ in range(r.randint(3, 6))]
        for d in debtors:
            self.pair_case(cred, d, cause, year=r.randint(2019, 2023))
        again = self.pair_case(cred, debtors[0], cause, year=2024 + r.randint(0, 1), ctype=r.choice(("执", "执恢")),
                               status=ONGOING)
        return again

    def common_debtor(self, who: _Who, n: int, causes, n_no_property: int, total: float | None = None,
                      old_first: bool = False, two_applicants: bool = False, house_in: int = 0):
        r = self.r
        statuses = [NO_PROPERTY] * n_no_property + [r.choice((ONGOING, ONGOING, DONE)) for _ in range(n - n_no_property)]
        r.shuffle(statuses)
        amounts = None
        if total is not None:
            w = [r.lognormvariate(0, 0.8) for _ in range(n)]
            amounts = [round(total * x / sum(w), 2) for x in w]
            amounts[-1] = round(total - sum(amounts[:-1]), 2)
        cases = []
        for i in range(n):
            cause = r.choice(causes)
            kw = dict(status=statuses[i])
            if amounts:
                kw["amount"] = amounts[i]
            if old_first and i == 0:
                kw.update(year=2015, old_court=r.choice(OLD_COURTS[:3]))
            else:
                kw["year"] = r.randint(2019, 2025)
            c = self.case(cause, **kw)
            self.party(c, APP, self.someone(cause, APP))
            if two_applicants and i == 1:
                self.party(c, APP, self.someone(cause, APP))
            self.party(c, DEB, who)
            cases.append(c)
        if house_in:  # one flat, seized again in later cases (轮候查封)
            cert = self.cert()
            for c in r.sample(cases, house_in):
                self.asset(c, cert, "不动产")
            acct = self.account()
            for c in r.sample(cases, 2):
                self.asset(c, acct, "银行账户")
        return cases

    def mass_applicant(self, name: str, n: int):
        bank = self.company(name=name)
        for _ in range(n):
            c = self.case("金融借款合同纠纷", year=self.r.randint(2019, 2025))
            self.party(c, APP, bank)
            self.party(c, DEB, self.someone("金融借款合同纠纷", DEB))
            if self.r.random() < 0.3:
                self.party(c, DEB, self.person())  # guarantor

    def bilateral(self, companies: bool):
        if companies:
            a, b, cause = self.company(), self.company(), "买卖合同纠纷"
        else:
            a, b, cause = self.person(), self.person(), "民间借贷纠纷"
        c1 = self.pair_case(a, b, cause, status=ONGOING)
        c2 = self.pair_case(b, a, cause, status=ONGOING)
        self.offset_pairs.append(((a, b), (c1, c2)))

    def cycle(self, length: int):
        r = self.r
        who = [self.company() if r.random() < 0.6 else self.person() for _ in range(length)]
        cases = []
        for i in range(length):
            a, b = who[i], who[(i + 1) % length]
            cause = "买卖合同纠纷" if a.kind != PERSON and b.kind != PERSON else r.choice(("民间借贷纠纷", "劳务合同纠纷"))
            cases.append(self.pair_case(a, b, cause, status=ONGOING))
        self.cycle_sets.append((tuple(who), tuple(cases)))

    def personal_mutual(self):
        """Mutual debts that must not be offered as offsets."""
        a, b = self.person((1975, 1990), "f"), self.person((1972, 1990), "m")
        c1 = self.pair_case(a, b, "抚养费纠纷", status=ONGOING)
        c2 = self.pair_case(b, a, "民间借贷纠纷", status=ONGOING)
        self.not_offsets.append(((a, b), [c1, c2], "child support (抚养费) is a personal-nature claim: not set off"))
        parent, child = self.person((1950, 1958)), self.person((1975, 1988))
        c1 = self.pair_case(parent, child, "赡养费纠纷", status=ONGOING)
        c2 = self.pair_case(child, parent, "民间借贷纠纷", status=ONGOING)
        self.not_offsets.append(((parent, child), [c1, c2], "elderly support (赡养费) is a personal-nature claim: not set off"))
        a, b = self.person((1980, 1995), "m"), self.person((1980, 1995), "f")
        c1 = self.pair_case(a, b, "探望权纠纷", status=ONGOING)
        c2 = self.pair_case(b, a, "抚养权纠纷", status=ONGOING)
        self.not_offsets.append(((a, b), [c1, c2], "visitation and custody are non-money obligations: nothing to set off"))

    def shared_assets(self):
        r = self.r
        husband, wife = self.person((1970, 1990), "m"), self.person((1970, 1990), "f")
        cert = self.cert()
        for d in (husband, wife):  # a flat they own together
            c = self.pair_case(self.someone("民间借贷纠纷", APP), d, "民间借贷纠纷")
            self.asset(c, cert, "不动产")
        firm, boss = self.company(), self.person((1960, 1985))
        plate = self.plate()
        c = self.pair_case(self.someone("买卖合同纠纷", APP), firm, "买卖合同纠纷")
        self.asset(c, plate, "车辆", "扣押")
        c = self.pair_case(self.someone("民间借贷纠纷", APP), boss, "民间借贷纠纷")
        self.asset(c, plate, "车辆", "查封")
        cert = self.cert()
        for _ in range(3):  # heirs of one flat, each sued on their own debts
            c = self.pair_case(self.someone("民间借贷纠纷", APP), self.person(), "民间借贷纠纷", year=r.randint(2021, 2025))
            self.asset(c, cert, "不动产")

    def decoys(self):
        """Records that look alike but are different parties."""
        def one_case(debtor, label="clean", cause="民间借贷纠纷"):
            c = self.case(cause)
            self.party(c, APP, self.someone(cause, APP))
            return self.party(c, DEB, debtor, label)

        w1, w2 = self.person(name="王伟"), self.person(name="王伟")
        self.must_not_merge.append((one_case(w1), one_case(w2), "same common name, different valid IDs"))
        z1, z2 = self.anon("张某"), self.anon("张某")
        self.must_not_merge.append((one_case(z1, "anonymised"), one_case(z2, "anonymised"),
                                    "anonymised names without IDs identify nobody"))
        real = self.person(name="李娜", region=0)
        while True:
            other = self.person(name="李娜", region=self.r.choice(range(7, len(REGIONS))))
            if other.key[-4:] != real.key[-4:]:
                break
        self.must_not_merge.append((one_case(real), one_case(other, "masked"),
                                    "masked ID's visible characters disagree with the real ID of the same name"))
        a = self.company(droppable=False)
        b = self.company(name=a.name, droppable=False)
        ra, rb = one_case(a, cause="买卖合同纠纷"), one_case(b, cause="买卖合同纠纷")
        self.must_not_merge.append((ra, rb, "same company name, different credit codes"))
        nocode = _Who(f"nocode:{a.name}:{len(self.rows)}", "", a.name, LEGAL)
        rc = one_case(nocode, cause="买卖合同纠纷")
        why = "a row without code cannot be attributed to a name two credit codes carry"
        self.must_not_merge += [(ra, rc, why), (rb, rc, why)]

    def variants(self):
        """The same party typed differently in different cases."""
        p1 = self.person((1950, 1984))
        self.pair_case(p1, self.someone("民间借贷纠纷", DEB), "民间借贷纠纷", year=2020)
        c = self.case("买卖合同纠纷", year=2023)
        self.party(c, APP, self.someone("买卖合同纠纷", APP))
        self.party(c, DEB, p1, "id15")
        p2 = self.person(want_x=True)
        for lab in ("clean", "lower_x"):
            c = self.case("民间借贷纠纷")
            self.party(c, APP, self.someone("民间借贷纠纷", APP))
            self.party(c, DEB, p2, lab)
        p3 = self.person()
        for lab in ("clean", "fullwidth", "spaces"):
            c = self.case("劳务合同纠纷")
            self.party(c, APP, p3, lab)
            self.party(c, DEB, self.someone("劳务合同纠纷", DEB))
        q1 = self.company()
        for lab in ("clean", "no_code"):
            c = self.case("买卖合同纠纷")
            self.party(c, APP, self.someone("买卖合同纠纷", APP))
            self.party(c, DEB, q1, lab)
        q2 = self.company(group=True)
        c = self.case("买卖合同纠纷")
        self.party(c, APP, q2, "clean")
        self.party(c, DEB, self.someone("买卖合同纠纷", DEB))
        c = self.case("买卖合同纠纷")
        self.party(c, APP, self.someone("买卖合同纠纷", APP))
        self.party(c, DEB, q2, "halfwidth_brackets+no_code")

    def plant(self, scale: int):
        r = self.r
        for _ in range(scale):
            for i in range(3):
                self.family(visits=True if i == 0 else None)
                self.creditor()
            retiree = self.person((1950, 1958))
            self.common_debtor(retiree, 26, ("民间借贷纠纷",) * 4 + ("买卖合同纠纷",), 18, total=7_060_000.0,
                               old_first=True, two_applicants=True, house_in=4)
            self.common_debtor(self.company(), 12, ("劳务合同纠纷",) * 2 + ("买卖合同纠纷",), 5)
            self.common_debtor(self.person(), r.randint(3, 8), ("民间借贷纠纷",), r.randint(1, 3))
            n = r.randint(3, 30)
            self.common_debtor(self.company(UNINCORPORATED if r.random() < 0.3 else LEGAL), n,
                               ("买卖合同纠纷", "房屋租赁合同纠纷", "劳务合同纠纷"), r.randint(0, n // 2))
            self.bilateral(companies=True)
            self.bilateral(companies=False)
            self.cycle(3)
            self.cycle(4)
            self.personal_mutual()
            self.shared_assets()
            self.decoys()
            self.variants()
        hub = Options().hub_threshold
        for name in MASS_BANKS[: 1 if self.n_cases < 5000 else 2]:
            self.mass_applicant(name, max(hub + 1, min(self.n_cases // 2000, 2000)) + r.randint(1, 5))


# --------------------------------------------------------------- bulk part
def _bulk_cases(rng, n):
    cause = rng.choice(len(CAUSES), n, p=np.array([c[1] for c in CAUSES]) / sum(c[1] for c in CAUSES))
    ctype = rng.choice(len(TYPES), n, p=TYPE_P)
    old = rng.random(n) < 0.003
    year = np.where(old, rng.integers(2012, 2016, n), rng.choice(YEARS, n, p=YEAR_P))
    court = np.where(old, rng.integers(0, len(OLD_COURTS), n), rng.choice(len(COURTS), n, p=COURT_P))
    ctype[old] = 0
    u = rng.random(n)
    recent = year >= 2025
    status = np.where(recent, np.where(u < 0.7, 0, np.where(u < 0.85, 1, 2)),
                      np.where(u < 0.15, 0, np.where(u < 0.6, 1, 2)))
    status[old] = np.where(u[old] < 0.5, 0, 1)
    med = np.array([np.nan if c[2] is None else c[2] for c in CAUSES])[cause]
    amount = np.round(np.clip(med * rng.lognormal(0, 0.9, n), 500, 5e7), 2)
    return dict(cause=cause, ctype=ctype, old=old, year=year, court=court, status=status, amount=amount)


_ID_NOISE = (  # label, share of natural-person rows in the bulk
    ("empty", 0.03), ("masked", 0.02), ("id15", 0.015), ("fullwidth", 0.01), ("spaces", 0.01),
    ("invalid", 0.005), ("anonymised", 0.01),
)


def _bulk_parties(rng, r, fresh, case_ids, cases):
    nb = len(case_ids)
    napp = 1 + (rng.random(nb) < 0.04)
    ndeb = rng.choice([1, 2, 3], nb, p=[0.78, 0.17, 0.05])
    per = napp + ndeb
    case = np.repeat(case_ids, per)
    n = len(case)
    pos = np.arange(n) - np.repeat(np.cumsum(per) - per, per)
    napp_r = np.repeat(napp, per)
    is_app = pos < napp_r
    cause = cases["cause"][case]
    p_org = np.where(is_app, np.array([c[3] for c in CAUSES])[cause], np.array([c[4] for c in CAUSES])[cause])
    p_org = np.where(~is_app & (pos > napp_r), np.minimum(p_org, 0.3), p_org)  # guarantors are mostly people
    org = rng.random(n) < p_org
    lender = org & is_app & (cause == BANK_LOAN)
    uninc = org & ~lender & (rng.random(n) < 0.12)
    legal = org & ~lender & ~uninc

    name = np.empty(n, object)
    id_no = np.empty(n, object)
    kind = np.where(org, np.where(uninc, UNINCORPORATED, LEGAL), PERSON).astype(object)
    noise = Counter()

    # natural persons
    ip = np.flatnonzero(~org)
    ids = ric_from_ints(fresh.many("ric", _sample_people, len(ip)))
    name[ip] = _person_names(rng, len(ip))
    u = rng.random(len(ip))
    edges = np.cumsum([s for _, s in _ID_NOISE])
    which = np.searchsorted(edges, u, side="right")  # len(_ID_NOISE) = clean
    lower = rng.random(len(ip)) < 0.25
    bad = r.choice
    for j, (idn, w) in enumerate(zip(ids, which.tolist())):
        if w == len(_ID_NOISE):
            if idn[17] == "X" and lower[j]:
                idn = idn[:17] + "x"
                noise["lower_x"] += 1
            ids[j] = idn
            continue
        label = _ID_NOISE[w][0]
        if label == "id15" and int(idn[6:10]) > 1984:  # 15-digit cards were replaced before 2000
            continue
        noise[label] += 1
        if label in ("empty", "anonymised"):
            ids[j] = ""
        elif label == "masked":
            ids[j] = idn[:6] + "********" + idn[14:]
        elif label == "id15":
            ids[j] = idn[:6] + idn[8:17]
        elif label == "fullwidth":
            ids[j] = idn.translate(_FULLWIDTH)
        elif label == "spaces":
            ids[j] = f"{idn[:6]} {idn[6:14]} {idn[14:]}"
        elif label == "invalid":
            ids[j] = idn[:17] + bad([ch for ch in "0123456789X" if ch != idn[17]])
    id_no[ip] = ids
    anon = ip[which == [lab for lab, _ in _ID_NOISE].index("anonymised")]
    if len(anon):
        name[anon] = (np.array(SURNAMES, object)[rng.choice(len(SURNAMES), len(anon), p=_SUR_P)]
                      + np.where(rng.random(len(anon)) < 0.5, "某", "某某").astype(object))

    # organisations: unique names, codes, some rows without code or with half-width brackets
    for mask, sample in ((legal, lambda g, k: _sample_names(g, k, LEGAL)),
                         (uninc, lambda g, k: _sample_names(g, k, UNINCORPORATED)),
                         (lender, lambda g, k: _sample_names(g, k, LEGAL, lender=True))):
        idx = np.flatnonzero(mask)
        name[idx] = names_from_ints(fresh.many("name", sample, len(idx)))
    io = np.flatnonzero(org)
    codes = np.array(uscc_from_ints(fresh.many("uscc", _sample_codes, len(io))), object)
    nocode = rng.random(len(io)) < 0.04
    codes[nocode] = ""
    noise["no_code"] += int(nocode.sum())
    id_no[io] = codes
    half = io[rng.random(len(io)) < 0.3]
    for j in half.tolist():
        if "（" in name[j]:
            name[j] = name[j].replace("（", "(").replace("）", ")")
            noise["halfwidth_brackets"] += 1
    role = np.where(is_app, APP, DEB).astype(object)
    return dict(case=case, role=role, name=name, id_no=id_no, kind=kind), noise


def _bulk_assets(rng, fresh, case_ids, cases):
    no_prop = cases["status"][case_ids] == 1
    p_none = np.array([0.4, 0.3, 0.18, 0.12]), np.array([0.6, 0.3, 0.08, 0.02])
    k = np.where(no_prop, rng.choice(4, len(case_ids), p=p_none[1]), rng.choice(4, len(case_ids), p=p_none[0]))
    case = np.repeat(case_ids, k)
    n = len(case)
    atype = rng.choice(4, n, p=ASSET_P)
    aid = np.empty(n, object)
    action = np.empty(n, object)
    for t, ns, sample, fmt in ((0, "acct", _sample_accounts, _accounts), (1, "cert", _sample_certs, _certs),
                               (2, "plate", _sample_plates, _plates)):
        idx = np.flatnonzero(atype == t)
        aid[idx] = fmt(fresh.many(ns, sample, len(idx)).tolist())
    idx = np.flatnonzero(atype == 3)
    held = names_from_ints(fresh.many("name", lambda g, m: _sample_names(g, m, LEGAL), len(idx)))
    pct = rng.choice(_EQUITY_PCT, len(idx)).tolist()
    aid[idx] = [f"{h}{p}%股权" for h, p in zip(held, pct)]
    action[:] = "冻结"
    action[atype == 1] = "查封"
    cars = atype == 2
    action[cars] = np.where(rng.random(int(cars.sum())) < 0.7, "查封", "扣押")
    return dict(case=case, asset_id=aid, asset_type=np.array(ASSET_TYPES, object)[atype], action=action)


# ------------------------------------------------------- numbers and judges
def _file_dates(rng, year):
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = np.minimum((year - 1969).astype("datetime64[Y]").astype("datetime64[D]"), DATA_END + 1)
    span = (end - start).astype(np.int64)
    return start + (rng.random(len(year)) * span).astype(np.int64).astype("timedelta64[D]")


def _official_numbers(rng, cases, day) -> list[str]:
    """Official case numbers, sequences rising with the filing date per court, year and type."""
    n = len(day)
    group = ((cases["old"].astype(np.int64) * 3000 + cases["year"]) * 64 + cases["court"]) * 8 + cases["ctype"]
    order = np.lexsort((day, group))
    inc = 1 + rng.poisson(1.5, n)
    cs = np.cumsum(inc[order])
    g = group[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    base = np.maximum.accumulate(np.where(starts, cs - inc[order], 0))
    seq = np.empty(n, np.int64)
    seq[order] = cs - base
    return [f"（{y}）{OLD_COURTS[c]}执字第{s}号" if o else f"（{y}）{COURTS[c]}{TYPES[t]}{s}号"
            for y, c, t, s, o in zip(cases["year"].tolist(), cases["court"].tolist(), cases["ctype"].tolist(),
                                     seq.tolist(), cases["old"].tolist())]


def typed_case_no(official: str, r: random.Random) -> str:
    """A case number as a clerk may type it: other brackets, stray spaces.

    >>> typed_case_no("（2024）沪0113执1234号", random.Random(1))
    '(2024)沪0113执1234号'
    """
    k = r.random()
    if k < 0.45:
        return official.replace("（", "(").replace("）", ")")
    if k < 0.65:
        return official.replace("（", "〔").replace("）", "〕")
    if k < 0.8:
        return official.replace("）", "） ", 1)
    if k < 0.9:
        return official.replace("执", " 执", 1).replace("号", " 号")
    return " (" + official[1:].replace("）", ") ", 1) + "\u3000"


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(k: int) -> str:
    """Chinese numeral as in team names.

    >>> [cn_number(k) for k in (1, 10, 12, 20, 105)]
    ['一', '十', '十二', '二十', '一百零五']
    """
    if k < 10:
        return _CN_DIGITS[k]
    if k < 20:
        return "十" + (_CN_DIGITS[k - 10] if k > 10 else "")
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = k // unit % 10
        if d:
            out += ("零" if zero and out else "") + _CN_DIGITS[d] + name
            zero = False
        elif out:
            zero = True
    return out


def _judges(rng, n_judges, minors, day):
    """Judges in teams with capacities ~1.3x the cases; some cases already have a judge."""
    n = len(minors)
    n_minor = int(minors.sum())
    m = min(max(2, round(n_judges * n_minor / max(n, 1))), n_judges - 1)
    regular = n_judges - m
    space = len(SURNAMES) * len(TRADE_CHARS) ** 2
    draws = rng.choice(space, n_judges, replace=False) if n_judges * 4 < space else rng.integers(0, space, n_judges)
    names, seen = [], Counter()
    for v in draws.tolist():
        nm = SURNAMES[v // len(TRADE_CHARS) ** 2] + TRADE_CHARS[v // len(TRADE_CHARS) % len(TRADE_CHARS)] \
            + TRADE_CHARS[v % len(TRADE_CHARS)]
        seen[nm] += 1
        names.append(nm if seen[nm] == 1 else f"{nm}({seen[nm]})")
    n_teams = max(2 if regular >= 2 else 1, math.ceil(regular / 8))
    teams = [f"执行{cn_number(1 + i * n_teams // regular)}组" for i in range(regular)] + ["涉未成年人"] * m

    def capacities(k, total):
        w = rng.uniform(0.8, 1.2, k) * np.where(rng.random(k) < 0.1, 0.5, 1.0)  # some work part time
        cap = np.floor(w / w.sum() * total).astype(np.int64)
        cap[: total - cap.sum()] += 1
        return cap

    cap = np.concatenate([capacities(regular, math.ceil(1.3 * (n - n_minor))), capacities(m, math.ceil(1.3 * n_minor))])
    # ~30 % of cases already carry a judge, few of the newest ones
    newest = day >= np.quantile(day.astype(np.int64), 0.75).astype("datetime64[D]")
    has = rng.random(n) < np.where(newest, 0.05, 0.38)
    pick = np.where(minors & (rng.random(n) < 0.5), regular + rng.integers(0, m, n), rng.integers(0, regular, n))
    judge = np.where(has, pick, -1)
    load = np.bincount(judge[judge >= 0], minlength=n_judges)
    cap = np.maximum(cap, load)
    col = np.array(names + [""], object)[judge]
    return dict(judge=names, team=teams, capacity=cap.astype(str).tolist()), col


# ------------------------------------------------------------------ output
def _write_csv(path: Path, table, cols: dict, chinese: bool, encoding: str):
    """Plain CSV: no field contains a comma, quote or line break (checked on the joined text)."""
    headers = [aliases[0] if chinese else c for c, aliases in table.columns.items()]
    columns = [cols[c] for c in table.columns]
    n = len(columns[0])
    text = "\n".join([",".join(headers)] + list(map(",".join, zip(*columns)))) + "\n"
    if text.count(",") != (n + 1) * (len(headers) - 1) or text.count("\n") != n + 1 or '"' in text:
        raise AssertionError(f"{path.name}: a field carries a separator")
    path.write_bytes(text.encode(encoding))


def make_sample(n_cases: int, out_dir: Path, seed: int = 7, judges: int | None = None,
                chinese_headers: bool = False, encoding: str = "utf-8") -> dict:
    """Write a synthetic court export to ``out_dir`` and return its truth.

    Files: ``cases.csv``, ``parties.csv``, ``assets.csv``, ``judges.csv``
    (headers from ``casegraph.contract``: canonical English, or the first
    Chinese alias of each column with ``chinese_headers``; text in
    ``encoding``: "utf-8", "utf-8-sig" or "gbk") and ``truth.json`` (UTF-8).
    ``judges`` is the number of judges (default ``max(4, round(n_cases / 150))``),
    of whom at least two form the minors team 涉未成年人.  ``n_cases`` must
    leave room for the planted part (about 160 cases per 10,000 and never
    fewer than ~170: use at least 400 cases).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     t = make_sample(500, Path(d), seed=1, chinese_headers=True, encoding="gbk")
    ...     (Path(d) / "cases.csv").read_text(encoding="gbk").split(",")[0]
    '案号'
    """
    out_dir = Path(out_dir)
    "案号".encode(encoding)  # an unknown or non-Chinese codec fails before any work
    rng, r = np.random.default_rng(seed), random.Random(seed)
    fresh = _Fresh(rng)
    plant = _Planter(rng, r, fresh, n_cases)
    plant.plant(max(1, round(n_cases / 10_000)))
    n_plant = len(plant.cases)
    if n_plant > 0.5 * n_cases:
        raise ValueError(f"n_cases={n_cases} is too small for the planted structures ({n_plant} cases); use >= 400")

    # cases: planted first, bulk after; rows are ordered by filing date when written
    cases = _bulk_cases(rng, n_cases)
    for key in cases:
        cases[key][:n_plant] = [c[key] for c in plant.cases]
    day = _file_dates(rng, cases["year"])
    official = _official_numbers(rng, cases, day)
    typed = list(official)
    for i in np.flatnonzero(rng.random(n_cases) < 0.04).tolist():
        typed[i] = typed_case_no(official[i], r)

    bulk_ids = np.arange(n_plant, n_cases)
    parties, noise = _bulk_parties(rng, r, fresh, bulk_ids, cases)
    assets = _bulk_assets(rng, fresh, bulk_ids, cases)
    for row in plant.rows:
        for lab in row.label.split("+"):
            noise[lab] += 1
    noise = {k: v for k, v in sorted(noise.items()) if v and k != "clean"}

    def stack(bulk, planted):
        return {k: np.concatenate([np.array([p[i] for p in planted] if planted else [], object), bulk[k].astype(object)])
                for i, k in enumerate(bulk)}

    parties = stack(parties, [(w.case, w.role, w.name, w.id_no, w.who.kind) for w in plant.rows])
    assets = stack(assets, plant.assets)

    minors_causes = Options().minors_causes
    minors = np.array([any(m in c for m in minors_causes) for c in CAUSE_NAMES])[cases["cause"]]
    n_judges = judges if judges is not None else max(4, round(n_cases / 150))
    if n_judges < 3:
        raise ValueError("judges must be >= 3 (a minors team of two and one other judge)")
    judge_table, judge_col = _judges(rng, n_judges, minors, day)

    rank = np.empty(n_cases, np.int64)
    rank[np.lexsort((np.arange(n_cases), day))] = np.arange(n_cases)
    order = np.argsort(rank, kind="stable")
    amount = np.where(np.isnan(cases["amount"]), "", np.char.mod("%.2f", cases["amount"])).astype(object)
    typed_arr = np.array(typed, object)

    def case_col(case):  # each case keeps its typed number; 1 % of rows are typed again
        col = typed_arr[case]
        for j in np.flatnonzero(rng.random(len(case)) < 0.01).tolist():
            col[j] = typed_case_no(official[case[j]], r)
        return col.tolist()

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(out_dir / CASES.filename, CASES, dict(
        case_no=typed_arr[order].tolist(),
        filed_on=np.datetime_as_string(day[order]).tolist(),
        cause=np.array(CAUSE_NAMES, object)[cases["cause"][order]].tolist(),
        amount=amount[order].tolist(),
        status=np.array(STATUSES, object)[cases["status"][order]].tolist(),
        judge=judge_col[order].tolist()), chinese_headers, encoding)
    for table, rows in ((PARTIES, parties), (ASSETS, assets)):
        case = rows["case"].astype(np.int64)
        o = np.argsort(rank[case], kind="stable")
        cols = {k: v[o].tolist() for k, v in rows.items() if k != "case"}
        cols["case_no"] = case_col(case[o])
        _write_csv(out_dir / table.filename, table, cols, chinese_headers, encoding)
    _write_csv(out_dir / JUDGES.filename, JUDGES, judge_table, chinese_headers, encoding)

    truth = _truth(plant, official, cases)
    truth["counts"] = dict(
        cases=n_cases, party_rows=len(parties["case"]), asset_rows=len(assets["case"]), judges=n_judges,
        minors_team_judges=judge_table["team"].count("涉未成年人"), planted_cases=n_plant,
        preassigned_cases=int((judge_col != "").sum()), invalid_ids=noise.get("invalid", 0), noise=noise,
        **{k: len(v) for k, v in truth.items()})
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


# ------------------------------------------------------------------- truth
def _truth(plant: _Planter, official: list[str], cases: dict) -> dict:
    """The planted structures, with official case numbers and canonical identities."""
    def nos(cs):
        return sorted({official[c] for c in cs})

    amount = cases["amount"]
    status = cases["status"]
    by_uid: dict[str, list[_Row]] = defaultdict(list)
    case_rows: dict[int, list[_Row]] = defaultdict(list)
    for row in plant.rows:
        by_uid[row.who.uid].append(row)
        case_rows[row.case].append(row)

    hub = Options().hub_threshold
    repeat, mass, common, merge = [], [], [], []
    for uid, rows in by_uid.items():
        who = rows[0].who
        if not who.key:
            continue
        as_app = sorted({w.case for w in rows if w.role == APP})
        as_deb = sorted({w.case for w in rows if w.role == DEB})
        if len(as_app) >= 2:
            debtors = defaultdict(list)
            for c in as_app:
                for w in case_rows[c]:
                    if w.role == DEB:
                        debtors[w.who.uid].append(c)
            entry = dict(id_key=who.key, name=who.name, kind=who.kind, case_nos=nos(as_app), n_cases=len(as_app),
                         n_debtors=len(debtors))
            if len(as_app) > hub:
                mass.append(entry)
            else:
                entry["repeat_pairs"] = [dict(debtor=d, case_nos=nos(cs)) for d, cs in debtors.items() if len(cs) >= 2]
                repeat.append(entry)
        if len(as_deb) >= 2:
            applicants = {w.who.uid for c in as_deb for w in case_rows[c] if w.role == APP}
            if len(applicants) >= 2:
                common.append(dict(
                    id_key=who.key, name=who.name, kind=who.kind, case_nos=nos(as_deb), n_cases=len(as_deb),
                    n_applicants=len(applicants), n_no_property=int(sum(status[c] == 1 for c in as_deb)),
                    total_amount=round(float(np.nansum(amount[as_deb])), 2)))
        if len({(w.name, w.id_no) for w in rows}) >= 2:
            merge.append(dict(id_key=who.key, name=who.name,
                              why=sorted({lab for w in rows for lab in w.label.split("+")} - {"clean"}),
                              records=[_record(w, official) for w in rows]))

    assets = defaultdict(list)
    for case, aid, atype, _ in plant.assets:
        assets[(aid, atype)].append(case)
    shared = []
    for (aid, atype), cs in assets.items():
        if len(set(cs)) >= 2:
            debtors = sorted({w.who.uid for c in cs for w in case_rows[c] if w.role == DEB})
            shared.append(dict(asset_id=aid, asset_type=atype, case_nos=nos(cs), debtors=debtors))

    def money(cs):
        return [round(float(amount[c]), 2) for c in cs]

    def names(ws):
        return [w.name for w in ws]

    key = lambda ws: [w.key for w in ws]  # noqa: E731
    return dict(
        repeat_applicants=sorted(repeat, key=lambda e: e["id_key"]),
        common_debtors=sorted(common, key=lambda e: e["id_key"]),
        mass_applicants=sorted(mass, key=lambda e: e["id_key"]),
        bilateral_offsets=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs], amounts=money(cs))
                           for ws, cs in plant.offset_pairs],
        cycles=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs], amounts=money(cs))
                for ws, cs in plant.cycle_sets],
        not_offsets=[dict(parties=key(ws), names=names(ws), case_nos=[official[c] for c in cs],
                          causes=[CAUSE_NAMES[cases["cause"][c]] for c in cs], why=why)
                     for ws, cs, why in plant.not_offsets],
        shared_assets=sorted(shared, key=lambda e: e["asset_id"]),
        must_merge=sorted(merge, key=lambda e: e["id_key"]),
        must_not_merge=[dict(why=why, records=[_record(a, official), _record(b, official)])
                        for a, b, why in plant.must_not_merge],
    )


def _record(row: _Row, official: list[str]) -> dict:
    return dict(case_no=official[row.case], role=row.role, name=row.name, id_no=row.id_no)
