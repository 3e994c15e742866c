"""A 分别 list's labels: one label per figure from one list of names.

粮食、蔬菜、肉蛋奶产量分别… shares the head 产量; 城乡居民人均可支配收入分别… is two
figures, 城镇 and 农村; 第一、二、三产业增加值 restores the elided 第.
"""

from __future__ import annotations

from zhibiao.transforms import catalog, lexicon, units
from zhibiao.transforms.extract.label_text import split_items
from zhibiao.transforms.extract.text import clause_before, clause_start


def expand_list(label: str, n: int) -> list[str] | None:
    """Split a 分别 label into n labels: by 、/和/及/与, or by a pair word (城乡, 产销)."""
    items = _elided_ordinals(split_items(label))
    if len(items) == n and n > 1:
        return _share_affixes(items)
    # 县、乡、村通信信号和宽带覆盖率 (3): 和 inside the last item's name, 、 between the items
    enumerated = [i for i in lexicon.regex("enumeration_comma").split(label) if i]
    if len(items) > n and len(enumerated) == n and n > 1:
        return _share_affixes(_elided_ordinals(enumerated))
    industries = lexicon.regex("three_industries").match(label)
    if n == 3 and industries:
        rest = industries["rest"]
        if lexicon.regex("industry_structure").match(rest):
            rest = lexicon.words("share_suffix")[0]
        return [i + rest for i in _in_order(lexicon.entry("industries")["words"])]
    if n == 2:
        for pair, (a, b) in lexicon.mapping("pair_expansions"):
            i = label.find(pair)
            if i >= 0:
                head, tail = label[:i], label[i + len(pair) :]
                if pair in lexicon.word_set("pair_heads_replace_tail"):
                    return [head + a, head + b]
                return [head + a + tail, head + b + tail]
    return None


def items_of(label: str) -> list[str] | None:
    """第一、第二产业比重 -> 第一产业比重, 第二产业比重: the items of a coordinated label with
    their shared head and modifiers, or None when it is one name."""
    items = _elided_ordinals(split_items(label))
    return _share_affixes(items) if len(items) > 1 else None


def _in_order(items) -> list[str]:
    return [str(i) for i in items]


def _elided_ordinals(items: list[str]) -> list[str]:
    """第一、二、三产业增加值 -> 第一…, 第二…, 第三…: the 第 of the first numeral is shared."""
    if len(items) > 1 and lexicon.regex("elided_ordinal").match(items[0]):
        prefix = lexicon.words("ordinal_prefix")[0]
        bare = lexicon.regex("bare_ordinal_numeral")
        return [items[0]] + [(prefix + i if bare.match(i) else i) for i in items[1:]]
    return items


def _share_affixes(items: list[str]) -> list[str]:
    """粮食、蔬菜、肉蛋奶产量 -> …产量 each; 民航客运、货邮吞吐量 -> 民航… each."""
    coordinated = _coordinate_remainder(items)
    if coordinated:
        return coordinated
    ordinal = lexicon.regex("ordinal_item")
    ordinals = all(ordinal.fullmatch(i) for i in items[:-1])
    head = None
    if not ordinals:
        head = next((h for h in lexicon.words("head_nouns") if items[-1].endswith(h)), None)
    if head == items[-1]:
        head = None  # 旅游人数和收入: a bare head is an item of its own (_topic_prefix)
    if head is None:
        head = _class_group(items)  # 0-14岁、15-64岁人口 -> …人口
    if head is None:
        head = _parallel_head(items)  # 小学、初中、高中在校生 -> …在校生
    out = list(items)
    if head:
        out = [i if _keeps_its_head(i, head) else i + head for i in out[:-1]] + [out[-1]]
    first = out[0]
    for j in range(1, len(out)):
        prefix = _shared_prefix(first, out[j]) or _rate_prefix(first, out[j])
        prefix = prefix or _per_head(first, out[j]) or topic_prefix(first, out[j])
        if prefix:
            out[j] = prefix + out[j]
    return out


def _keeps_its_head(item: str, head: str) -> bool:
    """旅游接待人次、旅游收入: an item that names an indicator alone, which the shared head would
    unmake (旅游接待人次收入), keeps its own; 粮食 of 粮食、蔬菜产量 takes 产量."""
    if item.endswith(head) or _headed(item):
        return True
    return bool(catalog.match_indicator(item)) and not catalog.match_indicator(item + head)


