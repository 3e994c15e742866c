"""Stage 3, label: the indicator phrase a figure states, as the document words it.

The words before the number, cleaned (label_text); after it for counts; from the 分别 list;
from the figure it follows when it names none (…140亿元、增长17.7%). Rules marked `once` stop
applying when an earlier rule has settled the label; the series rules at the end (zone,
span, holiday, base year, month-on-month) apply to every label, since they say which series
a figure belongs to.
"""

from __future__ import annotations

import dataclasses

from zhibiao.schema import PERCENT
from zhibiao.transforms import catalog, lexicon, units
from zhibiao.transforms.extract.code import category, code_of, growth_basis
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.label_text import (
    clean_label,
    label_after,
    split_items,
    subject_of,
    unquoted,
    verb_object,
    without_infix_verb,
)
from zhibiao.transforms.extract.lists import (
    attribute_suffix,
    borrow_label,
    distribute,
    has_head,
    subject_of_contribution,
    topic_prefix,
)
from zhibiao.transforms.extract.measure import is_rate, predicate
from zhibiao.transforms.extract.quantities import people_nouns
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import base_value_at, clause_before, clause_start


def _settled(fig: Figure) -> bool:
    return "labelled" in fig.flags


def _settle(fig: Figure, label: str) -> Figure:
    fig.label = label
    fig.flags.add("labelled")
    return fig


def _previous(clause: Clause) -> list[Figure]:
    """What an empty label may borrow from: this part's figures, else the paragraph's."""
    return clause.own or list(clause.memory)


@rule("label")
def structure_part(clause: Clause, fig: Figure) -> Figure:
    """三次产业结构为9.1:37.5:53.4: each part's label comes with the ratio (第一产业比重 …)."""
    return _settle(fig, fig.label) if "ratio_part" in fig.flags else fig


@rule("label")
def base_value_of_a_multiple(clause: Clause, fig: Figure) -> Figure:
    """固定资产投资152.6亿元，是1965年155万元的近1万倍: the amount between the base year and
    the multiple is the value of the amount before it (period.base_year_of_a_multiple dates
    it); read alone, its label was 是1965年."""
    if _settled(fig) or fig.measure != "level" or not base_value_at(clause.text, fig.q.start):
        return fig
    dimension = units.dimension(fig.q.unit)
    same = [
        f
        for f in _previous(clause)
        if f.measure == "level" and f.label and units.dimension(f.q.unit) == dimension
    ]
    return _settle(fig, same[-1].label) if same else fig


@rule("label")
def change_of_indicator(clause: Clause, fig: Figure) -> Figure:
    """耕地面积比上年减少0.3万公顷: the change of 耕地面积 is the …增量 series."""
    if _settled(fig) or "change" not in fig.flags:
        return fig
    if "gap" in fig.flags:  # 比全国平均水平高1887元: named by its comparator, the label stays
        return fig
    base = clean_label(lexicon.regex("absolute_change").sub("", fig.window))
    if not base:
        previous = clause.own or list(clause.memory)
        base = previous[-1].label if previous else ""
    return _settle(fig, base + lexicon.words("change_suffix")[0])


@rule("label")
def comparators_of_a_list(clause: Clause, fig: Figure) -> Figure:
    """增长7.6%，…转为分别高于全国、全省2.4、1.1个百分点: a list of the areas the rate is
    compared with; each pp change is the rate's against its own area."""
    if _settled(fig) or fig.group is None or fig.measure != "pp_change":
        return fig
    m = lexicon.regex("comparator_list").search(fig.group.window)
    rated = [f for f in _previous(clause) if f.measure == "growth_pct" and f.label]
    if not m or not rated:
        return fig
    areas = lexicon.regex("list_item_joiners").split(m["areas"])
    if fig.position >= len(areas):
        return fig
    suffix = lexicon.words("growth_rate_suffix")[0] + m["verb"] + areas[fig.position]
    fig.suffix = suffix + (m["after"] or "") + fig.suffix
    fig.flags.add("rate_of_previous")
    return _settle(fig, rated[-1].label)


@rule("label")
def one_change_against_several_areas(clause: Clause, fig: Figure) -> Figure | list:
    """增速由上半年低于全国、全省0.5个百分点: one pp change said against a list of areas, with
    no 分别, is the rate's against each of them."""
    if _settled(fig) or fig.group is not None or fig.measure != "pp_change":
        return fig
    head = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    m = lexicon.regex("comparator_list").search(head)
    rated = [f for f in _previous(clause) if f.measure == "growth_pct" and f.label]
    if not m or not rated:
        return fig
    suffix = lexicon.words("growth_rate_suffix")[0] + m["verb"]
    out = []
    for area in lexicon.regex("list_item_joiners").split(m["areas"]):
        one = dataclasses.replace(fig, flags=set(fig.flags), trace=list(fig.trace))
        one.suffix = suffix + area + (m["after"] or "") + fig.suffix
        one.flags.add("rate_of_previous")
        out.append(_settle(one, rated[-1].label))
    return out


@rule("label")
def item_of_a_list(clause: Clause, fig: Figure) -> Figure:
    """粮食、蔬菜、肉蛋奶产量分别…: each number takes its item of the list (lists.py)."""
    if _settled(fig) or fig.group is None:
        return fig
    if fig.group.labels is None:
        distribute(fig.group, [*clause.memory, *clause.own], fig.measure)
    labels = fig.group.labels
    # 城乡居民人均可支配收入年均分别增长8.2%和10.1%: each item's average (below)
    label = _without_average(fig, labels[fig.position]) if fig.position < len(labels) else ""
    return _settle(fig, label)


@rule("label")
def variant_in_brackets(clause: Clause, fig: Figure) -> Figure:
    """规上工业增加值同比增长8.4%（含园区增长8.3%），比1-9月（8.2%）加快0.2个百分点: the
    bracket states the indicator before it on another scope, its own series; what follows the
    bracket still speaks of the indicator before it."""
    m = lexicon.regex("variant_in_brackets").search(fig.window)
    if _settled(fig) or not m or clean_label(fig.window[: m.start()]):
        return fig
    previous = [f for f in _previous(clause) if f.label and not f.flags & {"quoted", "variant"}]
    if not previous:
        return fig
    opening, closing = lexicon.words("unclosed_aside")[0], lexicon.words("closing_brackets")[0]
    fig.suffix = opening + m["scope"] + closing + fig.suffix
    fig.flags.add("variant")  # no figure after it takes its label (label_of_the_figure_before)
    return _settle(fig, previous[-1].label)


