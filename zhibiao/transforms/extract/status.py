"""Stage 6, status: actual, preliminary, estimate or target.

The plan part of a work report and 力争/确保/目标 make targets; 预计 makes estimates to the end
of its sentence; 初步核算 makes its sentence and the breakdown after it preliminary; the rest
is actual. A period after the document's year is a plan; a period before the sentence's year,
in a 预计 sentence, is already known.
"""

from __future__ import annotations

from zhibiao.transforms import lexicon
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import clause_start


@rule("status")
def plan_part_is_target(clause: Clause, fig: Figure) -> Figure:
    """2024年工作安排 …: every figure of a work report's plan part is a target."""
    return fig.set(status="target") if clause.sentence.mode == "plan" else fig


@rule("status")
def plan_told_after_its_targets(clause: Clause, fig: Figure) -> Figure:
    """今年经济社会发展的主要预期目标是：…。 / 建成6个公交场站: in a story of a work report, the
    tasks told after the year's targets are the plan, of that year or later; a year before it
    (过去一年，…) is still told as done."""
    year, doc_year = fig.year, clause.document.year
    if clause.sentence.mode != "declared_plan" or not (year and doc_year and year >= doc_year):
        return fig
    return fig.set(status="target")


@rule("status")
def progress_against_a_plan(clause: Clause, fig: Figure) -> Figure:
    """…完成投资161亿元，占年度目标任务185亿元的87%: the plan's own amount is the target; the
    share of it done is no target, whatever plan words it names (target_words_before)."""
    before = clause.text[: fig.q.start]
    if lexicon.regex("share_of_a_plan").search(before):
        return fig  # what was done: actual, or an estimate where 预计 governs
    if fig.measure == "level" and lexicon.regex("annual_plan_amount").search(before):
        return fig.set(status="target")
    return fig


@rule("status")
def target_quoted_after_the_figure(clause: Clause, fig: Figure) -> Figure:
    """…完成年初确定的增长10%左右的预期目标: the figure the target quote ends with."""
    if "ratio_part" in fig.flags:
        return fig
    return (
        fig.set(status="target")
        if lexicon.regex("quoted_target_after").match(clause.text[fig.q.end :])
        else fig
    )


@rule("status")
def target_words_before(clause: Clause, fig: Figure) -> Figure:
    """主要预期目标是：…, 力争…, 确保…: a governing target word before the figure in its
    sentence, or a target word in its own part."""
    before = clause.sentence.earlier + clause.text[: fig.q.start]
    part = lexicon.regex("not_target_words").sub("", clause.text[: fig.q.start])
    part = lexicon.regex("share_of_a_plan").sub("", part)
    if lexicon.regex("governing_target").search(before) or any(
        w in part for w in lexicon.words("target_words")
    ):
        return fig.set(status="target")
    return fig


@rule("status")
def estimate_words_before(clause: Clause, fig: Figure) -> Figure:
    """预计全年地区生产总值增长10%；…: 预计 opening the sentence governs the rest of it, across
    ；; 预计 after a subject (…生产总值预计完成36.3亿元；城乡居民收入…) only its own ；-part."""
    before = clause.sentence.earlier + clause.text[: fig.q.start]
    if not lexicon.regex("estimate_governing").match(before):
        before = clause.text[: fig.q.start]  # the ；-part
    own = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    sentence_wide = any(w in before for w in lexicon.words("estimate_words"))
    if not sentence_wide and not any(w in own for w in lexicon.words("estimate_clause_words")):
        return fig
    year, sentence_year = fig.year, clause.sentence.year
    if year and sentence_year and year < sentence_year:
        return fig.set(status="actual")  # …由上年的2.40缩小到2.33 in a 预计 sentence: known
    return fig.set(status="estimate")


@rule("status")
def breakdown_of_an_estimate(clause: Clause, fig: Figure) -> Figure:
    """预计实现地区生产总值16.68亿元，同比增长17%。其中第一产业实现增加值0.95亿元: the sentence
    after an estimate that opens with 其中 parts out the estimated whole: an estimate too."""
    opening = clause.sentence.earlier or clause.text
    if not clause.memory or not opening.startswith(lexicon.words("breakdown_opening")):
        return fig
    whole = clause.memory[-1]
    if whole.status == "estimate" and whole.period == fig.period:
        return fig.set(status="estimate")
    return fig


@rule("status")
def preliminary_accounting(clause: Clause, fig: Figure) -> Figure:
    """初步核算，全年地区生产总值…；分产业看，第一产业增加值…: preliminary, with the rest of
    its paragraph and the national-accounts figures of the paragraphs after it. A year
    before the one in force (经济结构由上年的18.5:19.3:62.2转变为…) was verified since: actual."""
    earlier = fig.period_type != "span" and fig.year and clause.sentence.year
    if earlier and fig.year < clause.sentence.year:
        return fig
    if clause.preliminary:
        return fig.set(status="preliminary")
    if clause.accounts_preliminary and _national_accounts(fig):
        return fig.set(status="preliminary")
    return fig


def _national_accounts(fig: Figure) -> bool:
    from zhibiao.transforms.extract.code import indicator_category

    return indicator_category(fig) in lexicon.word_set("preliminary_categories")


@rule("status")
def future_year_is_target(clause: Clause, fig: Figure) -> Figure:
    """2025年…新建高标准农田2.5万亩 in a 2024 release is a plan; 今年以来 or 如今 in a story of
    the 2024 season published in 2025 is the time of writing, a plan only where the sentence
    speaks in the future (今年…将…达到3.5%)."""
    year, doc_year = fig.year, clause.document.year
    if not (year and doc_year and year > doc_year):
        return fig
    before = clause.sentence.earlier + clause.text[: fig.q.start]
    if "now" in fig.flags and not lexicon.regex("future_modal").search(before):
        return fig
    return fig.set(status="target")


@rule("status")
def otherwise_actual(clause: Clause, fig: Figure) -> Figure:
    """A figure stated as it is."""
    return fig.set(status="actual")
