"""The label as text: the noun phrase in the words before a number, or after a count.

Chinese official prose names the indicator before the number (固定资产投资完成140亿元) and
after it for counts (制定了218项工作措施); what surrounds the name (the predicate, a period,
a comparison base, a qualifier) is stripped by the label_* entries of the lexicon.
"""

from __future__ import annotations

from zhibiao.transforms import lexicon
from zhibiao.transforms.memo import per_document

_MAX_LABEL = 24

# Pieces of a clause that are not the indicator, removed in this order.
_NOT_LABEL = (
    "note_same_below",
    "label_period_prefix",
    "label_period_suffix",
    "label_comparison_base",
    "label_period_inside",
    "label_last_year_prefix",
    "label_change_words",
    "label_multiple_base",
    "label_quoted_target_prefix",
    "label_plan_declaration_prefix",
    "label_qualifier_suffix",
    "label_to_level_suffix",
    "label_streak_words",
    "label_from_base_suffix",
    "label_particle_suffix",
    "label_price_basis",
    "label_modal_suffix",
    "label_other_area_prefix",
    "label_verb_inside",
)


def strip_period(text: str) -> str:
    """1-10月昆明、曲靖… -> 昆明、曲靖…: a leading period phrase is context, not content."""
    return lexicon.regex("label_period_prefix").sub("", text)


def _junk(text: str) -> str:
    return lexicon.regex("label_junk").sub("", text)


@per_document
def clean_label(text: str, shorten: bool = True) -> str:
    """Strip predicate words at the end and opening verbs at the front; `shorten=False` keeps
    a long list whole for lists.distribute to split (shortened at its last 、, it kept only
    its last item)."""
    opened = max(text.rfind(b) for b in lexicon.words("unclosed_aside"))
    if opened >= 0 and not any(c in text[opened:] for c in lexicon.words("closing_brackets")):
        text = text[opened + 1 :]  # …增速加快（上年同期为下降: the aside is the clause
    text = lexicon.regex("label_in_open_quote").sub("", text)
    text = lexicon.regex("status_note").sub("", text)
    text = lexicon.regex("label_leading_aside").sub("", text)
    text = _junk(lexicon.regex("label_leading_bound").sub("", _junk(text)))
    for name in _NOT_LABEL:
        text = lexicon.regex(name).sub("", text)
    text = _junk(text)
    trailing, leading = lexicon.words("predicate_words"), lexicon.words("leading_verbs")
    opening = lexicon.regex("opening_verbs")
    changed = True
    while changed and text:
        changed = False
        for w in trailing:
            if text.endswith(w) and len(text) > len(w):
                text, changed = text[: -len(w)], True
                break
        for w in leading:
            if text.startswith(w) and len(text) > len(w) + 1:
                text, changed = text[len(w) :], True
                break
        m = opening.match(text)
        if m and len(text) > m.end() + 1:
            text, changed = text[m.end() :], True
        for prefix in ("label_adverb_prefix", "label_scope_prefix"):  # 全地区实现…
            m = lexicon.regex(prefix).match(text)
            if m and m.end() and len(text) > m.end() + 1:
                text, changed = text[m.end() :], True
        m = lexicon.regex("growth_up_bare").search(text)
        if m and m.start() > 1:
            text, changed = text[: m.start()], True
        text = _junk(text)
    text = lexicon.regex("label_conjunction_prefix").sub("", text)
    text = lexicon.regex("label_scope_prefix").sub("", text)
    text = lexicon.regex("label_partitive_whole").sub("", text)
    if (
        text in lexicon.word_set("label_function_words")
        or lexicon.regex("label_adverb_prefix").fullmatch(text)
        or (len(text) < 2 and text not in lexicon.word_set("one_character_nouns"))
        or text in lexicon.word_set("leading_verbs")
        or opening.fullmatch(text)
    ):
        return ""  # a verb alone (实现, 完成了) names nothing
    return shorten_label(text) if shorten else text


def shorten_label(text: str) -> str:
    """Long before-texts carry a whole clause; the label is the tail after the last 等/的/，.
    A list summed up by a count (汽摩、电子…和消费品五大支柱产业产值) is named by the sum."""
    summed = lexicon.regex("list_summed_up").search(text)
    if summed:
        return summed["whole"]
    if len(text) <= _MAX_LABEL:
        return text
    for sep in lexicon.words("label_shorten_separators"):
        i = text.rfind(sep)
        if 0 <= i < len(text) - 2:
            tail = text[i + 1 :]
            if len(tail) <= _MAX_LABEL:
                return tail
    return text[-_MAX_LABEL:]


