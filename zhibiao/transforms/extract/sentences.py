"""Split a document into sentences that carry their context: heading, year, review or plan.

Official documents state the year and the mood once, in a heading ("2023年工作回顾",
"2024年工作安排", "2024年1-6月主要经济指标"), and every sentence below inherits them; a
leading adverbial ("前三季度，…") holds for the rest of its paragraph.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import cn2an

from zhibiao.transforms import lexicon
from zhibiao.transforms.extract.figure import Sentence
from zhibiao.transforms.extract.period_phrases import find_periods, setting_periods

_HEADING_MAX = 40


# Parts of a year that, opening a paragraph of an undated release, hold for the paragraphs
# after it.
_CARRIED_PARTS = ("ytd", "half", "quarter")
_MONTH = "month"


@dataclass
class _Context:
    year: int | None
    suffix: str = ""
    period_type: str = "year"
    mode: str = "release"
    heading: str | None = None
    now: bool = False  # the year in force is the time of writing (截至目前, 如今)
    since: int | None = None  # a heading reviews the years from this one (“十二五”时期工作回顾)


def is_heading(line: str) -> bool:
    """A short line without sentence punctuation is a heading (titles, 一、…, （一）…)."""
    line = line.strip()
    if not line or len(line) > _HEADING_MAX:
        return False
    return not lexicon.regex("heading_stop").search(line) or bool(
        lexicon.regex("numbered_heading").match(line) and len(line) < 30
    )


_HEADLINE_MAX = 64


def is_headline(line: str) -> bool:
    """Whether the first line of a text is its title: a heading, or a news story's headline,
    longer than a heading and exclaiming (GDP同比增长7.6%　位列全省第二位！甘孜州前三季度主要
    经济指标…); either names the period and the year the text reports."""
    line = line.strip()
    short = len(line) <= _HEADLINE_MAX and not lexicon.regex("heading_stop").search(line)
    return is_heading(line) or short or lexicon.regex("kicker_end").search(line) is not None


def is_breadcrumb(line: str) -> bool:
    """A navigation path (首页 > 新闻 > 本地) above the headline: the title comes after it."""
    return lexicon.regex("breadcrumb_line").match(line.strip()) is not None


def _has(line: str, name: str) -> bool:
    return any(w in line for w in lexicon.words(name))


def _apply_heading(
    ctx: _Context,
    line: str,
    report_year: int | None,
    title: bool,
    published: int | None,
    doc_year: int | None = None,
) -> None:
    """A heading sets the year, sub-period and mood below it. The document's title sets no
    mood: a headline such as …明确2025年主要预期目标 tells the story, not a plan part."""
    ctx.heading = line.strip()
    if (
        lexicon.regex("full_date").search(line)
        or lexicon.regex("date_only_line").match(line.strip())
        or (lexicon.regex("date_line_words").search(line) and not _has(line, "title_words"))
    ):
        return  # a date under a title dates the release, not the period
    periods = setting_periods(line)
    resolved = [p.resolve(ctx.year, published, bool(report_year), doc_year) for p in periods]
    years = [r[0] for r in resolved if r[0]]
    if years:
        ctx.year, ctx.now = years[0], False
    elif report_year and _has(line, "review_headings"):
        ctx.year = report_year - 1  # 过去一年工作回顾 in the 2024 report reviews 2023
    elif report_year and _has(line, "plan_headings"):
        ctx.year = report_year
    subs = [p for p in periods if p.suffix]
    if subs:
        ctx.suffix, ctx.period_type = subs[0].suffix, subs[0].period_type
    elif years:
        ctx.suffix, ctx.period_type = "", "year"
    if title:
        return
    ctx.since = _reviewed_span(resolved, line, report_year)
    if _has(line, "review_headings"):
        ctx.mode = "review"  # 2023年重点工作完成情况 reviews, though it names 重点工作
    elif _has(line, "plan_headings"):
        ctx.mode = "plan"
    elif report_year and years and lexicon.regex("heading_plan_or_review").search(line):
        ctx.mode = "plan" if years[0] >= report_year else "review"


def _reviewed_span(resolved: list[tuple], line: str, report_year: int | None) -> int | None:
    """“十二五”时期工作回顾, 过去五年工作回顾, 五年工作回顾 (in a work report): the first year
    of the span a heading reviews (from its resolved period phrases), whose totals its
    sections count."""
    for last, _, _, first in resolved:
        if first is not None and last is not None and first < last:
            return first
    m = lexicon.regex("review_span_heading").search(line)
    if m and report_year:
        return report_year - int(cn2an.cn2an(m["n"], "smart"))
    return None


def iter_sentences(
    text: str, *, year: int | None = None, work_report: bool = False, published: int | None = None
) -> Iterator[Sentence]:
    """Sentences in order; `year` is the document's reference year when headings give none.

    In a work report `year` is the year of the report: its review part states the year
    before, its plan part the year itself, whatever the headings spell out. Elsewhere a year
    that opens a paragraph (报告显示，2024年…; 过去一年，…) holds until another one does: a
    story of the past year tells it over several paragraphs. `published` is the year of
    writing, which 今年/去年/过去五年 count from.
    """
    report_year = year if work_report else None
    ctx = _Context(year=year)
    if not work_report:
        ctx.suffix, ctx.period_type = _part_of_the_year_told(text, year)
    index = 0
    in_notes = False
    titled = False
    in_lead = True  # no paragraph with a number yet
    notes, item = lexicon.regex("notes_heading"), lexicon.regex("note_item")
    since = looking_back(text, published or year) or _term_reviewed(text, year)
    retrospective = since is not None
    for para_no, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        in_notes = notes.match(line) is not None or (in_notes and item.match(line) is not None)
        if in_notes or (not titled and is_breadcrumb(line)):
            continue
        if lexicon.regex("chart_caption").match(line):
            continue  # 图1　…: neither a heading nor a sentence
        if is_heading(line) or (not titled and is_headline(line)):
            _apply_heading(ctx, line, report_year, not titled, published, year)
        titled = True
        para = dataclasses.replace(ctx)
        opening = True
        dated = False
        for full in lexicon.regex("full_sentence_end").split(line):
            earlier = ""
            for part in lexicon.regex("sentence_end").split(full):
                part = part.strip()
                if not part:
                    continue
                leading = _leading_period(para, part, published, work_report, year)
                dated = dated or leading
                carries = not work_report and not retrospective
                if leading and opening and carries and re.search(r"\d", line):
                    ctx.year, ctx.now = para.year, para.now  # holds for the paragraphs after
                    month = para.period_type == _MONTH and in_lead
                    if not ctx.suffix and (para.period_type in _CARRIED_PARTS or month):
                        # 前三季度，… opens a release that no title dates: 分行业看，… below
                        # it is 前三季度's too. A month is only its paragraph's (12月份，居民
                        # 消费价格… in a bulletin), unless it opens the lead of a release no
                        # title dates (…发布，8月份我市居民消费价格…): a monthly release's.
                        ctx.suffix, ctx.period_type = para.suffix, para.period_type
                opening = False
                yield Sentence(part, index, para_no, ctx.heading, para.year, para.suffix,
                               para.period_type, ctx.mode, full.strip(), earlier,
                               para.now, None if dated else (since or para.since))  # fmt: skip
                earlier += part
                index += 1
        in_lead = in_lead and not re.search(r"\d", line)
        if ctx.mode == "release" and lexicon.regex("plan_declaration").search(line):
            ctx.mode = "declared_plan"  # the paragraphs after it tell the plan (status.py)


def looking_back(text: str, now: int | None) -> int | None:
    """西藏和平解放70年来林芝市…发展成就: a story of decades (its title or lead looks back N
    years) tells each field's achievements in a paragraph of its own; a year one paragraph
    names is that paragraph's, the others state things as they are now, and what they count
    was done over the decades. The year the story looks back to, or None."""
    lead = [line for line in text.split("\n")[:8] if line.strip()][:3]
    for line in lead:
        m = lexicon.regex("retrospective_lead").search(line)
        if m and now and (m["since"] or is_heading(line)):
            return now - int(cn2an.cn2an(m["n"], "smart"))
    return None


def _term_reviewed(text: str, year: int | None) -> int | None:
    """“‘十三五’时期，林芝市坚持…”: a story that opens on a plan's term, told once the term is
    over (the year in force is its last), looks back on it as a heading 五年工作回顾 does: its
    totals, averages and deeds are over the term. The term's first year, or None."""
    lead = next(iter(_lead_lines(text, 1)), "")
    found = find_periods(lead[:_TERM_LEAD])
    if not found or year is None or found[0].start > _TERM_LEAD // 4:
        return None
    last, _, period_type, first = found[0].resolve(year, None, False, year)
    closed = period_type == "span" and first is not None and last == year
    return first if closed and last - first == _TERM_YEARS - 1 else None


