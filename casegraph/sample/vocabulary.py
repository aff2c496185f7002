"""The words and weights the sample draws from: causes, courts, case types,
regions, names, company names, banks, districts, plates and asset types.

Probabilities are numpy arrays for the vectorised bulk; ``*_W`` are the same
weights as lists, for the planted part's single draws with Python's random.

>>> CAUSE_NAMES[CAUSE_IX["抚养费纠纷"]], round(float(REGION_P.sum()), 6)
('抚养费纠纷', 1.0)
"""
from __future__ import annotations

import numpy as np

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

SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
            "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
            "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 "
            "万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 诸葛").split()
SURNAME_P = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
SURNAME_P /= SURNAME_P.sum()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 建国 建军 志强 志明 "
         "海燕 丽华 秀兰 玉兰 文 斌 宇 浩 鑫 鹏 婷 雪 琳 晨 欣怡 子涵 浩然 梓轩 一鸣 俊杰 晓明 晓燕 春梅 "
         "红梅 国强 国庆 建平 卫东 小红 永强 德华 金凤 凤英 玉梅 淑珍 淑华 桂兰 秀珍 丽娟 丽萍 佳琪 思远 "
         "嘉怡 雨涵 海峰 海涛 红霞 志刚 立新 春生 明华 宏伟 晓东 晓丽 文静 雅琴 美玲 慧敏 志华 振华 "
         "学军 冬梅 秋菊 兰英 玉珍 建新 新民 卫国 红英 玉华 光明 德明 家豪 子轩 诗涵 一诺 浩宇 梓涵 "
         "文博 天佑 俊豪 婉婷 雨桐 晨曦 思琪 建忠 永明 国平 金龙 海波 云飞 少华 桂芳 彩霞").split()
GIVEN_P = 1.0 / np.arange(1, len(GIVEN) + 1) ** 0.6
GIVEN_P /= GIVEN_P.sum()
SURNAME_W, GIVEN_W = SURNAME_P.tolist(), GIVEN_P.tolist()

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
ALL_INDUSTRIES = INDUSTRIES + list(LENDER_INDUSTRIES)
FORMS = ("有限公司", "股份有限公司", "有限责任公司", "经营部", "商行", "合伙企业（有限合伙）", "工作室")
LEGAL_FORMS, UNINC_FORMS = (0, 1, 2), (3, 4, 5, 6)
LEGAL_FORM_P = (0.8, 0.12, 0.08)

BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行", "上海浦东发展银行",
         "上海农村商业银行")
BANK_BIN = ("622202", "621700", "622848", "621661", "622260", "621483", "622521", "622478")
MASS_BANKS = ("中国工商银行股份有限公司上海市宝山支行", "上海农村商业银行股份有限公司宝山支行")
DISTRICTS = ("宝山区", "闵行区", "浦东新区", "徐汇区", "杨浦区", "嘉定区", "松江区", "普陀区")
PLATE_LETTERS = "ABCDEFGHJKLMN"
PLATE_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ASSET_TYPES = ("银行账户", "不动产", "车辆", "股权")
ASSET_P = (0.45, 0.2, 0.2, 0.15)

FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