@rule("label")
def rate_quoted_in_brackets(clause: Clause, fig: Figure) -> Figure:
    """全区规模以上工业增加值增速比全国平均水平（3.0%）: the nation's rate of the indicator the
    clause compares, 规模以上工业增加值."""
    if _settled(fig) or "quoted" not in fig.flags:
        return fig
    m = lexicon.regex("quoted_rate_in_brackets").search(fig.window)
    if not m:
        return fig
    head = lexicon.regex("rate_word_end").sub("", fig.window[: m.start()])
    return _settle(fig, clean_label(head)) if clean_label(head) else fig


def _without_average(fig: Figure, label: str) -> str:
    """地区生产总值年均增长8%: 年均 is the series' (average_over_years), not the name's."""
    average = lexicon.words("span_average")[0]
    if not label.endswith(average):
        return label
    fig.flags.add("average")
    return clean_label(label[: -len(average)])


@rule("label")
def words_before_the_number(clause: Clause, fig: Figure) -> Figure:
    """固定资产投资完成140亿元: the noun phrase before the number, predicate words stripped;
    a growth's label also loses its comparison and growth words (比上年增长)."""
    if _settled(fig):
        return fig
    label = clean_label(fig.window)
    if fig.measure != "level" and label:
        label = clean_label(lexicon.regex("growth_tail").sub("", label))
    label = _without_average(fig, label)
    unit = units.get(fig.q.unit or "")
    label = verb_object(label, unit is not None and unit.dimension == "area")
    # 第一产业完成投资 names 第一产业投资; 重点项目完成投资 is itself the catalog's name, and
    # 国税系统完成收入 is no name without its verb: only the catalog decides
    plain = without_infix_verb(label)
    if plain != label and not code_of(label, fig.measure, fig.q.unit):
        label = plain if code_of(plain, fig.measure, fig.q.unit) else label
    fig.label = label
    return fig


@rule("label")
def region_standing_for_the_label(clause: Clause, fig: Figure) -> Figure:
    """工布江达县23.5亿元 / 安多县增长15.3%: a region where the indicator should be borrows the
    indicator of the parallel part before it, and owns the figure."""
    if _settled(fig) or not fig.label:
        return fig
    if units.is_count(fig.q.unit) and label_after(clause.text, fig.q.end):
        return fig  # 林芝地区178个续建项目: the noun after the count says what is counted
    region = catalog.normalize_region(fig.label)
    borrowed = borrow_label([*clause.memory, *clause.own], fig.measure) if region else None
    if not borrowed:
        return fig
    return _settle(fig, borrowed)


def _ends_with_verb(window: str) -> bool:
    """A verb, or an open end (等, 的, a joiner): the noun after the number names it."""
    window = window.strip()
    return bool(
        lexicon.regex("object_verb_end").search(window)
        or lexicon.regex("label_before_ends_open").search(window)
    )


@rule("label")
def noun_after_a_count(clause: Clause, fig: Figure) -> Figure:
    """制定了218项工作措施, 迎来了452.6万人次游客, 完成了62.4亿元的固定资产投资: the noun
    after the number when a verb stands before it (or nothing names the figure)."""
    if _settled(fig):
        return fig
    q, window, label = fig.q, fig.window, fig.label
    after = label_after(clause.text, q.end)
    reached = lexicon.regex("label_to_level_suffix").search(after or "")
    if not after or (reached and not clean_label(after[: reached.start()])):
        return fig  # 从2012年的710.16亿元增加到…: a change verb after the number names nothing
    if q.raw_unit and not q.printed_unit and not is_rate(q.unit):
        fig.after = fig.label = after  # 惠及1.2万余群众: the noun that gave the unit names it
        return fig
    if not units.is_count(q.unit):
        if lexicon.regex("plan_after_a_figure").search(after):
            return fig  # 确保完成150亿元的目标: the plan's amount, of the words before it
        verb = lexicon.regex("object_verb_end").search(window.strip())
        if (not label or verb) and not is_rate(q.unit):
            fig.after = after
            fig.label = after
        return fig
    joined = window.strip("".join(lexicon.words("list_edge_joiners")))
    took_prior = bool(clause.own) and clause.own[-1].after in (label, joined)
    named_after = bool(after) and _closes_the_clause(clause.text, q.end, after)
    verb = lexicon.regex("beneficiary_verb").search(label)
    people = after.startswith(tuple(noun for noun, _ in people_nouns()))
    if verb and verb.end() == len(label) and (people or verb.start() == 0):
        fig.after, fig.label = after, verb[0] + after  # 带动50名农牧民: 带动农牧民
    elif not label or named_after or _ends_with_verb(window) or took_prior or _only_a_place(label):
        fig.after = after
        fig.label = after
    among = lexicon.regex("label_after_among").search(fig.label) if fig.after else None
    if among and among.start() > 1:
        fig.label = fig.label[: among.start()]  # 涉及的33个行业中，…: the set spoken among
    return fig


@rule("label")
def first_of_two_counts(clause: Clause, fig: Figure) -> Figure:
    """6958户23893名建档立卡贫困群众, 759户3392名贫困群众: a count right before a count in
    another unit counts the same group, named by the noun after the second (贫困群众户数, as
    消除返贫风险218户822人 names its second count 人数). Read alone it named nothing, or the
    place before it, and took the label of whatever figure came before."""
    q = fig.q
    if _settled(fig) or not units.is_count(q.unit) or (fig.label and not _only_a_place(fig.label)):
        return fig
    second = next((o for o in clause.quantities if o.start >= q.end), None)
    if (
        second is None
        or clause.text[q.end : second.start].strip()
        or not units.is_count(second.unit)
        or second.unit == q.unit
    ):
        return fig
    noun = label_after(clause.text, second.end)
    if noun:
        fig.after = noun
        fig.label = noun + _unit_noun(q.unit)
    return fig