def subject_of(label: str) -> str:
    """第一产业增加值 -> 第一产业: the thing a label measures, without its noun of measure."""
    for head in lexicon.words("head_nouns"):
        if label.endswith(head) and len(label) > len(head) + 1:
            return label[: -len(head)]
    return label


def verb_object(label: str, area: bool) -> str:
    """种植粮食作物 -> 粮食作物种植面积, 出栏牲畜 -> 牲畜出栏: the object first, as the name goes."""
    m = lexicon.regex("label_verb_object").match(label)
    if not m or (m["verb"] in lexicon.word_set("label_verb_object_area_only") and not area):
        return label
    return m["noun"] + dict(lexicon.mapping("label_verb_object_measure"))[m["verb"]]


def without_infix_verb(label: str) -> str:
    """第一产业完成投资 -> 第一产业投资, 城镇实现社会消费品零售总额 -> 城镇社会消费品零售总额: a
    verb between the subject and its object is the predicate's, not the name's."""
    m = lexicon.regex("label_infix_verb").fullmatch(label)
    return m["subject"] + m["object"] if m else label


def label_after(text: str, end: int) -> str:
    """The noun phrase right after a count (218项工作措施 -> 工作措施), or ''."""
    tail = lexicon.regex("label_after_aside").sub("", text[end:])
    if tail.startswith(lexicon.words("label_after_particle")):
        tail = tail[1:]
    m = lexicon.regex("label_after_phrase").match(tail)
    if not m:
        return ""
    phrase = m.group(0)
    closed = lexicon.regex("label_after_closing_quote").match(phrase)
    phrase = closed["keep"] if closed else phrase
    if phrase.startswith(lexicon.words("label_after_qualifier")):
        return ""
    if lexicon.regex("label_after_verb_first").match(phrase):
        return ""
    stop = lexicon.regex("label_after_stop").search(phrase, 1)
    if stop:
        phrase = phrase[: stop.start()]
    phrase = phrase.strip("".join(lexicon.words("quote_marks")))
    if len(phrase) == 1:  # 5个乡、2个镇: one character names it only at a list's end
        rest = tail[tail.find(phrase) + 1 :]
        if lexicon.regex("single_noun_end").match(rest):
            return phrase
        done = lexicon.regex("counted_by_deed").match(rest)  # 5个县通过素质教育验收
        if not done:
            return ""
        label = lexicon.template("counted_by_deed_label")
        return label.format(deed=done["deed"], noun=phrase, aside=done["aside"] or "")
    return phrase


def unquoted(text: str) -> str:
    return text.strip("".join(lexicon.words("quote_marks")))


def split_items(label: str) -> list[str]:
    """粮食、蔬菜和肉类产量 -> its items; an industry's official name is never split."""
    kept: list[str] = []

    def hold(m) -> str:
        kept.append(m[0])
        return f"\x00{len(kept) - 1}\x00"

    masked = lexicon.regex("industry_names").sub(hold, label)
    if len(kept) > 1 and not masked.replace("\x00", "").strip("0123456789"):
        return kept  # 教育卫生和社会工作: two industries' names written together
    items = [i for i in lexicon.regex("list_item_joiners").split(masked) if i]
    return [_unmask(i, kept) for i in items]


def _unmask(item: str, kept: list[str]) -> str:
    for n, name in enumerate(kept):
        item = item.replace(f"\x00{n}\x00", name)
    return item


def predicate_noun(text: str) -> str:
    """分别完成目标任务的 -> 完成目标任务: what a 分别 list says of the figures it refers back
    to, with its verb (the label is the figure's own plus this); a comparison or a growth
    (分别比上年增长) says nothing new."""
    text = _junk(lexicon.regex("label_comparison_base").sub("", text))
    text = lexicon.regex("label_multiple_base").sub("", text)
    text = lexicon.regex("growth_tail").sub("", text)
    changed = True
    while changed and text:
        changed = False
        for w in (*lexicon.words("predicate_words"), *lexicon.words("label_after_particle")):
            if text.endswith(w) and len(text) > len(w):
                text, changed = text[: -len(w)], True
                break
    return "" if text in lexicon.word_set("label_function_words") else _junk(text)
