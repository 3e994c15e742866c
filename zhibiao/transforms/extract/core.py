"""The procedural core: sentences with inherited context, 分别 lists, paragraph memory.

What is really procedural stays here: walking the sentences in order, remembering what the
paragraph has said (a part that names only its region borrows the indicator before it),
keeping 初步核算 in force over its breakdown, grouping the numbers a 分别 distributes, and
handing each figure through the stages of rules.py. Everything a statistician would review
is in the stage modules and in data/lexicon.yaml.
"""

from __future__ import annotations

import pandas as pd

from zhibiao.schema import FIGURE_COLUMNS, PERCENT, SERIES_LABEL, UNMAPPED
from zhibiao.transforms import lexicon, memo
from zhibiao.transforms.extract import (  # noqa: F401 - importing registers the rules
    code,
    label,
    lists,
    measure,
    period,
    qualifier,
    region,
    status,
)
from zhibiao.transforms.extract.document import read_document, with_title
from zhibiao.transforms.extract.figure import Clause, Document, Figure, Group, Sentence
from zhibiao.transforms.extract.numerals import spell_out_chinese_numerals
from zhibiao.transforms.extract.period_phrases import find_periods
from zhibiao.transforms.extract.quantities import (
    Quantity,
    candidates,
    find_quantities,
    find_ratios,
)
from zhibiao.transforms.extract.rules import admit, decide, refine
from zhibiao.transforms.extract.sentences import is_breadcrumb, is_headline, iter_sentences
from zhibiao.transforms.extract.text import clause_start
from zhibiao.transforms.limits import UNLIMITED, Budget


def extract_figures(text: str, **context) -> pd.DataFrame:
    """Figures of a whole document as a frame; `context` as for extract_rows."""
    return figures_frame(extract_rows(text, **context))


def extract_rows(
    text: str,
    *,
    region: str | None = None,
    year: int | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published_year: int | None = None,
    budget: Budget | None = None,
) -> list[dict]:
    """Figures of a whole document as plain rows; `region`/`year` are the source's
    defaults, `title` the document's title when the text does not open with it (an HTML
    <title>), `publisher` the site that published it (the last evidence of region), and
    `published_year` the year it was written in (else `year`). A `budget` (limits.py) stops a
    document past its deadline or its cap on figures with LimitExceeded.

    Rows, not a frame: a frame costs about 1.3 ms whatever its size, as much as extracting a
    short release, so a caller reading many documents frames them once (figures_frame)."""
    budget = budget or UNLIMITED.start()
    memo.new_document()
    text = with_title(text, title)
    doc = read_document(
        text, region=region, year=year, published_year=published_year, publisher=publisher
    )
    _count_first(text, budget)
    rows: list[dict] = []
    for clause in clauses(text, doc):
        rows.extend(_rows(clause, budget, len(rows)))
    budget.check_figures(len(rows), "by the end of the document")
    return _bounds_apart(_headline_told_again(rows, text))


def figures_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of extract_rows (of one document or many) as the figures' frame."""
    frame = pd.DataFrame(rows, columns=[*FIGURE_COLUMNS, SERIES_LABEL])
    return frame.astype({"value": "float64", "value_high": "float64"})


def _count_first(text: str, budget: Budget) -> None:
    """A text of more quantities than the cap is stopped before its first sentence: reading
    the first 20,000 sentences of a one-line paragraph took a minute, counting all 80,000
    takes two seconds. Number-and-unit candidates are the cheap first look; only when they
    pass the cap are they counted as the quantity stage admits them."""
    cap = budget.limits.max_figures
    if cap is None or len(candidates(text)) <= cap:
        return
    found = 0
    for line in text.split("\n"):
        found += sum(
            admit(None, c) is not None for c in candidates(spell_out_chinese_numerals(line))
        )
        if found > cap:
            break
    budget.check_figures(found, "in a first count of its quantities")
    budget.check_time("after a first count of its quantities")