def _unit_noun(unit: str) -> str:
    """户 -> 户数, 人 -> 人数: the noun that names a count in that unit (lexicon unit_nouns)."""
    return dict(lexicon.mapping("unit_nouns")).get(unit, unit)


def _closes_the_clause(text: str, end: int, after: str) -> bool:
    """加强23个传统村落保护建设。/ 创成13个自治区级生态乡镇、473个生态村: a count whose noun
    closes its clause (or list item) is that noun's count, whatever stands before it; a noun
    followed by more words (带动9388人增收3051万元) may be the next figure's subject."""
    rest = text[end:]
    i = rest.find(after)
    return i >= 0 and bool(lexicon.regex("single_noun_end").match(rest[i + len(after) :]))


def _only_a_place(label: str) -> bool:
    """那曲市7个县…: a region before a count is whose, not what."""
    found = catalog.find_regions(label)
    return bool(found) and found[0][0] == 0 and found[-1][1] == len(label)


def _unitless_subject(clause: Clause, lo: int) -> str:
    """The indicator of the clause before, when it stated a number without a unit, or when
    it is an indicator's name alone, the topic of the clause (城乡居民收入比，由2018年的…)."""
    before = clause_before(clause.text, lo)
    before = lexicon.regex("verdict_after_the_indicator").sub("", before)  # …增速由负转正
    digit = next((i for i, c in enumerate(before) if c.isdigit()), None)
    if digit is not None:
        return clean_label(before[:digit])
    topic = clean_label(before)
    return topic if topic == before.strip() and has_head(topic) else ""


@rule("label")
def share_of_what_follows(clause: Clause, fig: Figure) -> Figure:
    """把90%的本级项目资金、80%的援藏资金向深度贫困县乡倾斜 / 95%以上的行政村通了光纤: a
    percent linked by 的 to the noun after it is that noun's share; the words before it
    (把, or 的本级项目资金 of the percent before) name nothing of it."""
    if _settled(fig) or fig.q.unit != PERCENT or fig.measure != "level":
        return fig  # 增长10%左右的预期目标: a growth's 的 leads to its plan, not to a noun
    particle = lexicon.words("label_after_particle")[0]
    own = fig.window.strip("".join(lexicon.words("list_edge_joiners")))
    if clean_label(own) and not own.startswith(particle):
        return fig
    tail = clause.text[fig.q.end :]
    bound = next((w for w in lexicon.words("label_after_qualifier") if tail.startswith(w)), "")
    if not tail.startswith(particle, len(bound)):
        return fig
    noun = label_after(clause.text, fig.q.end + len(bound))
    if len(noun) >= 2 and not lexicon.regex("plan_after_a_figure").search(noun):
        fig.after = fig.label = noun
    return fig


@rule("label")
def subject_of_a_number_without_unit(clause: Clause, fig: Figure) -> Figure:
    """…突破100亿元大关，达到103.2亿元 / 指数为102.1，上涨2.1%: the clause before stated a
    number that is no figure, and named the indicator."""
    if _settled(fig) or fig.label:
        return fig
    own = clause.own
    start = clause_start(clause.text, fig.lo)
    if own and own[-1].q.end >= clause_start(clause.text, max(start - 1, 0)):
        return fig
    fig.label = _unitless_subject(clause, fig.lo)
    return fig


@rule("label")
def growth_rate_of_the_clause_before(clause: Clause, fig: Figure) -> Figure:
    """酒店预订量同比明显上升，增幅达到12.5% / 旅游收入大幅增长，增速达15%: a part that names only
    a rate of growth is the growth of what the part before it names, without its verdict."""
    if _settled(fig) or fig.label or fig.measure != "growth_pct":
        return fig
    if not lexicon.regex("growth_noun_alone").match(fig.window.strip()):
        return fig
    before = clause_before(clause.text, fig.lo)
    if any(c.isdigit() for c in before):
        return fig  # the part before stated its own figure: label_of_the_figure_before
    subject = clean_label(lexicon.regex("verdict_of_a_change").sub("", before))
    if has_head(subject) or lexicon.regex("sector_name").fullmatch(subject):
        fig.label = subject  # 其中交通运输业恢复强劲，增速达14.8%: an industry's growth
    return fig


@rule("label")
def label_of_the_figure_before(clause: Clause, fig: Figure) -> Figure:
    """完成140亿元、增长17.7%: a figure that names nothing is of the indicator before it (the
    last one that is not a pp change or a change); a second count in another unit counts its
    own noun (消除返贫风险218户822人: 人数), in the same unit a part of it (38项…有18项)."""
    previous = _previous(clause)
    if _settled(fig) or fig.label or not previous:
        return fig
    suffix = lexicon.words("change_suffix")[0]
    rated = [
        f
        for f in previous
        if f.measure != "pp_change"
        and "variant" not in f.flags
        and not f.label.endswith(suffix)
        and "plan_share" not in f.flags  # 完成年度预算的52.3%，同比增长6.8%: the revenue's growth
    ]
    prior = (rated or previous)[-1]
    share = lexicon.regex("share_verb").search(fig.window)
    amounts = [f for f in rated if f.measure == "level" and f.q.unit != PERCENT]
    if share and fig.measure == "level" and fig.q.unit == PERCENT and amounts:
        prior = amounts[-1]  # 进出口28亿元，增长11%，占9.5%: the share is the amount's
    fig.label = prior.label
    if not rated and prior.label.endswith(suffix) and len(prior.label) > len(suffix):
        fig.label = prior.label[: -len(suffix)]  # 较上年增产1.2万吨，增长3.1%: the output's growth
    fig.flags.add("borrowed")
    plan = lexicon.regex("annual_plan_amount").search(prior.label)
    at = previous.index(prior)
    if "plan_amount" in prior.flags and plan and fig.q.unit == PERCENT and at > 0:
        # …完成投资120亿元，占年度计划投资150亿元的80%: the share done of the plan
        fig.label = previous[at - 1].label + lexicon.words("share_label_prefix")[0] + plan[0]
        return fig
    two_levels = fig.measure == "level" and prior.measure == "level"
    if two_levels and fig.q.unit == PERCENT and prior.q.unit != PERCENT and share:
        rest = clean_label(share[0])  # 占常住人口的 -> 占常住人口; 占 alone names no whole
        fig.label += rest if len(rest) > 1 else lexicon.words("share_label")[0]
    elif two_levels and fig.q.unit not in (prior.q.unit, PERCENT):
        fig.label += _unit_noun(fig.q.unit)
    elif (
        two_levels
        and fig.q.unit == prior.q.unit
        and prior in clause.own
        and "reached" not in fig.flags
        and any(w in fig.window for w in lexicon.words("part_words"))
    ):
        fig.label += lexicon.words("repeated_label_suffix")[0]
    else:
        fig.flags.add("inherited")
    stretch = lexicon.words("stretch_target")
    if "inherited" in fig.flags and fig.window.strip().endswith(stretch):
        fig.suffix = stretch[0] + fig.suffix  # 增长7%以上，力争8%: the stretch goal
    return fig


