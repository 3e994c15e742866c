"""Stage 7, region: which region a figure describes.

A region that opens the clause or the sentence owns its figures (分县看，墨脱县…); 全县/该县
refer back to the paragraph's county; 全区/全市 name the whole region of that type above the
document's; 全国 is the country; a region named as a source (经拉萨市统计局…) or inside a
place's name (米林机场) owns nothing; otherwise the figure before it, else the document.
"""

from __future__ import annotations

import itertools

from zhibiao.transforms import catalog, lexicon
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.period_phrases import setting_periods
from zhibiao.transforms.extract.rules import rule
from zhibiao.transforms.extract.text import clause_start


def is_source(text: str, mention: tuple[int, int, str]) -> bool:
    """A region named as a source (经拉萨市统计局…), inside a place's name (米林机场) or as an
    example of the places counted (洛扎等6个县): it owns no figure."""
    a, b, _ = mention
    if any(
        lexicon.regex(n).match(text, b)
        for n in ("place_name_after", "example_after", "source_after")
    ):
        return True
    return text[max(0, a - 2) : a].endswith(lexicon.words("source_before"))


def whole_of_type(region: str, kind: str) -> str:
    """The region of that type at or above `region`: 全区 from 墨脱县 is 西藏自治区."""
    current, seen = region, set()
    while current and current not in seen:
        if current.endswith(kind):
            return current
        seen.add(current)
        current = catalog.parent_region(current) or ""
    return region


def subject(sentence: str) -> str | None:
    """A region that opens a sentence (墨脱县持续做大茶产业，…, ——林芝县… in a list, 2024年1-10月，
    墨脱县… after a time adverbial) is its subject."""
    lead = lexicon.regex("list_marker").match(sentence)
    sentence = _after_a_time_adverbial(sentence[lead.end() :] if lead else sentence)
    found = [m for m in catalog.find_regions(sentence[:12]) if not is_source(sentence, m)]
    if found and found[0][0] <= 1 and _an_example(sentence, found[0]):
        return None  # 日喀则灾后恢复重建等重大项目加快推进，新开工项目1462个: no subject
    if found and found[0][0] <= 1 and not _coordinated(sentence[:12], found):
        return found[-1][2] if found[-1][0] == found[0][1] else found[0][2]  # 林芝市巴宜区
    m = lexicon.regex("apposition").match(sentence)
    if m:
        return catalog.normalize_region(m[1]) or m[1]
    m = lexicon.regex("place_form").match(sentence)
    return m[1] if m and m[1] not in lexicon.word_set("not_places") else None


def _after_a_time_adverbial(sentence: str) -> str:
    """2024年1-10月，墨脱县累计接待游客…: a period phrase set off by a comma opens the sentence
    before its subject."""
    periods = setting_periods(sentence)
    if periods and periods[0].start == 0:
        comma = lexicon.regex("clause_break").match(sentence, periods[0].end)
        if comma:
            return sentence[comma.end() :]
    return sentence


def sentence_region(
    text: str, paragraph_subject: str | None, document_region: str, earlier: str = ""
) -> str:
    """The part's own subject, else the subject of its sentence's first part (墨脱县接待游客
    55.73万人次；实现旅游收入3.68亿元: the parts after a semicolon share the sentence's
    subject), or the paragraph's when the sentence says 全县/该县."""
    own = subject(text) or (subject(earlier) if earlier else None)
    if own:
        return own
    if paragraph_subject:
        kinds = {kind for word, kind in lexicon.mapping("anaphora") if word in text}
        if any(paragraph_subject.endswith(k) for k in kinds):
            return paragraph_subject
    return document_region


@rule("region")
def list_of_regions(clause: Clause, fig: Figure) -> Figure:
    """墨脱县、察隅县分别完成…: each number belongs to its region of the list."""
    group = fig.group
    if group is None or not group.regions or fig.position >= len(group.regions):
        return fig
    return fig.set(region=group.regions[fig.position])


@rule("region")
def area_of_a_quoted_rate(clause: Clause, fig: Figure) -> Figure:
    """比全国…5.0%的增速: the rate belongs to the area it is quoted from."""
    if "quoted" not in fig.flags:
        return fig
    area = lexicon.regex("other_area").search(fig.window)[1]
    if area in lexicon.word_set("nation_name"):
        return fig.set(region=area)
    kind = dict(lexicon.mapping("whole_area_types")).get(area, "")
    return fig.set(region=whole_of_type(clause.default_region, kind))


