"""How common a Chinese person's name is, from its shape: what both the repeat
pair rule (:mod:`casegraph.resolve`) and the candidates for review
(:mod:`casegraph.find.candidates`) weigh a name by where the data cannot tell.

>>> split_name("欧阳振华"), f"{name_share('欧阳振华'):.1e}"
(('欧阳', '振华'), '1.7e-07')
"""
from __future__ import annotations

import re

# Surnames' shares of China's population (2020 census, the 20 commonest);
# other one-character surnames about 0.2 %, two-character ones 0.05 %.
SURNAME_SHARE = {"王": .071, "李": .070, "张": .067, "刘": .054, "陈": .045, "杨": .031, "黄": .023, "赵": .022,
                 "吴": .020, "周": .019, "徐": .014, "孙": .014, "马": .012, "胡": .012, "朱": .012, "郭": .011,
                 "何": .010, "罗": .009, "高": .009, "林": .009}
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
                     "司徒", "夏侯", "端木", "独孤", "南宫", "西门", "百里", "呼延", "轩辕", "申屠", "太史", "澹台")
GIVEN_SHARE = {1: 1 / 300, 2: 1 / 3000}


def split_name(name: str) -> tuple[str, str]:
    """A Chinese person name's surname and given name ('' and the name if it is not one).

    >>> split_name("欧阳振华"), split_name("王伟"), split_name("John Smith")
    (('欧阳', '振华'), ('王', '伟'), ('', 'John Smith'))
    """
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", name or ""):
        return "", name
    cut = 2 if name[:2] in COMPOUND_SURNAMES else 1
    return name[:cut], name[cut:]


def name_share(name: str) -> float:
    """A person name's share in the population, from its shape.

    >>> f"{name_share('王伟'):.1e}", f"{name_share('欧阳振华'):.1e}", f"{name_share('王建华'):.1e}"
    ('2.4e-04', '1.7e-07', '2.4e-05')
    """
    surname, given = split_name(name)
    if not surname:
        return 1e-6  # a foreign or unusual name: rare
    share = 0.0005 if len(surname) == 2 else SURNAME_SHARE.get(surname, 0.002)
    return share * GIVEN_SHARE.get(len(given), 1 / 30000)