@rule("label")
def generic_label_takes_its_noun(clause: Clause, fig: Figure) -> Figure:
    """…等重点项目加快推进，共完成投资130亿元: a generic label (投资, 总量) takes the noun of
    the figure before it, else the subject of the clause before it."""
    if _settled(fig) or "borrowed" in fig.flags:
        return fig
    if fig.label not in lexicon.word_set("generic_labels"):
        return fig
    # 项目464个，较去年同期增加106个，完成投资…: the projects' investment, not their increase's
    named = [f for f in clause.own if f.label and not is_rate(f.q.unit) and "change" not in f.flags]
    counted = lexicon.word_set("establishment_units")
    if clause.topic and not (named and named[-1].q.unit in counted):
        # 茶产业方面，…实现产值…; but 产业方面，…实施援藏项目707个，完成投资44亿元: the
        # projects just counted are nearer than the paragraph's topic
        fig.label = _joined(clause.topic, fig.label)
        return fig
    if named:  # 开复工554个，开工率102.8%，完成投资52.1亿元: a rate owns no investment
        if named[-1].label.endswith(fig.label):
            return fig  # 单日最高销售额86万元，累计销售额230万元: another kind of that amount
        attribute = lexicon.regex("subject_attribute_end").search(named[-1].label)
        if (
            attribute
            and attribute.start() > 0
            and fig.label in lexicon.word_set("subject_attributes")
        ):
            return fig  # 茶叶种植面积…，产值…: the subject's other attribute (below), 茶叶产值
        noun = named[-1].label
        if fig.label in lexicon.word_set("stock_totals"):
            noun = _without_addition(noun)  # 新增市场主体…，总数达到…: the entities that exist
        joined = _joined(noun, fig.label)
        if not code_of(joined, fig.measure, fig.q.unit):
            # 工业总产值达1.27亿元，实现增加值5847万元: 工业增加值, the catalog's, not 工业总产值增加值
            prefix = topic_prefix(noun, fig.label, fig.q.unit)
            joined = prefix + fig.label if prefix else joined
        fig.label = joined
        return fig
    subject = clause_before(clause.text, fig.lo)
    subject = subject.rsplit(lexicon.words("generic_subject_separator")[0], 1)[-1]
    subject = clean_label(unquoted(lexicon.regex("verb_tail").sub("", subject)))
    if subject.endswith(fig.label):
        return fig  # 积极扩大有效投资，力争完成投资…: a policy on that amount names no subject
    if 2 <= len(subject) <= 16:  # “十三五”期间，累计完成投资: a period is no subject
        fig.label = subject + fig.label
    return fig


@rule("label")
def funding_names_what_it_pays_for(clause: Clause, fig: Figure) -> Figure:
    """投入2.04亿元，实施6308户农村危房改造 / 投入6.93亿元，建成56个易地扶贫搬迁集中安置点:
    money named by its verb alone (投入) pays for the work the next clause names, and two such
    amounts in one sentence are two series, not one stated twice."""
    if _settled(fig) or fig.label not in lexicon.word_set("funding_words"):
        return fig
    use = lexicon.regex("funded_work").match(clause.text, fig.q.end)
    if not use:
        return fig
    work = use["work"]
    for n in (3, 2, 1):  # 6308户农村危房改造: the count's unit is no part of the work
        if units.is_count(work[:n]):
            work = work[n:]
            break
    # 建设帕古水库、堆曲灌区工程等水利项目30个: what is paid for is after the examples
    work = clean_label(work.rsplit(lexicon.words("generic_subject_separator")[0], 1)[-1])
    if len(work) >= 2:
        fig.label = work + fig.label
    return fig


def _without_addition(label: str) -> str:
    """新增市场主体 -> 市场主体, 获准使用的企业新增 -> 获准使用的企业: the noun an addition word
    (catalog_flow_only_words) adds to, the word before or after it."""
    for word in sorted(lexicon.words("catalog_flow_only_words"), key=len, reverse=True):
        if len(label) - len(word) < 2:
            continue
        if label.startswith(word):
            return label[len(word) :]
        if label.endswith(word):
            return label[: -len(word)]
    return label


@rule("label")
def running_total_after_an_addition(clause: Clause, fig: Figure) -> Figure:
    """新增4家，累计达到9家: a figure that names nothing but a running total, after an
    addition, is the total of the added noun (…企业累计), not a second value of the addition
    (the warehouse would hold the two as one series stated twice)."""
    if _settled(fig) or "inherited" not in fig.flags:
        return fig
    said = next((w for w in lexicon.words("running_totals") if w in fig.window), None)
    noun = _without_addition(fig.label)
    if said and noun != fig.label:
        fig.label = noun + said
    return fig


@rule("label")
def another_attribute_of_one_subject(clause: Clause, fig: Figure) -> Figure:
    """粮食播种面积280万亩，产量110万吨 / 瓜菜类播种面积增长7.1%，产量增长11.1%: a bare
    attribute after another attribute of a subject is that subject's (粮食产量)."""
    if _settled(fig) or fig.label not in lexicon.word_set("subject_attributes"):
        return fig
    ending = lexicon.regex("subject_attribute_end")
    for prior in reversed(_previous(clause)):
        m = ending.search(prior.label)
        if m and m.start() > 0:
            if m[0] != fig.label:
                fig.label = prior.label[: m.start()] + fig.label
            return fig
    return fig