def clauses(text: str, doc: Document):
    """Every sentence part as a Clause, with the paragraph's memory and 初步核算 in force.

    初步核算 makes the rest of its paragraph preliminary, and the national-accounts figures
    (shares, contributions, per-capita GDP) of the paragraphs after it, up to the next
    heading; 初步统计 makes its own sentence so (and the accounts, as 初步核算 does); a note
    that some data are preliminary (部分数据为初步统计数) makes nothing so.
    """
    previous, subject, memory, topic, move = None, None, [], None, None
    sequential = False
    preliminary = accounts = False
    sentences = iter_sentences(
        text, year=doc.year, work_report=doc.work_report, published=doc.published_year
    )
    for sentence in sentences:
        same_paragraph = previous is not None and previous.paragraph == sentence.paragraph
        if not same_paragraph:
            # figures said so far in this paragraph: a part or sentence with no label of its
            # own (其中，二季度增长6.2% / 分县区看，巴宜区96.3亿元) borrows the last one
            subject, memory, preliminary = None, [], False
            opened = lexicon.regex("paragraph_topic").match(sentence.text)
            topic = opened["topic"] if opened else None
            # 其他七大类价格环比四涨二降一平。交通和通信…分别上涨0.6%…: a paragraph that opens
            # on month-on-month change without a figure tells its changes month on month
            lead = sentence.text
            sequential = bool(lexicon.regex("sequential").search(lead)) and not (
                any(c.isdigit() for c in lead) or lexicon.regex("year_on_year").search(lead)
            )
        if previous is not None and sentence.heading != previous.heading:
            accounts, move = False, None
        if lexicon.regex("preliminary_opening").search(sentence.text):
            preliminary = accounts = True
        counted = lexicon.regex("preliminary_sentence").search(sentence.text) is not None
        accounts = accounts or counted
        previous = sentence
        subject = region.subject(sentence.text) or subject
        clause = _clause(sentence, doc, preliminary or counted, subject, memory)
        clause.accounts_preliminary, clause.topic, clause.move_before = accounts, topic, move
        clause.sequential = sequential
        yield clause
        memory.extend(clause.own)
        move = period.last_dated_move(clause.own) or move  # 由2011年的…到2016年的…


def _clause(sentence: Sentence, doc: Document, preliminary, subject, memory) -> Clause:
    text = spell_out_chinese_numerals(sentence.text)
    default = region.sentence_region(sentence.text, subject, doc.region, sentence.earlier)
    return Clause(
        text,
        sentence,
        doc,
        quantities=[],
        memory=list(memory),
        preliminary=preliminary,
        subject=subject,
        default_region=default,
        periods=find_periods(text),
    )


def _rows(clause: Clause, budget: Budget, already: int) -> list[dict]:
    """The clause's figures; the budget is checked before the clause and after each figure
    (a figure of a clause thousands of figures long costs seconds), and every quantity
    found counts against the cap at once, since each becomes a figure."""
    where = f"paragraph {clause.sentence.paragraph + 1}"
    budget.check_time(f"at {where}")
    clause.quantities = find_quantities(clause.text, clause)[1]
    ratios = find_ratios(clause.text)
    if not clause.quantities and not ratios:
        return []
    budget.check_figures(already + len(clause.quantities), f"by {where}")
    rows = []
    for fig in _figures(clause):
        rows.append(_row(fig, clause.sentence))
        budget.check_time(f"in {where}")
    for ratio in ratios:
        for part_label, raw in zip(ratio.labels, ratio.parts, strict=True):
            q = Quantity(
                ratio.start, ratio.end, float(raw), None, raw, PERCENT, PERCENT, False, PERCENT
            )
            fig = Figure(q, window="", lo=ratio.start, label=part_label, flags={"ratio_part"})
            rows.extend(_row(one, clause.sentence) for one in build(clause, fig))
    return rows


def _figures(clause: Clause):
    """Each quantity through the stages, a 分别 list as one group, in order."""
    qs, text = clause.quantities, clause.text
    i = 0
    while i < len(qs):
        q = qs[i]
        lo = max(clause_start(text, q.start), qs[i - 1].end if i else 0)
        if clause.own and clause.own[-1].after and text.startswith(clause.own[-1].after, lo):
            lo += len(clause.own[-1].after)  # 38项创建指标有18项: that noun was the last count's
        window = text[lo : q.start]
        members = _group(text, qs, i)
        listed = any(w in window for w in lexicon.words("distributive"))
        if listed or (len(members) > 1 and lists.implicit_list(window, [m.unit for m in members])):
            group = Group(i, len(members), window, lo)
            if listed:
                group.items = lists.comma_parted(text, lo, window, len(members))
            for position, member in enumerate(members):
                own_lo = max(clause_start(text, member.start), qs[i + position - 1].end)
                own_lo = lo if position == 0 else own_lo
                fig = Figure(member, text[own_lo : member.start], own_lo, group, position)
                yield from _finish(clause, fig)
            i += len(members)
            continue
        yield from _finish(clause, Figure(q, window, lo))
        i += 1


def _finish(clause: Clause, fig: Figure):
    for one in build(clause, fig):
        clause.own.append(one)
        yield one