def _head(clause: Clause, fig: Figure) -> str:
    text = clause.text[clause_start(clause.text, fig.q.start) : fig.q.start]
    lead = lexicon.regex("region_lead").match(text)
    return text[lead.end() if lead else 0 :]


@rule("region")
def the_country(clause: Clause, fig: Figure) -> Figure:
    """全国农村居民人均可支配收入…: the country's figure."""
    if lexicon.regex("national").match(_head(clause, fig)):
        return fig.set(region=lexicon.words("nation_name")[0])
    return fig


@rule("region")
def whole_area_word(clause: Clause, fig: Figure) -> Figure:
    """全区地区生产总值增长5.9% in a 林芝市 text is 西藏自治区's; 全市… is 林芝市's."""
    m = lexicon.regex("whole_area").match(_head(clause, fig))
    if not m:
        return fig
    kind = dict(lexicon.mapping("whole_area_types"))[m["word"]]
    return fig.set(region=whole_of_type(clause.default_region, kind))


@rule("region")
def region_opening_the_clause(clause: Clause, fig: Figure) -> Figure:
    """分县看，墨脱县23.5亿元 / 林芝市巴宜区…: the region the clause opens with owns the
    figure (the most specific of a path); a region right before the number owns it too."""
    start = clause_start(clause.text, fig.q.start)
    text = clause.text[start : fig.q.start]
    mentions = [
        (a, b, name)
        for a, b, name in catalog.find_regions(text)
        if not is_source(clause.text, (start + a, start + b, name))
    ]
    if _coordinated(text, mentions):
        return fig.set(region=clause.default_region)
    lead = lexicon.regex("region_lead")
    for i in range(len(mentions) - 1, -1, -1):
        a, b, name = mentions[i]
        head = text[:a]
        for pa, pb, _ in mentions[:i]:
            head = head[:pa] + " " * (pb - pa) + head[pb:]
        own = clause.text[start + b : start + b + 1].isdigit()
        if own or lead.fullmatch(head.replace(" ", "")):
            return fig.set(region=name)
    return fig


def _an_example(sentence: str, mention: tuple[int, int, str]) -> bool:
    """日喀则灾后恢复重建等重大项目加快推进: a place inside the name of a project given as an
    example is the project's, not the subject of the sentence."""
    end = lexicon.regex("clause_break").search(sentence, mention[1])
    clause = sentence[mention[1] : end.start() if end else len(sentence)]
    return lexicon.regex("projects_named_by_example").search(clause) is not None


def _coordinated(text: str, mentions: list[tuple[int, int, str]]) -> bool:
    """墨脱县、察隅县共完成投资…, 桑珠孜区甲措雄乡、江孜县江孜镇…实施项目11个: places joined
    as a list, with no number of their own between them, share one figure: it is of the
    region that holds them all, not of the first."""
    joiners = lexicon.regex("list_region_joiners")
    for (_, b, name), (a, _, other) in itertools.pairwise(mentions):
        between = text[b:a]
        if name != other and joiners.search(between) and not any(c.isdigit() for c in between):
            return True
    return False


@rule("region")
def place_opening_the_clause(clause: Clause, fig: Figure) -> Figure:
    """其中，鲁朗镇接待游客35.6万人次 / 巴松措景区接待游客…: a township or a scenic area that
    opens the clause owns the figure, though the gazetteer does not list it."""
    place = lexicon.regex("sub_county_place").match(_head(clause, fig))
    if not place or place["place"] in lexicon.word_set("not_places"):
        return fig  # 行政村4G网络覆盖100%: a kind of place, not a place
    return fig.set(region=place["place"])


@rule("region")
def region_of_the_figure_before(clause: Clause, fig: Figure) -> Figure:
    """巴宜区接待游客462.7万人次，实现旅游收入38.9亿元: a subject holds for the comma clauses
    of its part; a rate quoted in passing (比全国…的增速) is no subject."""
    pool = [*clause.memory, *clause.own] if fig.group is not None else clause.own
    own = [f for f in pool if "quoted" not in f.flags]
    return fig.set(region=own[-1].region) if own else fig


@rule("region")
def region_of_the_sentence(clause: Clause, fig: Figure) -> Figure:
    """The sentence's subject, the paragraph's (全县/该县), else the document's region."""
    return fig.set(region=clause.default_region)