@rule("label")
def attribute_of_the_counted(clause: Clause, fig: Figure) -> Figure:
    """其中，星级饭店43家，拥有房间3420间，床位数6113张: what a sentence part goes on to state
    after counting establishments is theirs (星级饭店床位数, not every hotel's 床位数), unless
    it names a catalog indicator on its own that the establishments' name would unmake."""
    own = clause.own
    if _settled(fig) or not fig.label or not own or "borrowed" in fig.flags:
        return fig
    head, events = own[0], lexicon.word_set("event_units")
    counted = lexicon.word_set("establishment_units") | events
    if head.q.unit not in counted or not head.label or fig.q.unit in counted or fig.after:
        return fig  # 5个乡、2个镇: counts of other things
    if units.dimension(fig.q.unit) == "money":
        return fig  # 招商引资项目88个，到位资金12.7亿元: money is named on its own (投资: above)
    if sum(f.q.unit in counted for f in own) > 1:
        return fig  # 21个地表水断面和13个…水源地，水质达标率均为100%: whose is the list's
    if head.label in fig.label or fig.label in head.label or catalog.find_regions(fig.label):
        return fig
    joined = head.label + fig.label
    if head.q.unit in events:
        fig.label = joined  # 生产安全事故12起，死亡8人: the accidents' deaths, not the population's
        return fig
    own_code = code_of(fig.label, fig.measure, fig.q.unit)
    head_code = code_of(head.label, head.measure, head.q.unit)
    other_field = bool(own_code and head_code) and category(own_code) != category(head_code)
    if code_of(joined, fig.measure, fig.q.unit) or not own_code or other_field:
        fig.label = joined  # 星级饭店…床位数: a hotel's beds are not the health statistics'
    return fig


def _joined(noun: str, generic: str) -> str:
    """商品房销售 + 销售额 -> 商品房销售额: the generic word joins where they overlap."""
    for k in range(min(len(noun), len(generic)), 0, -1):
        if noun.endswith(generic[:k]):
            return noun + generic[k:]
    return noun + generic


@rule("label")
def urban_rural_breakdown(clause: Clause, fig: Figure) -> Figure:
    """其中城市上涨0.2%，农村上涨0.7%: the breakdown of the indicator stated before."""
    previous = _previous(clause)
    words = lexicon.words("breakdown_by_residence")
    if _settled(fig) or "borrowed" in fig.flags or not previous or fig.label not in words:
        return fig
    prior = previous[-1].label
    for w in words:
        if prior.startswith(w):
            prior = prior[len(w) :]
            break
    fig.label += prior
    return fig


@rule("label")
def share_of_the_figure_before(clause: Clause, fig: Figure) -> Figure:
    """…增加值增长11.6%，占全县…的比重: a share of the indicator just stated."""
    previous = _previous(clause)
    if _settled(fig) or "borrowed" in fig.flags or not previous:
        return fig
    if fig.label.startswith(lexicon.words("share_label_prefix")):
        fig.label = previous[-1].label + fig.label
    elif m := lexicon.regex("plan_share_label").match(fig.label):
        said = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
        particle = len(fig.label) - m.end("plan")  # 完成年度计划的 -> 完成年度计划
        fig.label = previous[-1].label + said[: len(said) - particle]
        fig.flags.add("plan_share")  # not what a growth after it is of (label_of_the_figure_before)
    return fig


@rule("label")
def plan_amount_inside_a_share(clause: Clause, fig: Figure) -> Figure:
    """市管项目开复工…完成投资52.1亿元，占全年计划投资79.6亿元的65.4%: the amount the share is
    of is the subject's plan for the year (市管项目全年计划投资), not a share."""
    m = lexicon.regex("plan_inside_a_share").search(fig.label)
    if _settled(fig) or fig.measure != "level" or fig.q.unit == PERCENT or not m:
        return fig
    fig.label = clean_label(subject_of(fig.label[: m.start()])) + m["plan"]
    fig.flags.add("plan_amount")
    return fig


@rule("label")
def comparison_inside_the_label(clause: Clause, fig: Figure) -> Figure:
    """居民消费价格涨幅比全国低0.8个百分点: the comparator and the rate it compares qualify the
    series (…涨幅比全国); the indicator is 居民消费价格."""
    if _settled(fig) or fig.measure != "pp_change":
        return fig
    m = lexicon.regex("pp_comparator").search(fig.label)
    if not m:
        return fig
    head = fig.label[: m.start()]
    rate = lexicon.regex("rate_word_end").search(head)
    if rate and rate.start() > 0:
        head, fig.suffix = head[: rate.start()], rate[0] + m[0] + fig.suffix
    else:
        fig.suffix = m[0] + fig.suffix
    fig.label = head
    return fig


@rule("label")
def pp_change_of_a_rate(clause: Clause, fig: Figure) -> Figure:
    """…下降8.3%，降幅比1-9月收窄0.4个百分点 / 增长6.5%，高于全国1.5个百分点: a pp change of
    a growth rate is of the indicator before it, its series the rate's (…增速)."""
    previous = [f for f in _previous(clause) if "quoted" not in f.flags]
    if _settled(fig) or fig.measure != "pp_change" or not previous:
        return fig
    suffix = lexicon.words("growth_rate_suffix")[0]
    rated = [f for f in previous if f.measure != "pp_change"] or previous
    growth = rated[-1].measure == "growth_pct"
    if lexicon.regex("rate_words_only").fullmatch(fig.label):
        # 增速高于全国2.4个百分点、高于全省1.1个百分点: both are of the rate, not of each other
        fig.label, fig.suffix = rated[-1].label, suffix + fig.suffix
        fig.flags.add("rate_of_previous")
    elif (compared := lexicon.regex("comparison_only").fullmatch(fig.label)) and growth:
        # 装备制造业增加值增长17.8%，高于规上工业8.6个百分点: the rate against another indicator's
        fig.label, fig.suffix = rated[-1].label, suffix + compared["comparison"] + fig.suffix
        fig.flags.add("rate_of_previous")
    elif fig.flags & {"inherited", "borrowed"} and growth:
        fig.suffix = suffix + fig.suffix
        fig.flags.add("rate_of_previous")
    return fig


