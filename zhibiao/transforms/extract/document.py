"""What a document says about itself: its title, year and region, before any sentence.

The title, the dateline and the publisher line are evidence; the source's region and year
are defaults, and the text overrides them only where it is explicit.
"""

from __future__ import annotations

from zhibiao.transforms import catalog, lexicon
from zhibiao.transforms.extract.figure import Document
from zhibiao.transforms.extract.period_phrases import find_periods
from zhibiao.transforms.extract.sentences import is_heading, looking_back


def with_title(text: str, title: str | None) -> str:
    """The text with its title on top when the text does not open with it (an HTML <title>):
    the title states the region and the period every sentence below inherits."""
    if title and title.strip() not in text[:300]:
        return title.strip() + "\n" + text
    return text


def read_document(
    text: str,
    *,
    region: str | None,
    year: int | None,
    published_year: int | None = None,
    publisher: str | None = None,
) -> Document:
    """A work report is dated by its own title or dateline, else by the caller (its title
    year is the plan year); a release's own title year wins over its publication year (the
    2023 bulletin is out in 2024), and a story that names the year before its publication
    last, and never its own, tells that year (_year_told). The region is the title's, else the caller's, else what
    the text says of itself (a subtitle, the publisher line, the opening sentence), else the
    publisher's (拉萨市旅游发展局 of a page that says only 我市)."""
    report = is_work_report(text)
    if report:
        doc_year = report_year(text) or year or document_year(text)
    else:
        doc_year = document_year(text) or _year_told(text, year, published_year) or year
    published = published_year or (report_year(text) if report else None) or year
    doc_region = (
        title_region(text) or region or own_region(text) or _most_specific(publisher or "") or ""
    )
    return Document(doc_region, doc_year, report, published_year=published)


def _year_told(text: str, year: int | None, published: int | None) -> int | None:
    """林芝市“十三五”…由2015年的…增加到2020年的…, published in January 2021: a story whose
    latest year is the one before its publication, and which never speaks of the year of
    writing (今年, 目前, 2021年), tells that year; its undated figures are that year's, not
    the publication's. Only when the year in force is the publication's (no title year, no
    year from the caller); a base (比2020年) dates nothing. A story of decades (70年来) speaks
    as of its writing, whatever year it names last."""
    if published is None or year != published or looking_back(text, published) is not None:
        return None
    now = [w for w, shift in lexicon.mapping("relative_years") if shift == 0]
    if any(w in text for w in now):
        return None
    named = [int(y) for y in lexicon.regex("year_told").findall(text)]
    return published - 1 if named and max(named) == published - 1 else None


def is_work_report(text: str) -> bool:
    """政府工作报告: a speech to the deputies, or a text whose title line *is* a work report's
    title (…政府工作报告, （摘要）); a news story whose headline quotes one (政府工作报告明确
    2025年主要预期目标) is not one."""
    head = text[:400]
    if head.lstrip().startswith(lexicon.words("work_report_opening")):
        return True
    lines = [ln.strip() for ln in text.split("\n")[:4] if ln.strip()]
    return any(lexicon.regex("work_report_title").search(ln) for ln in lines)


def report_year(text: str) -> int | None:
    """The year of a work report from its own title or dateline (——2025年1月14日在…会议上)."""
    for line in text.split("\n")[:12]:
        m = lexicon.regex("report_year").search(line.strip())
        if m:
            return int(m[1] or m[2])
    return None


def document_year(text: str) -> int | None:
    """The reference year of a document from its title, not from its date line."""
    lines = [ln for ln in text.split("\n")[:10] if ln.strip() and is_heading(ln)]
    titled = [ln for ln in lines if any(w in ln for w in lexicon.words("title_words"))]
    for line in titled + lines:  # headings only: a body sentence's year is no document's
        if lexicon.regex("date_line_words").search(line) and line not in titled:
            continue
        years = [p.year for p in find_periods(line) if p.year]
        if years:
            return years[0]
    return None


def title_region(text: str) -> str | None:
    """A bulletin of 西藏自治区 describes 西藏自治区: the region named in the title line
    (never in a body line: 其中，成都市增长7.1% does not make a provincial release 成都's);
    of a path the most specific (西藏阿里地区脱贫攻坚成果情况新闻发布会 is 阿里地区's)."""
    for line in text.split("\n")[:6]:
        if (
            len(line) <= 60
            and lexicon.regex("title_region_line").search(line)
            and not lexicon.regex("heading_stop").search(line)
        ):
            return _most_specific(line)
    return None


def own_region(text: str) -> str | None:
    """Where the caller names no region: the region a headline, a subtitle (——林芝市 2023 年
    经济社会发展回眸), a publisher line (西藏自治区统计局) or the opening sentence
    (西藏自治区林芝市召开…) names; of a path the most specific."""
    lines = [ln.strip() for ln in text.split("\n")[:12] if ln.strip()]
    for line in lines[:8]:
        if is_heading(line) or lexicon.regex("publisher_line").search(line):
            found = _most_specific(line)
            if found:
                return found
    body = next((ln for ln in lines if not is_heading(ln)), "")
    return _most_specific(body[:40])


def _most_specific(line: str) -> str | None:
    """The last region of the first path of names in the line (西藏自治区林芝市 -> 林芝市)."""
    found = catalog.find_regions(line)
    if not found:
        return None
    path = [found[0]]
    for mention in found[1:]:
        if mention[0] != path[-1][1]:
            break
        path.append(mention)
    return path[-1][2]
