"""Labels of figures: the noun phrase a quantity states, with 分别 lists expanded.

Chinese official prose names the indicator before the number (固定资产投资完成140亿元),
after it for counts (制定了218项工作措施), once for a whole list (粮食、蔬菜、肉蛋奶产量分别
达到…), or not at all when a growth follows its level (…140亿元、增长17.7%).
"""

from __future__ import annotations

import re

from zhibiao.transforms.lexicon import (
    HEAD_NOUNS,
    LEADING_VERBS,
    PAIR_EXPANSIONS,
    PREDICATE_WORDS,
)

# Words after a count that end the noun phrase it counts (…18项位居全区前列).
_AFTER_STOP = re.compile(
    r"(?:有|完成|实现|开工|建成|位居|通过|被|获|纳入|入选|全部|均|已|达|成功|得到|参与|"
    r"投入|投用|覆盖|受益|惠及|累计|共|和|及|与|并|的)"
)
_VERB_FIRST = re.compile(
    r"(?:位居|完成|实现|开工|建成|通过|纳入|入选|全部|成功|得到|参与|投入|投用|覆盖|受益|惠及|"
    r"累计|达到|获得|被评|列入|已经|均已|分别)"
)
# Classifiers after which a noun phrase usually follows the count (44个项目 / 项目44个).
COUNT_UNITS = frozenset("个项家套件所座处条台辆张间栋头只株批宗笔篇部种类村册份块枚艘名户场")
# Verbs that open a clause before an object noun: stripped from the front of a label.
_OPENING_VERBS = re.compile(
    r"^(?:我们将?|我市将?|全市将|将|要|可|有望|制定了?|出台了?|实施了?|建设了?|完成了?|开展了?|打造了?|"
    r"发放了?|组织了?|解决了?|办理了?|深入开展|开工建设|启动了?|推进|落实|创建了?|"
    r"吸纳|带动|实现了?|达到|累计|全年|今年|去年|当年|同时|其中|此外|另外|共有|拥有|现有|"
    r"预计|力争|确保|争取|计划|年末|年底|全市|全区|全省|全州|全县|全国)"
)
_TRAILING = tuple(sorted(PREDICATE_WORDS, key=len, reverse=True))
_LEADING = tuple(sorted(LEADING_VERBS, key=len, reverse=True))
_JUNK = re.compile(r"^[，,、：:；;\s（）()“”\"]+|[，,、：:；;\s（(“\"]+$")
_MAX_LABEL = 24


# Pieces of a clause that are not the indicator: a comparison base, a quoted target, a
# leading period, the whole-area subject, a qualifier word left at the end.
_NOT_LABEL = [
    re.compile(
        r"^(?:[上下]半年|前[一二三]季度|第?[一二三四]季度末?|\d{1,2}[-－~～至]\d{1,2}月份?|\d{1,2}月(?:份|末|底)?|"
        r"\d{4}年|全年|年末|年底|当季|当月|单季|单月|季末|月末)+"
    ),
    re.compile(
        r"(?:比|较)(?:上年同期|上年末|上年|去年|上月|上季度?|年初|同期|\d{4}年|"
        r"\d{1,2}[-~～至]\d{1,2}月份?|\d{1,2}月份?|[一二三四]季度|前三季度|[上下]半年)(?:末|底|同期)?"
    ),
    re.compile(r"^(?:上年|去年)(?:同期|末)?(?:为|是)?"),
    re.compile(r"(?:同比|环比)"),
    re.compile(r"是(?:上年|去年|\d{4}年)的"),
    re.compile(
        r"^(?:虽略?|提前|超额|已)?(?:低于|高于|完成|达到|实现|超过)?(?:年初|年度)?(?:确定|提出|下达|制定)的"
    ),
    re.compile(
        r"(?:不低于|不少于|不超过|不高于|不足|不到|超过|突破|约|近|达到|达|逾|将近|接近|大约|超)$"
    ),
    re.compile(
        r"(?:提高|提升|增加|增长|上升|下降|降低|减少|回落|缩小|扩大)(?:到|至)$|(?:增至|降至|升至)$"
    ),
    re.compile(r"连续\d+年|首次|平均"),
    re.compile(r"(?:由|从)(?:上年|去年|\d{4}年)末?的?$"),
    re.compile(r"(?<=[县区市州旗])(?:则|也|亦|还|仍)$"),
    re.compile(r"(?:将|将会|可|可望|预计|控制在|保持在|维持在|稳定在|在|要)$"),
    re.compile(r"^(?:比|较|高于|低于|快于|慢于)(?:全国|全省|全区|全市)"),
]