@rule("label")
def relation_to_another_indicator(clause: Clause, fig: Figure) -> Figure:
    """…达到56831元，…，由相当于全国人均国内生产总值的57.2%上升到70.2%: the ratio is the
    relation of the indicator before (人均地区生产总值相当于全国人均国内生产总值)."""
    if _settled(fig) or not fig.label:
        return fig
    m = lexicon.regex("relation_to_another").match(fig.label)
    subjects = [f.label for f in _previous(clause) if f.measure == "level" and f.label]
    if m and subjects:
        fig.label = subjects[-1] + m["relation"]
    return fig


@rule("label")
def contribution_of_the_subject_before(clause: Clause, fig: Figure) -> Figure:
    """全州实现工业增加值8.61亿元，…；对全州经济增长的贡献率为41.8%，拉动GDP增长4.7个百分点: a
    contribution to growth with no subject of its own is of the indicator before it."""
    if _settled(fig) or not fig.label:
        return fig
    m = lexicon.regex("contribution_to_growth").match(fig.label)
    if not m or m.end() != len(fig.label):
        return fig
    previous = [f for f in _previous(clause) if f.label and "quoted" not in f.flags]
    if not previous:
        return fig
    subject = subject_of_contribution(previous[-1].label)
    if subject:
        fig.label = subject + fig.label
    return fig


@rule("label")
def share_left_out_of_a_parallel(clause: Clause, fig: Figure) -> Figure:
    """第一产业比重提高0.6个百分点，第二产业提高1.3个百分点: the parallel part leaves out the
    share word, and a pp change is never of an amount (第二产业 alone is its value added)."""
    if _settled(fig) or fig.measure != "pp_change" or not fig.label:
        return fig
    share = lexicon.regex("share_word_end")
    if share.search(fig.label) or lexicon.regex("rate_word_end").search(fig.label):
        return fig
    prior = [f for f in _previous(clause) if f.measure == "pp_change"]
    m = share.search(prior[-1].label) if prior else None
    stem = prior[-1].label[: m.start()] if m else ""
    if m and len(stem) == len(fig.label) and stem[-1] == fig.label[-1]:  # 第一产业/第二产业
        fig.label += m[0]
    return fig


@rule("label")
def pp_change_names_its_comparator(clause: Clause, fig: Figure) -> Figure:
    """高于全国1.5个百分点 / 比上半年提高1.8个百分点: one series per comparator."""
    if _settled(fig) or fig.measure != "pp_change":
        return fig
    found = lexicon.regex("pp_comparator").findall(
        clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    )
    base = found[-1] if found else None  # 高于全国2.4个百分点、高于全省1.1个百分点: its own
    if base and base not in fig.full_label:
        fig.suffix += base
    return fig


@rule("label")
def difference_names_its_comparator(clause: Clause, fig: Figure) -> Figure:
    """城乡居民人均可支配收入分别比全国平均水平高1887元和2267元: the difference from another
    area is the indicator's series …比全国平均水平高 (a pp change's comparator likewise)."""
    if "gap" not in fig.flags:
        return fig
    m = lexicon.regex("absolute_gap").search(predicate(fig).strip())
    if m and m["base"] not in fig.full_label:
        fig.suffix += m["base"] + m["verb"]
    return fig


@rule("label")
def one_number_for_several_indicators(clause: Clause, fig: Figure) -> Figure | list:
    """招商引资到位资金和税收增幅达到30% (one growth for two indicators), 通达率、通畅率达到100%
    (one level for two rates), 第一、第二产业比重各
    提高0.3个百分点 (各: each), 21个地表水断面和13个…水源地，水质达标率均为100% (均: each of
    the things just counted): one figure per indicator. 电力、热力生产和供应业增加值 is one
    industry, not three."""
    if "inherited" in fig.flags or fig.group is not None or not fig.label:
        return fig
    each = bool(lexicon.regex("each_before_number").search(fig.window))
    rate = fig.measure == "level" and fig.q.unit == PERCENT  # 通达率、通畅率达到100%: both
    items = _coordinated_items(fig.label) if (each or rate or fig.measure == "growth_pct") else None
    if items and rate and not each:
        # 通达率、通畅率: each item names its own rate; in 城镇职工…、城镇居民…和新农合参保率 the
        # rate is said once, of the three together: one figure
        ends = lexicon.regex("rate_name_end")
        items = items if all(ends.search(i) for i in split_items(fig.label)) else None
    if items is None and each:
        counted = _counted_just_before(clause)
        items = [c + fig.label for c in counted] if len(counted) > 1 else None
    if not items:
        return fig
    return [
        dataclasses.replace(fig, label=item, flags=set(fig.flags), trace=list(fig.trace))
        for item in items
    ]


def _coordinated_items(label: str) -> list[str] | None:
    """The indicators a coordinated label names, each a name on its own, or None."""
    from zhibiao.transforms.extract.lists import has_head, items_of

    if not lexicon.regex("coordinated").search(label) or catalog.match_indicator(label):
        return None  # 蔬菜及食用菌播种面积: the catalog knows the whole as one indicator
    items = items_of(label)
    if not items or not 2 <= len(items) <= 3 or any(not 2 <= len(i) <= 14 for i in items):
        return None
    if not all(catalog.match_indicator(i) or has_head(i) for i in items):
        return None
    return items


def _counted_just_before(clause: Clause) -> list[str]:
    """The nouns of the counts that end this part so far (21个地表水断面和13个…水源地)."""
    nouns = []
    for f in reversed(clause.own):
        if not f.after or f.label != f.after:
            break
        nouns.append(f.after)
    return nouns[::-1]


# ---- Series: words elsewhere in the clause that make the figure another series -----------