def build(clause: Clause, fig: Figure) -> list[Figure]:
    """The stages, in the order of rules.STAGES (quantity was judged before); the label
    stage may distribute one number over several indicators."""
    fig = decide("measure", clause, fig)
    out = []
    for one in refine("label", clause, fig, "label"):
        for stage in ("qualifier", "period", "status", "region", "code"):
            one = decide(stage, clause, one)
        out.append(one)
    return out


def _group(text: str, quantities: list[Quantity], i: int) -> list[Quantity]:
    group = [quantities[i]]
    join = lexicon.regex("group_join")
    for q in quantities[i + 1 :]:
        between = text[group[-1].end : q.start]
        if not join.match(between) or measure.is_rate(q.unit) != measure.is_rate(group[0].unit):
            break
        group.append(q)
    return group


def _bounds_apart(rows: list[dict]) -> list[dict]:
    """地区生产总值突破700亿元，达到741.84亿元: a bound and an exact value of one series are both
    true; the exact one keeps the series, the bound becomes its own (…（下限）), so that
    neither is refused as a second value."""
    exact = {_series(r) for r in rows if r["qualifier"] in ("eq", "approx")}
    # 突破50万人次 … 共接待54.02万余人次: with no exact value, the one short of its remainder
    # (余/多) is the nearest to it, and the threshold is the bound
    near = {_series(r) for r in rows if r["qualifier"] == "gt"} - exact
    marks = dict(lexicon.mapping("bound_series"))
    for r in rows:
        nearer = r["qualifier"] != "gt" and _series(r) in near
        if r["qualifier"] in marks and (_series(r) in exact or nearer):
            r["indicator_label"] += marks[r["qualifier"]]
            r[SERIES_LABEL] += marks[r["qualifier"]]
    return rows


def _first_paragraph(text: str) -> tuple[int, bool] | None:
    """The first paragraph's number, and whether it is a headline."""
    lines = text.split("\n")
    first = next(
        (i for i, line in enumerate(lines) if line.strip() and not is_breadcrumb(line)), None
    )
    return None if first is None else (first, is_headline(lines[first]))


def _headline_told_again(rows: list[dict], text: str) -> list[dict]:
    """西藏一季度经济开局良好 生产总值同比增长7.9% over a story that states the 7.9% again:
    the headline's figure is the body's, told once (a headline figure the body does not
    repeat stays). A headline names less than the body (迪庆…GDP增1419倍 over 地区生产总值…增长了
    1419倍, 1957-2016): the same change of the same size is the body's figure, unless the two
    name different indicators of the catalog. A first paragraph that is no headline is a lede
    that sums up the story when the body states every one of its figures again (一季度全地区
    生产总值预计实现15.74亿元，… over a body that tells each of them): all of them go."""
    opening = _first_paragraph(text)
    if opening is None:
        return rows
    first, headline = opening
    body = [r for r in rows if r["_paragraph"] != first]
    lede = [r for r in rows if r["_paragraph"] == first]
    told = [r for r in lede if any(_told(r, b) for b in body)]
    if not headline and len(told) < len(lede):
        return rows
    gone = {id(r) for r in told}
    return [r for r in rows if id(r) not in gone]


def _told(headline: dict, body: dict) -> bool:
    size = ("measure", "value", "unit")
    if any(headline[k] != body[k] for k in size):
        return False
    if headline["indicator_code"] == body["indicator_code"]:
        return all(headline[k] == body[k] for k in ("region", "period"))
    return headline["indicator_code"] == UNMAPPED


def _series(r: dict) -> tuple:
    kind = "target" if r["status"] == "target" else "stated"
    return (r["indicator_code"], r[SERIES_LABEL], r["region"], r["period"], r["measure"], kind)


def _row(fig: Figure, sentence: Sentence) -> dict:
    value, high, unit = measure.value_of(fig)
    shown = fig.full_label
    return {
        "indicator_code": fig.code,
        "indicator_label": shown,
        "region": fig.region or "",
        "period": fig.period or "",
        "period_type": fig.period_type,
        "measure": fig.measure,
        "value": value,
        "value_high": high,
        "unit": unit,
        "raw_value": fig.q.raw_value,
        "raw_unit": fig.q.raw_unit,
        "status": fig.status,
        "qualifier": fig.qualifier,
        "evidence": sentence.full or sentence.text,
        SERIES_LABEL: shown if fig.code == UNMAPPED else fig.prefix + fig.suffix,
        "_paragraph": sentence.paragraph,  # not a column: for the document passes
    }