def _per_head(first: str, other: str) -> str:
    """每千人拥有床位数和医疗人员: the first item's 每千人拥有 is every item's."""
    per = lexicon.regex("per_head_prefix")
    m = per.match(first)
    return m[0] if m and not per.match(other) else ""


def topic_prefix(first: str, other: str, unit: str | None = None) -> str:
    """旅游接待人次和收入, 规模以上工业企业营业收入和利润总额: a name that names no indicator
    alone takes the longest part of the first name's start that makes it one (旅游收入)."""
    ends = range(len(first) - 1, 0, -1)
    starts = (first[:end] for end in ends if _brackets_closed(first[:end]))
    return _completion(other, starts, lambda start: start + other, unit)


def _brackets_closed(text: str) -> bool:
    """生产总值（GDP: a start cut inside a bracket would leave the rest an aside."""
    opened = sum(text.count(b) for b in lexicon.words("unclosed_aside"))
    closed = sum(text.count(b) for b in lexicon.words("closing_brackets"))
    return opened == closed


def attribute_suffix(whole: str, part: str, unit: str | None = None) -> str:
    """民用汽车保有量 / 私人汽车, 公路通车里程 / 高速公路: a part that names no indicator alone
    takes the shortest end of the whole's name that makes it one (保有量, 里程)."""
    ends = (whole[start:] for start in range(len(whole) - 1, 0, -1))
    return _completion(part, ends, lambda end: part + end, unit)


def _completion(name: str, pieces, joined, unit: str | None) -> str:
    """The first piece that makes a name the catalog does not know one that it does; "" when
    the name is an indicator already or no piece helps. Only the catalog decides."""
    if catalog.match_indicator(name, unit):
        return ""
    return next((p for p in pieces if catalog.match_indicator(joined(p), unit)), "")


def _rate_prefix(first: str, other: str) -> str:
    """行政村道路通达率、通畅率: a bare rate after a rate of its size shares what the first
    one's rate is of (行政村道路通畅率)."""
    of = lexicon.regex("rate_of_what").fullmatch(first)
    if not of or not lexicon.regex("bare_rate_item").fullmatch(other):
        return ""
    return of["of"]


def _class_group(items: list[str]) -> str | None:
    """0-17岁、18-34岁、60岁及以上户籍人口: the bands share the group the last one names."""
    last = items[-1]
    m = lexicon.regex("class_group_noun").search(last)
    if m is None or m.start() == 0 or m.end() != len(last):
        return None
    return m[0]


def _parallel_head(items: list[str]) -> str | None:
    """Items of one length before a longer last one share the last one's remainder; levels
    of government share what follows the last one's level (县、乡、行政村…覆盖率)."""
    levels = lexicon.words("administrative_levels")
    level = next((w for w in levels if items[-1].startswith(w)), None)
    if level and all(i in levels for i in items[:-1]) and len(items[-1]) > len(level) + 1:
        return items[-1][len(level) :]
    lengths = {len(i) for i in items[:-1]}
    if len(lengths) != 1:
        return None
    size = lengths.pop()
    rest = items[-1][size:]
    if rest.startswith(tuple(lexicon.words("list_joiners"))):
        return None  # 教育、卫生和社会工作: the last item is a name of its own
    if len(items[-1]) > size + 1 and not any(i.endswith(rest) for i in items[:-1]):
        return rest
    return None


def _coordinate_remainder(items: list[str]) -> list[str] | None:
    """城镇和农村居民人均可支配收入 / 城镇居民和农村居民人均可支配收入: the modifiers (and what
    they already repeat of the last item) share the rest of the last item."""
    words = lexicon.words("coordinate_words")
    last = items[-1]
    word = next((w for w in words if last.startswith(w)), None)
    if not word:
        return None
    tail = last[len(word) :]
    out = []
    for item in items[:-1]:
        own = next((w for w in words if item.startswith(w)), None)
        repeated = item[len(own) :] if own else None
        if repeated is None or not tail.startswith(repeated):
            return None
        out.append(item + tail[len(repeated) :])
    return [*out, last]


def has_head(item: str) -> bool:
    """An item that is an indicator name on its own (a catalog entry, or a noun of measure)."""
    return bool(catalog.match_indicator(item)) or _headed(item)