_TERM_LEAD = 12  # the term opens the story: “‘十三五’时期， is 10 characters
_TERM_YEARS = 5  # a five-year plan


def _part_of_the_year_told(text: str, year: int | None) -> tuple[str, str]:
    """实现地区生产总值744.94亿元 (a sub-headline, the headline lost) …初步统计，前三季度蔬菜产量
    增长4.5%…: a release whose first line names no period, and whose first period phrase is a
    part of the year to date (前三季度, 上半年, 1-5月, 一季度) of the year in force, tells that
    part; its undated figures are not the whole year's. ("", "year") otherwise."""
    lines = _lead_lines(text, _TOLD_PART_LINES)
    if not lines or setting_periods(lines[0]):
        return "", "year"
    for line in lines[1:]:
        found = setting_periods(line)
        if found:
            first = found[0]
            dated = first.year is None or first.year == year
            if first.period_type in _CARRIED_PARTS and first.shift is None and dated:
                return first.suffix, first.period_type
            return "", "year"
    return "", "year"


_TOLD_PART_LINES = 4  # the headline and the paragraphs of the lead


def _lead_lines(text: str, n: int) -> list[str]:
    """The first n non-empty lines: the headline and the lead the two readers above ask."""
    return list(islice((line.strip() for line in text.split("\n") if line.strip()), n))


