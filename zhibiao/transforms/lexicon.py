"""The words of Chinese official statistical prose that the extractor keys on, as reviewable data.

Every list is ordered longest-first where matching is by prefix or suffix, so that a longer
word (个百分点, 千瓦时) wins over its prefix (百分点, 千瓦).
"""

# Magnitude prefixes written between a number and its unit (230亿元, 1.6万人次).
# 千 and 百 are magnitudes only when no unit starts with them (千瓦, 千米 are units).
MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
}

# Unit as printed -> (base unit, factor to the base unit). Magnitudes are handled apart,
# so 万千瓦 is 万 + 千瓦. Units not listed here make a number a non-figure (a name, a date,
# an ordinal): that is deliberate, "12345热线" and "75周年" have no unit.
UNITS: dict[str, tuple[str, float]] = {
    # money
    "元": ("元", 1.0),
    "美元": ("美元", 1.0),
    # people and visits
    "人次": ("人次", 1.0),
    "人": ("人", 1.0),
    "名": ("人", 1.0),
    "户": ("户", 1.0),
    "场次": ("场次", 1.0),
    "场": ("场", 1.0),
    "架次": ("架次", 1.0),
    "班次": ("班次", 1.0),
    "车次": ("车次", 1.0),
    "次": ("次", 1.0),
    # things counted
    "个": ("个", 1.0),
    "项": ("项", 1.0),
    "家": ("家", 1.0),
    "套": ("套", 1.0),
    "件": ("件", 1.0),
    "所": ("所", 1.0),
    "座": ("座", 1.0),
    "处": ("处", 1.0),
    "条": ("条", 1.0),
    "台": ("台", 1.0),
    "辆": ("辆", 1.0),
    "张": ("张", 1.0),
    "床": ("张", 1.0),
    "间": ("间", 1.0),
    "栋": ("栋", 1.0),
    "头": ("头", 1.0),
    "只": ("只", 1.0),
    "株": ("株", 1.0),
    "批": ("批", 1.0),
    "宗": ("宗", 1.0),
    "笔": ("笔", 1.0),
    "篇": ("篇", 1.0),
    "部": ("部", 1.0),
    "种": ("种", 1.0),
    "类": ("类", 1.0),
    "村": ("个", 1.0),
    "县": ("县", 1.0),  # 7县（市、区）: counties counted
    "册": ("册", 1.0),
    "份": ("份", 1.0),
    "块": ("块", 1.0),
    "枚": ("枚", 1.0),
    "艘": ("艘", 1.0),
    "标准箱": ("标准箱", 1.0),
    "标箱": ("标准箱", 1.0),
    "起": ("起", 1.0),  # accidents, cases: 发生安全生产事故3起
    # mass, energy, power
    "吨公里": ("吨公里", 1.0),
    "人公里": ("人公里", 1.0),
    "吨标准煤": ("吨标准煤", 1.0),
    "吨": ("吨", 1.0),
    "公斤": ("公斤", 1.0),
    "千克": ("公斤", 1.0),
    "斤": ("公斤", 0.5),
    "千瓦时": ("千瓦时", 1.0),
    "度": ("千瓦时", 1.0),
    "千瓦": ("千瓦", 1.0),
    "兆瓦": ("千瓦", 1e3),
    "瓦": ("千瓦", 1e-3),
    "立方米": ("立方米", 1.0),
    "方": ("立方米", 1.0),
    # area and length
    "平方公里": ("平方公里", 1.0),
    "平方千米": ("平方公里", 1.0),
    "平方米": ("平方米", 1.0),
    "公顷": ("公顷", 1.0),
    "亩": ("亩", 1.0),
    "公里": ("公里", 1.0),
    "千米": ("公里", 1.0),
    "毫米": ("毫米", 1.0),
    "米": ("米", 1.0),
    "微克/立方米": ("微克/立方米", 1.0),
    # time and age (a stated life expectancy, a stated number of days)
    "岁": ("岁", 1.0),
    "天": ("天", 1.0),
    "小时": ("小时", 1.0),
}

# Units that are not physical: they set the measure, not the magnitude.
PERCENT = "%"
PERMILLE = "‰"
PP_WORDS = ("个百分点", "百分点")
TIMES = "倍"