def _headed(item: str) -> bool:
    """An item that ends in a noun of measure (…产量, …增加值, …比重)."""
    headed = item.endswith(lexicon.words("head_nouns")) or item.endswith(
        lexicon.words("headed_ends")
    )
    return headed and len(item) > 3


def _shared_prefix(first: str, other: str) -> str:
    words = lexicon.words("coordinate_words")
    if not other.startswith(words):
        return ""
    for word in words:
        i = first.find(word)
        if i > 0:
            prefix = first[:i]
            return "" if other.startswith(prefix) else prefix
    return ""


# ---- What a 分别 list distributes: labels and regions ---------------------------------------


def distribute(group, previous: list, measure: str) -> None:
    """Fill group.labels and group.regions: from the list before 分别, from regions before it
    and one label after it (墨脱县、察隅县分别完成固定资产投资…), or from the figures it refers
    back to."""
    from zhibiao.transforms.extract.label_text import (
        clean_label,
        predicate_noun,
        shorten_label,
        strip_period,
        subject_of,
    )

    window = group.window
    word = next((w for w in lexicon.words("distributive") if w in window), "")
    cut = window.find(word) if word else len(window)  # no 分别: 城乡居民…26096元和10736元
    before, predicate = strip_period(window[:cut]), window[cut + len(word) :]
    n = group.size
    tail = lexicon.regex("growth_tail")

    def named(words: str, shorten: bool = True) -> str:  # …without a growth tail
        return clean_label(tail.sub("", clean_label(words, shorten)), shorten)

    # 数字经济核心产业制造业、装备制造业、战略性新兴产业增加值分别…: a list longer than a label
    # is split whole; shortened first (at its last 、), it kept its last item alone
    whole = named(before, shorten=False)
    base = shorten_label(whole)
    group.regions = [None] * n
    if group.items:
        group.labels = [named(item, shorten=False) for item in group.items]
        return
    regions = region_list(before, n)
    counted = None if regions else _regions_then_label(before, n)
    if regions:
        own = named(predicate)
        # 朗县、察隅县分别下降3.1%和2.4%: the regions' indicator is the one just stated
        group.labels = [own or borrow_label(previous, measure) or ""] * n
        group.regions = regions
        return
    if counted:
        group.regions = counted[0]
        group.labels = [named(counted[1])] * n
        return
    labels = expand_list(whole, n) if whole else None
    share = lexicon.regex("share_left_open").search(predicate.strip())
    if labels and share and share.start() == 0:
        # 三次产业增加值分别占地区生产总值的3.0%、60.2%…: each item's share of the whole
        labels = [label + share[0] for label in labels]
    if labels is None:
        prior = _prior_figures(previous, n, measure)
        if prior:
            # 养殖规模…，存栏…，分别完成目标任务的91.3%、98.2%: what is said of each of them
            said = predicate_noun(predicate)
            labels = [f.label + said for f in prior]
            if lexicon.regex("attribute_of_listed").match(base):
                labels = [subject_of(f.label) + base for f in prior]
            group.regions = [f.region for f in prior]
        else:
            listed = _list_before(previous, n)
            said = named(predicate)
            if listed and said and not base:
                # 三次产业对经济增长的贡献率分别为…，分别拉动经济增长0.3、6.5和4.5个百分点:
                # the same items, another attribute of each
                labels = [subject_of_contribution(f.label) + said for f in listed]
                group.regions = [f.region for f in listed]
            else:
                labels = [base or ""] * n
    group.labels = labels


def comma_parted(text: str, lo: int, window: str, n: int) -> list[str] | None:
    """采矿业，制造业，电力、热力、燃气及水生产和供应业分别下降…: a name that holds a 、 makes
    the writer part the names by commas, so the 分别 clause holds only the last. The n-1
    clauses before it are the others when none holds a number and a breakdown's lead (分门类看)
    or the sentence's start comes before them; clauses of prose (经济平稳运行) never open a
    sentence of bare names."""
    word = next((w for w in lexicon.words("distributive") if w in window), "")
    last = window[: window.find(word)] if word else ""
    if not last or len(split_items(last)) == n:
        return None  # 按常住地分，城镇、农村居民人均可支配收入分别…: the clause lists them all
    items, start = [last], lo
    commas = lexicon.words("name_comma")
    for _ in range(n - 1):
        if start == 0 or text[start - 1] not in commas:
            return None
        begin = clause_start(text, start - 1)
        items.insert(0, text[begin : start - 1])
        start = begin
    lead = lexicon.regex("breakdown_lead")
    if start and text[start - 1] in commas:
        if not lead.fullmatch(clause_before(text, start)):
            return None
    elif start:
        return None
    comma = lexicon.words("enumeration_comma")[0]
    if not any(comma in item for item in items):
        return None
    if any(not item or lead.fullmatch(item) or any(c.isdigit() for c in item) for item in items):
        return None
    return items