@rule("label")
def zone_keeps_its_own_series(clause: Clause, fig: Figure) -> Figure:
    """力争经开区地区生产总值…，工业总产值增幅达到25%以上: the zone's output, not the region's."""
    zone = lexicon.regex("zone")
    counted = {q.end for q in clause.quantities}
    zones = [z for z in zone.finditer(clause.text, 0, fig.q.start) if z.start() not in counted]
    if not zones or not fig.label or zone.search(fig.label):
        return fig
    fig.label = zones[-1].group(0) + fig.label
    return fig


@rule("label")
def month_on_month_growth(clause: Clause, fig: Figure) -> Figure:
    """同比增长13.2%，环比增长3.5%: month-on-month growth is its own series (…环比)."""
    suffix = lexicon.words("sequential_suffix")[0]
    if fig.measure != "growth_pct" or not fig.label or suffix in fig.full_label:
        return fig
    window = clause.text[max(0, fig.q.start - 8) : fig.q.start]
    cut = max(window.rfind(w) for w in lexicon.words("sequential_cut"))
    if lexicon.regex("sequential").search(window[cut + 1 :]):
        fig.suffix += suffix
    elif _breakdown_of_sequential(clause, fig, suffix):
        fig.suffix += suffix
        fig.flags.add("sequential_breakdown")
    elif clause.sequential and not lexicon.regex("year_on_year").search(window):
        fig.suffix += suffix  # …价格环比四涨二降一平。交通和通信…价格分别上涨0.6%
    return fig


def _breakdown_of_sequential(clause: Clause, fig: Figure, suffix: str) -> bool:
    """居民消费价格环比下降0.1%，其中食品价格上涨0.2%、非食品价格下降0.2%: the breakdown of a
    month-on-month change (each item after 其中) is month-on-month too, unless it says 同比."""
    prior = next((f for f in reversed(clause.own) if f.measure == "growth_pct"), None)
    if prior is None or suffix not in prior.suffix:
        return False
    between = clause.text[prior.q.end : fig.q.start]
    opened = "sequential_breakdown" in prior.flags
    opened = opened or any(w in between for w in lexicon.words("breakdown_opening"))
    return opened and not lexicon.regex("year_on_year").search(between)


@rule("label")
def real_growth_of_a_nominal_indicator(clause: Clause, fig: Figure) -> Figure:
    """…增长6.3%，扣除价格因素，实际增长6.1%: the growth after prices is its own series (…实际)
    unless the catalog states the indicator's growth in real terms already (GDP, value
    added: 实际增长 is their only growth)."""
    suffix = lexicon.words("real_growth_suffix")[0]
    if fig.measure != "growth_pct" or not fig.label or suffix in fig.full_label:
        return fig
    window = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    if lexicon.regex("real_growth").search(window) and growth_basis(fig) != "real":
        fig.suffix += suffix
    return fig


@rule("label")
def average_of_the_last_years(clause: Clause, fig: Figure) -> Figure:
    """增长4.5%，两年平均增长4.5%: the average over the last years is named so, beside the
    year's own growth of the same indicator (as labellers write it: 第一产业增加值两年平均增长)."""
    if fig.measure != "growth_pct":
        return fig
    start = clause_start(clause.text, fig.q.start)
    m = lexicon.regex("period_years_average").search(clause.text, start, fig.q.start)
    if m and m[0] not in fig.full_label:
        fig.suffix += m[0]
    return fig


@rule("label")
def average_over_years(clause: Clause, fig: Figure) -> Figure:
    """地区生产总值年均增长8%: an average annual growth. Over a span the period says so
    (“十四五”以来…, 与2020年相比…, a heading 五年工作回顾 above it); without one the series
    is the indicator's 年均."""
    average = lexicon.words("span_average")[0]
    if "average" not in fig.flags or average in fig.full_label or clause.sentence.since:
        return fig
    before = clause.text[: fig.q.start]
    spans = [p for p in clause.periods if p.end <= fig.q.start and p.first_year or p.years > 1]
    if not spans and not lexicon.regex("base_year").search(before):
        fig.suffix = average + fig.suffix
    return fig


@rule("label")
def growth_on_another_base_year(clause: Clause, fig: Figure) -> Figure:
    """比2020年增长32.1%: growth over another base than the year before is another series."""
    if fig.measure not in ("growth_pct", "pp_change", "multiple"):
        return fig
    window = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    m = lexicon.regex("base_year").search(window)
    year = clause.sentence.year
    base = int(m[1] or m[2]) if m else None
    if not m or (year and base == year - 1):
        return fig
    if lexicon.words("span_average")[0] in window:
        return fig  # 与2020年相比…年均增长: an average over the span, the period says so
    named = lexicon.template("base_year_label").format(year=base)
    if named not in fig.full_label:
        fig.suffix += named
    return fig


@rule("label")
def holiday_keeps_its_own_series(clause: Clause, fig: Figure) -> Figure:
    """国庆黄金周期间全市接待游客56.3万人次: a holiday's figure is not the year's."""
    scope = clause.sentence.earlier + clause.text[: fig.q.start]
    holidays = list(lexicon.regex("holiday").finditer(scope))
    if not holidays or not fig.label:
        return fig
    name = "".join(c for c in holidays[-1][1] if c not in lexicon.words("quote_marks"))
    if not lexicon.regex("holiday_period_words").search(name):
        return fig  # 国庆 or 桃花节 alone name a thing, not a time
    shorter = lexicon.regex("holiday_during").sub("", name)  # 国庆黄金周期间 -> 国庆黄金周
    name = shorter if lexicon.regex("holiday_period_words").search(shorter) else name
    if name in fig.full_label:
        return fig
    if lexicon.regex("holiday_cause").search(scope[: holidays[-1].start()]):
        return fig  # 受桃花节假期带动: a cause, not the time of the figure
    fig.prefix = name + fig.prefix
    return fig