# Qualifier words: before the number, after the unit. DESIGN.md vocabulary.
QUALIFIER_BEFORE: list[tuple[str, str]] = [
    ("不少于", "ge"),
    ("不低于", "ge"),
    ("不小于", "ge"),
    ("至少", "ge"),
    ("突破", "ge"),
    ("超过", "ge"),
    ("超", "ge"),
    ("逾", "gt"),
    ("不超过", "le"),
    ("不高于", "le"),
    ("不大于", "le"),
    ("控制在", "le"),
    ("最多", "le"),
    ("不到", "lt"),
    ("不足", "lt"),
    ("低于", "lt"),
    ("约", "approx"),
    ("近", "approx"),
    ("接近", "approx"),
    ("大约", "approx"),
    ("将近", "approx"),
]
QUALIFIER_AFTER: list[tuple[str, str]] = [
    ("以上", "ge"),
    ("之上", "ge"),
    ("以内", "le"),
    ("之内", "le"),
    ("以下", "le"),
    ("左右", "approx"),
    ("上下", "approx"),
]
# 余/多 between the number and the unit (1.6万余人次, 80余项, 三百多人).
MORE_THAN = ("余", "多")

# Words that make a percent a growth rate (or a pp change a rise); the negative ones flip
# the sign: 下降0.1% -> -0.1.
GROWTH_UP = (
    "增长",
    "增加",
    "提高",
    "上升",
    "上涨",
    "提升",
    "增速",
    "增幅",
    "涨幅",
    "增长率",
    "扩大",
    "拉动",
    "回升",
    "加快",
    "增产",
    "增收",
)
GROWTH_DOWN = (
    "下降",
    "减少",
    "降低",
    "回落",
    "下滑",
    "下跌",
    "收窄",
    "缩小",
    "放缓",
    "减缓",
    "减产",
    "减收",
    "减",
)
# Signals of a comparison that make a following percent a change even without a verb.
COMPARISON = ("同比", "环比", "比上年", "比去年", "比上月", "比上季", "较上年", "较去年")

# Status words (DESIGN.md): 初步核算 preliminary, 预计 estimate, target words.
PRELIMINARY_WORDS = ("初步核算", "初步统计", "快报")
ESTIMATE_WORDS = ("预计",)
TARGET_WORDS = (
    "力争",
    "有望",
    "将力争",
    "确保",
    "争取",
    "计划投资",
    "计划完成",
    "计划实施",
    "计划新建",
    "要实现",
    "将达到",
)

# Pair words that expand one label into two (城乡居民人均可支配收入 -> 城镇…, 农村…).
PAIR_EXPANSIONS: dict[str, tuple[str, str]] = {
    "城乡居民": ("城镇居民", "农村居民"),
    "城乡": ("城镇", "农村"),
    "进出口": ("进口", "出口"),
    "产销": ("产量", "销量"),
    "产销量": ("产量", "销量"),
    "客货运": ("客运", "货运"),
    "收支": ("收入", "支出"),
    "存贷款": ("存款", "贷款"),
    "出入境": ("出境", "入境"),
    "男女": ("男性", "女性"),
}

# Heads of indicator names: a list "粮食、蔬菜、肉蛋奶产量" shares the head of its last item.
HEAD_NOUNS = (
    "增加值",
    "吞吐量",
    "周转量",
    "运输量",
    "客运量",
    "货运量",
    "产量",
    "销量",
    "总产值",
    "产值",
    "收入",
    "支出",
    "投资",
    "零售额",
    "营业额",
    "销售额",
    "总额",
    "价格",
    "人数",
    "面积",
    "数量",
    "余额",
    "利润",
    "用电量",
    "发电量",
    "消费",
)

# Words in front of a figure that belong to the predicate, not to the label.
PREDICATE_WORDS = (
    "分别完成",
    "分别达到",
    "分别增长",
    "分别为",
    "分别是",
    "分别",
    "累计完成",
    "累计实现",
    "累计",
    "共计",
    "合计",
    "完成了",
    "完成",
    "实现了",
    "实现",
    "达到了",
    "达到",
    "达",
    "为",
    "是",
    "有",
    "共",
    "持续保持",
    "保持在",
    "保持",
    "稳定在",
    "控制在",
    "提高到",
    "增至",
    "增长到",
    "增加到",
    "突破",
    "超过",
    "总量达",
    "规模达",
    "总计",
)

# Verbs that open a clause in front of the label (实现地区生产总值…, 完成投资…).
LEADING_VERBS = (
    "预计实现",
    "预计完成",
    "预计",
    "全年实现",
    "全年完成",
    "全年",
    "累计实现",
    "累计完成",
    "累计",
    "实现",
    "完成",
    "其中",
    "全市",
    "全区",
    "全省",
    "全州",
    "全县",
)