def _list_before(previous: list, n: int) -> list | None:
    """The n figures of the 分别 list just before, whatever they measure."""
    last = previous[-n:] if len(previous) >= n else []
    group = last[0].group if last else None
    if group is None or group.size != n or any(f.group is not group for f in last):
        return None
    return last


def subject_of_contribution(label: str) -> str:
    """第一产业对经济增长的贡献率 -> 第一产业, 工业增加值 -> 工业: whose contribution to the
    growth of the economy; "" when the label names no industry (营业收入, 社会消费品零售总额
    pull the growth of their own total, said in the label: 拉动规模以上服务业营业收入)."""
    m = lexicon.regex("contribution_to_growth").search(label)
    if m and m.start() > 0:
        return label[: m.start()]
    head = next((h for h in lexicon.words("contributing_heads") if label.endswith(h)), None)
    return label[: -len(head)] if head and len(label) > len(head) else ""


def region_list(before: str, n: int) -> list[str] | None:
    """墨脱县、察隅县分别…: n regions and nothing else before 分别."""
    lead = lexicon.regex("region_lead").match(before)
    rest = before[lead.end() :] if lead else before
    edges = "".join(lexicon.words("list_edge_punctuation"))
    items = [i for i in lexicon.regex("list_region_joiners").split(rest.strip(edges)) if i]
    if len(items) != n:
        return None
    names = [catalog.normalize_region(i) for i in items]
    return names if all(names) else None


def _regions_then_label(before: str, n: int) -> tuple[list[str], str] | None:
    """昆明、曲靖、玉溪三市规模以上工业增加值 / 桑珠孜区、拉孜县农村居民人均可支配收入."""
    text = before.strip("".join(lexicon.words("list_edge_punctuation")))
    m = lexicon.regex("region_list_count").match(text)
    if m:
        names = region_list(m["regions"], n)
        return (names, m["label"]) if names else None
    items = [i for i in lexicon.regex("list_region_joiners").split(text) if i]
    if len(items) != n:
        return None
    head = catalog.find_regions(items[-1])
    if not head or head[0][0] != 0:
        return None
    last_region, label = head[0][2], items[-1][head[0][1] :]
    names = [catalog.normalize_region(i) for i in items[:-1]]
    return ([*names, last_region], label) if all(names) and label else None


def _prior_figures(previous: list, n: int, measure: str = "level") -> list | None:
    """分别 with no label of its own refers back to the last n levels of the sentence; a list
    of pp changes (较上年同期分别提高17.5和23.1个百分点) to the last n growth rates."""
    kind = "growth_pct" if measure == "pp_change" else "level"
    levels = [f for f in previous if f.measure == kind and "inherited" not in f.flags]
    return levels[-n:] if len(levels) >= n else None


def borrow_label(memory: list, measure: str) -> str | None:
    """The label of the last figure of this measure that is not a region's name."""
    for f in reversed(list(memory)):
        if f.measure == measure and f.label and not catalog.normalize_region(f.label):
            return f.label
    return None


def implicit_list(window: str, base_units: list[str]) -> bool:
    """城乡居民人均可支配收入26096元和10736元，增长13%和16%: numbers joined by 和/、 with no
    分别 are a list too when the words before them name as many items, or name nothing (then
    they are of the figures before). Without 分别 only values of one kind make a list:
    …增至2024年的9835公里，12个县通柏油路 is a length, then a count with a subject of its own."""
    from zhibiao.transforms.extract.label_text import clean_label

    if len({units.dimension(u) or u for u in base_units}) > 1:
        return False
    label = clean_label(lexicon.regex("growth_tail").sub("", clean_label(window)))
    return not label or expand_list(label, len(base_units)) is not None