@rule("label")
def region_is_its_own_column(clause: Clause, fig: Figure) -> Figure:
    """西藏全区农村居民人均可支配收入 -> 农村居民人均可支配收入: the region is a column of its
    own (林芝市巴宜区全年实现… loses the whole path)."""
    from zhibiao.transforms.extract.region import is_source

    rest = _without_the_documents_region(fig.label, clause.document.region)
    while rest:
        found = catalog.find_regions(rest[:8])
        if not found or found[0][0] != 0 or len(rest) - found[0][1] < 2:
            place = lexicon.regex("sub_county_place").match(rest)
            if place and len(rest) - place.end() > 2:
                rest = rest[place.end() :]  # 鲁朗镇接待游客: the township is the region
            # 珠峰景区收入: a bare 收入 would name nothing, the place stays in the label
            break
        if is_source(rest, found[0]):
            break  # 米林机场旅客吞吐量: a place's name, not the region
        rest = lexicon.regex("whole_area_prefix").sub("", rest[found[0][1] :])
        joined = lexicon.regex("list_region_joiners").match(rest)  # 墨脱县、察隅县共完成投资
        if joined and catalog.find_regions(rest[joined.end() : joined.end() + 8]):
            rest = rest[joined.end() :]
    if rest != fig.label:
        fig.label = clean_label(rest) or fig.label
    return fig


def _without_the_documents_region(label: str, region: str) -> str:
    """湛江市外贸进出口总值 in a release of 湛江市: the document's own region opens the label
    even where the gazetteer does not hold it (it is the region column already)."""
    name = region or ""
    if len(name) > 2 and label.startswith(name) and len(label) - len(name) > 2:
        return label[len(name) :]
    return label


@rule("label")
def verdict_before_the_indicator(clause: Clause, fig: Figure) -> Figure:
    """上半年西藏经济企稳回升地区生产总值同比增长4.8%: a verdict on the economy run into the
    indicator's name without a comma is no part of it; the name starts after the verdict
    when what follows is an indicator of the catalog and the whole is not."""
    if _settled(fig) or not fig.label or catalog.match_indicator(fig.label):
        return fig
    verdicts = list(lexicon.regex("economy_verdict").finditer(fig.label[:-2]))
    rest = fig.label[verdicts[-1].end() :] if verdicts else ""
    if rest and catalog.match_indicator(rest, fig.q.unit):
        fig.label = rest
    return fig


@rule("label")
def index_base_is_no_part_of_the_name(clause: Clause, fig: Figure) -> Figure:
    """居民消费价格指数（上年同期=100）: the base note goes, the index is a change."""
    if "index_base_100" in fig.flags:
        fig.label = lexicon.regex("index_base_note").sub("", fig.label)
    return fig


@rule("label")
def share_left_open_takes_its_noun(clause: Clause, fig: Figure) -> Figure:
    """第一产业增加值占地区生产总值的3.0% / 第三产业增加值占36.8%: a percent whose label ends on
    占 (and the whole) is the indicator's share: …占地区生产总值的比重, …占比."""
    if fig.measure != "level" or fig.q.unit != PERCENT:
        return fig
    share = lexicon.regex("share_left_open").search(fig.label)
    if not share or share.start() == 0:
        return fig
    if share["whole"]:
        fig.label = fig.label + lexicon.words("share_noun")[0]
    else:
        fig.label = fig.label[: share.start()] + lexicon.words("share_label")[0]
    return fig


def _last_level(previous: list[Figure]) -> Figure:
    return next((p for p in reversed(previous) if p.measure == "level"), previous[-1])


@rule("label")
def subject_of_the_figure_before(clause: Clause, fig: Figure) -> Figure:
    """规上工业企业实现营业收入180.5亿元…；实现利润总额25.6亿元: a name that is no indicator
    alone is said of the subject of the figure before it, when that makes it one (规上工业企业
    利润总额); a part in the whole's unit is measured as the whole is (民用汽车保有量…，其中私人
    汽车10.2万辆: 私人汽车保有量). Only the catalog decides: an unknown name keeps what it says,
    and a part without a figure between them names a subject of its own."""
    previous = _previous(clause)
    if _settled(fig) or not fig.label or not previous or "borrowed" in fig.flags:
        return fig
    prior = previous[-1].label
    if not prior or prior == fig.label:
        return fig
    before = clause_before(clause.text, fig.lo)
    if before in lexicon.word_set("breakdown_opening"):
        before = ""  # …总收入637.58亿元，其中：当年收入…: 其中 names no subject
    if before and not any(ch.isdigit() for ch in before):
        return fig  # 其他营利性服务业延续…，实现营业收入…: that part names the subject
    own = code_of(fig.label, fig.measure, fig.q.unit)
    if own:  # 农村居民人均可支配收入…；人均消费支出…: the group named once
        groups = lexicon.words("residence_subjects")
        group = next((g for g in groups if prior.startswith(g)), None)
        if group and not fig.label.startswith(groups):
            if code_of(group + fig.label, fig.measure, fig.q.unit) not in (None, own):
                fig.label = group + fig.label
        return fig
    prefix = topic_prefix(prior, fig.label, fig.q.unit)
    if prefix:
        fig.label = prefix + fig.label
    elif units.dimension(_last_level(previous).q.unit) == units.dimension(fig.q.unit):
        # 其中私人汽车…辆; （牛17.62万头，同比增长5.57%；马0.11万匹…: the last amount's unit
        fig.label += attribute_suffix(prior, fig.label, fig.q.unit)
    return fig


@rule("label")
def parts_of_the_registered_population(clause: Clause, fig: Figure) -> Figure:
    """年末全县户籍人口为112635人。其中，城镇人口54715人，…男性人口57753人: the parts of the
    registered population are registered too, not the resident population's (城镇人口 alone
    is the resident one's); the last population total stated in the paragraph decides."""
    parts = lexicon.regex("population_part")
    if fig.measure != "level" or not parts.fullmatch(fig.label):
        return fig
    register = lexicon.words("registered_population_word")[0]
    totals = [
        f
        for f in (*clause.memory, *clause.own)
        if f.measure == "level" and f.q.unit == fig.q.unit and not parts.fullmatch(f.label)
    ]
    whole = lexicon.regex("population_total")
    last = next((f for f in reversed(totals) if whole.search(f.label)), None)
    if last is not None and register in last.label:
        fig.label = register + fig.label
    return fig
