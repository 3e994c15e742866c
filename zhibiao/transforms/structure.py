"""Split a document into sentences that carry their context: heading, year, review or plan.

Official documents state the year and the mood once, in a heading ("2023年工作回顾",
"2024年工作安排", "2024年1-6月主要经济指标"), and every sentence below inherits them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from zhibiao.transforms.periods import find_periods

# Headings that open a part stating plans (figures there are targets) or a review.
PLAN_HEADINGS = (
    "工作安排",
    "工作任务",
    "主要任务",
    "目标任务",
    "预期目标",
    "工作部署",
    "总体要求",
    "工作思路",
    "工作打算",
    "主要目标",
    "重点工作",
    "目标和任务",
)
REVIEW_HEADINGS = (
    "回顾",
    "工作总结",
    "主要成绩",
    "过去一年",
    "过去五年",
    "发展成就",
    "完成情况",
    "执行情况",
)
_NOTES = re.compile(r"^(?:注|附注|说明|备注|资料来源)\s*[：:]")
_NOTE_ITEM = re.compile(r"^\d{1,2}[.．、]\D")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_FULL_END = re.compile(r"(?<=[。！？!?])")
_HEADING_MAX = 40


@dataclass(frozen=True)
class Sentence:
    """One sentence with the context it inherits from the document."""

    text: str  # the clause group read for figures (a sentence or one of its ；-parts)
    index: int
    paragraph: int
    heading: str | None  # the nearest heading above
    year: int | None  # year in force: heading year, else document year
    suffix: str  # sub-year period in force from a heading ("M01-M06") or ""
    period_type: str
    mode: str  # review, plan or release
    full: str = ""  # the whole sentence up to 。！？: the evidence a person reads


@dataclass
class _Context:
    year: int | None
    suffix: str = ""
    period_type: str = "year"
    mode: str = "release"
    heading: str | None = None


def is_heading(line: str) -> bool:
    """A short line without sentence punctuation is a heading (titles, 一、…, （一）…)."""
    line = line.strip()
    if not line or len(line) > _HEADING_MAX:
        return False
    return (
        not re.search(r"[。；！？!?;]$", line)
        or bool(re.match(r"^[（(][一二三四五六七八九十]+[）)]", line))
        and len(line) < 30
    )


def _apply_heading(ctx: _Context, line: str, report_year: int | None) -> None:
    ctx.heading = line.strip()
    if (
        _FULL_DATE.search(line)
        or _DATE_ONLY.match(line.strip())
        or (_DATE_LINE.search(line) and not any(w in line for w in _TITLE_WORDS))
    ):
        return  # 2024年3月28日 / （2025年4月） under a title dates the release, not the period
    periods = find_periods(line)
    years = [p.year for p in periods if p.year]
    if years:
        ctx.year = years[0]
    elif report_year and any(w in line for w in REVIEW_HEADINGS):
        ctx.year = report_year - 1  # 过去一年工作回顾 in the 2024 report reviews 2023
    elif report_year and any(w in line for w in PLAN_HEADINGS):
        ctx.year = report_year
    subs = [p for p in periods if p.suffix]
    if subs:
        ctx.suffix, ctx.period_type = subs[0].suffix, subs[0].period_type
    elif years:
        ctx.suffix, ctx.period_type = "", "year"
    if any(w in line for w in REVIEW_HEADINGS):
        ctx.mode = "review"  # 2023年重点工作完成情况 reviews, though it names 重点工作
    elif any(w in line for w in PLAN_HEADINGS):
        ctx.mode = "plan"
    elif report_year and years and re.search(r"工作|目标|任务|安排", line):
        # 全力做好2025年政府工作: in a work report the heading's year decides the mood
        ctx.mode = "plan" if years[0] >= report_year else "review"


def iter_sentences(
    text: str, *, year: int | None = None, work_report: bool = False
) -> Iterator[Sentence]:
    """Sentences in order; `year` is the document's reference year when headings give none.

    In a work report `year` is the year of the report: its review part states the year
    before, its plan part the year itself, whatever the headings spell out.
    """
    report_year = year if work_report else None
    ctx = _Context(year=year)
    index = 0
    in_notes = False
    for para_no, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line:
            continue
        in_notes = _NOTES.match(line) is not None or (in_notes and _NOTE_ITEM.match(line))
        if in_notes:
            continue  # 注：/附注： define terms and thresholds; they state no figures
        if is_heading(line):
            _apply_heading(ctx, line, report_year)
        para = _Context(ctx.year, ctx.suffix, ctx.period_type, ctx.mode, ctx.heading)
        for full in _FULL_END.split(line):
            for part in _SENTENCE_END.split(full):
                part = part.strip()
                if not part:
                    continue
                _leading_period(para, part)
                yield Sentence(
                    part,
                    index,
                    para_no,
                    ctx.heading,
                    para.year,
                    para.suffix,
                    para.period_type,
                    ctx.mode,
                    full.strip(),
                )
                index += 1


_TITLE_WORDS = ("公报", "经济运行", "政府工作报告", "主要经济指标", "统计", "经济", "情况")
# A line that is only a date, or a publisher and a date: 2025年4月, （2025年3月）, 西藏自治区统计局 2025年3月
_DATE_ONLY = re.compile(
    r"^[（(]?(?:[\u4e00-\u9fff]{0,20}(?:统计局|调查总?队|人民政府|办公室)\s*)?"
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?[）)]?$"
)
_FULL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_DATE_LINE = re.compile(r"\d{1,2}月\d{1,2}日|发布|来源|时间")


def _leading_period(para: _Context, sentence: str) -> None:
    """ "前三季度，…" / "6月份，…" opens a sentence and holds for the rest of its paragraph."""
    periods = find_periods(sentence)
    if not periods:
        return
    first = periods[0]
    if sentence.startswith("其中"):
        return  # 其中，三季度增长5.6%: a breakdown of its own clause, not the paragraph's period
    digit = re.search(r"\d", sentence[first.end :])
    at_clause_start = first.start <= 3 or sentence[first.start - 1] in "，,："
    if not at_clause_start or (first.start > 3 and digit is None):
        return
    if first.year:
        para.year = first.year
    para.suffix, para.period_type = first.suffix, first.period_type


def document_year(text: str) -> int | None:
    """The reference year of a document from its title, not from its date line."""
    lines = [ln for ln in text.split("\n")[:10] if ln.strip() and is_heading(ln)]
    titled = [ln for ln in lines if any(w in ln for w in _TITLE_WORDS)]
    for line in titled + lines:  # headings only: a body sentence's year is no document's
        if _DATE_LINE.search(line) and line not in titled:
            continue
        years = [p.year for p in find_periods(line) if p.year]
        if years:
            return years[0]
    return None


_REPORT_YEAR = re.compile(
    r"(\d{4})年(?:[\u4e00-\u9fff]{0,12})?政府工作报告|^[—\-－\s]*(\d{4})年\d{1,2}月\d{1,2}日在"
)


def report_year(text: str) -> int | None:
    """The year of a work report from its own title or dateline (——2025年1月14日在…会议上)."""
    for line in text.split("\n")[:12]:
        m = _REPORT_YEAR.search(line.strip())
        if m:
            return int(m[1] or m[2])
    return None


def is_work_report(text: str) -> bool:
    """政府工作报告: review the year before, plan the year of the report."""
    head = text[:400]
    return "政府工作报告" in head or head.lstrip().startswith("各位代表")