def _figure_before(sentence: str, at: int) -> bool:
    """A number stated before `at`, other than a date or a year."""
    head = lexicon.regex("full_date").sub("", sentence[:at])
    return lexicon.regex("figure_before_a_period").search(head) is not None


def _leading_period(
    para: _Context, sentence: str, published: int | None, report: bool, doc_year: int | None
) -> bool:
    """ "前三季度，…" / "6月份，…" opens a sentence and holds for the rest of its paragraph;
    True when it named a year."""
    periods = setting_periods(sentence)
    if not periods:
        return False
    first = periods[0]
    if sentence.startswith(lexicon.words("breakdown_opening")):
        return False  # 其中，三季度增长5.6%: a breakdown of its own clause, not the paragraph's
    digit = re.search(r"\d", sentence[first.end :])
    said = lexicon.regex("attribution_lead").match(sentence)  # 他表示，70年来，…
    start = first.start - (said.end() if said and said.end() <= first.start else 0)
    at_clause_start = start <= 3 or lexicon.regex("clause_break").match(sentence[first.start - 1])
    if not at_clause_start or (start > 3 and digit is None):
        return False
    if _figure_before(sentence, first.start):
        return False  # 项目24个，…，1-5月份累计…: the phrase speaks for what follows it only
    year, suffix, period_type, _ = first.resolve(para.year, published, report, doc_year)
    if year:
        para.year, para.now = year, first.shift == 0 and first.years == 1
    if first.present and para.suffix:
        return bool(year)  # 一季度，…。目前…: the part of the year told stays in force
    if period_type != "span" and (suffix or first.year or first.shift is not None):
        para.suffix, para.period_type = suffix, period_type
    return bool(year)