def strip_period(text: str) -> str:
    """1-10月昆明、曲靖… -> 昆明、曲靖…: a leading period phrase is context, not content."""
    return _NOT_LABEL[0].sub("", text)


# What is left of a clause when it held no label at all.
_FUNCTION_WORDS = {
    "为", "是", "达", "占", "有", "其中", "分别", "同比", "增长", "和", "及", "与", "的",
    "名义", "实际", "均",
}  # fmt: skip


def clean_label(text: str) -> str:
    """Strip predicate words at the end and opening verbs at the front."""
    opened = max(text.rfind("（"), text.rfind("("))
    if opened >= 0 and not re.search(r"[）)]", text[opened:]):
        text = text[opened + 1 :]  # …增速加快（上年同期为下降: the aside is the clause
    text = _JUNK.sub("", text)
    for pattern in _NOT_LABEL:
        text = pattern.sub("", text)
    text = _JUNK.sub("", text)
    changed = True
    while changed and text:
        changed = False
        for w in _TRAILING:
            if text.endswith(w) and len(text) > len(w):
                text, changed = text[: -len(w)], True
                break
        for w in _LEADING:
            if text.startswith(w) and len(text) > len(w) + 1:
                text, changed = text[len(w) :], True
                break
        m = _OPENING_VERBS.match(text)
        if m and len(text) > m.end() + 1:
            text, changed = text[m.end() :], True
        text = _JUNK.sub("", text)
    text = re.sub(r"^(?:而|但|并|且|同期)", "", text)
    text = re.sub(r"^(?:全市|全区|全县|全省|全州|全国|今年|去年|当年|本年|上年)", "", text)
    if (
        text in _FUNCTION_WORDS
        or len(text) < 2
        or text in _LEADING
        or _OPENING_VERBS.fullmatch(text)
    ):
        return ""  # a verb alone (实现, 完成了) names nothing
    return _shorten(text)


def _shorten(text: str) -> str:
    """Long before-texts carry a whole clause; the label is the tail after the last 等/的/，."""
    if len(text) <= _MAX_LABEL:
        return text
    for sep in ("等", "的", "”", "，", "、"):
        i = text.rfind(sep)
        if 0 <= i < len(text) - 2:
            tail = text[i + 1 :]
            if len(tail) <= _MAX_LABEL:
                return tail
    return text[-_MAX_LABEL:]


def label_after(text: str, end: int) -> str:
    """The noun phrase right after a count (218项工作措施 -> 工作措施), or ''."""
    tail = re.sub(r"^[（(][^）)]{0,12}[）)]", "", text[end:])  # 7县（市、区）县城…
    tail = tail[1:] if tail.startswith("的") else tail  # 62.4亿元的固定资产投资
    m = re.match(r"[\u4e00-\u9fff“”\"]+", tail)
    if not m:
        return ""
    phrase = m.group(0)
    if phrase.startswith(("以上", "左右", "以内", "以下", "之内", "上下", "余", "多")):
        return ""
    if _VERB_FIRST.match(phrase):
        return ""  # 18项位居全区前列: a verb after the count, no noun
    stop = _AFTER_STOP.search(phrase, 1)
    if stop:
        phrase = phrase[: stop.start()]
    return phrase.strip('“”"') if len(phrase) >= 2 else ""


def expand_list(label: str, n: int) -> list[str] | None:
    """Split a 分别 label into n labels: by 、/和/及/与, or by a pair word (城乡, 产销)."""
    items = _elided_ordinals([i for i in re.split(r"、|和|及|与|以及", label) if i])
    if len(items) == n and n > 1:
        return _share_affixes(items)
    parts = _ratio_parts(label, n)
    if parts:
        return parts
    if n == 2:
        for pair, (a, b) in sorted(PAIR_EXPANSIONS.items(), key=lambda kv: -len(kv[0])):
            i = label.find(pair)
            if i >= 0:
                head, tail = label[:i], label[i + len(pair) :]
                if pair in ("产销", "产销量", "收支"):
                    return [head + a, head + b]
                return [head + a + tail, head + b + tail]
    return None


def _elided_ordinals(items: list[str]) -> list[str]:
    """第一、二、三产业增加值 -> 第一…, 第二…, 第三…: the 第 of the first numeral is shared."""
    if len(items) > 1 and re.match(r"^第[一二三四五六七八九十]", items[0]):
        return [items[0]] + [
            ("第" + i if re.match(r"^[一二三四五六七八九十]", i) else i) for i in items[1:]
        ]
    return items


def _ratio_parts(label: str, n: int) -> list[str] | None:
    """三次产业增加值占地区生产总值的比重分别为…: the three industries' shares."""
    if n == 3 and "三次产业" in label and re.search(r"比重|占比|结构", label):
        return ["第一产业比重", "第二产业比重", "第三产业比重"]
    return None


def _share_affixes(items: list[str]) -> list[str]:
    """粮食、蔬菜、肉蛋奶产量 -> …产量 each; 民航客运、货邮吞吐量 -> 民航… each."""
    coordinated = _coordinate_remainder(items)
    if coordinated:
        return coordinated
    ordinals = all(re.fullmatch(r"第[一二三四五六七八九十]", i) for i in items[:-1])
    head = None if ordinals else next((h for h in HEAD_NOUNS if items[-1].endswith(h)), None)
    if head is None:
        head = _parallel_head(items)  # 小学、初中、高中在校生 -> …在校生
    out = list(items)
    if head:
        out = [i if i.endswith(head) or _has_head(i) else i + head for i in out[:-1]] + [out[-1]]
    first = out[0]
    for j in range(1, len(out)):
        prefix = _shared_prefix(first, out[j])
        if prefix:
            out[j] = prefix + out[j]
    return out


def _parallel_head(items: list[str]) -> str | None:
    """Items of one length before a longer last one share the last one's remainder."""
    lengths = {len(i) for i in items[:-1]}
    if len(lengths) != 1:
        return None
    size = lengths.pop()
    rest = items[-1][size:]
    return (
        rest
        if len(items[-1]) > size + 1 and not any(i.endswith(rest) for i in items[:-1])
        else None
    )


def _coordinate_remainder(items: list[str]) -> list[str] | None:
    """城镇和农村居民人均可支配收入: the modifiers share the rest of the last item."""
    last = items[-1]
    word = next((w for w in _COORDINATE if last.startswith(w)), None)
    if not word or not all(i in _COORDINATE for i in items[:-1]):
        return None
    rest = last[len(word) :]
    return [i + rest for i in items[:-1]] + [last]


# Indicator names end in a noun of measure: 值, 额, 量, 率 … (地区生产总值, 零售总额).
_HEADED_END = tuple("值额量率数入出资费积重价人客收")


def has_head(item: str) -> bool:
    """An item that is an indicator name on its own (a catalog entry, or a noun of measure)."""
    return _has_head(item)


def _has_head(item: str) -> bool:
    from zhibiao.transforms import catalog

    if catalog.match_indicator(item):
        return True
    return (any(item.endswith(h) for h in HEAD_NOUNS) or item.endswith(_HEADED_END)) and len(
        item
    ) > 3


# 民航客运 / 货邮吞吐量: the first item's modifier (民航) goes to the items that start with a
# coordinate word of the same kind (客运 ~ 货邮/货运, 城镇 ~ 农村, 进口 ~ 出口).
_COORDINATE = ("客运", "货运", "货邮", "旅客", "城镇", "农村", "进口", "出口", "一般", "城市")


def _shared_prefix(first: str, other: str) -> str:
    if not other.startswith(_COORDINATE):
        return ""
    for word in _COORDINATE:
        i = first.find(word)
        if i > 0:
            prefix = first[:i]
            return "" if other.startswith(prefix) else prefix
    return ""
