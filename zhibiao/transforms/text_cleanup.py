"""One spelling of digits, punctuation, script and spacing for every decoded document.

The figure extractor matches patterns such as ``230亿元，比上年增长9.5%。``; documents arrive
with full-width digits, Traditional characters, thousands separators, stray spaces from PDF
layout and invisible characters. ``normalize_text`` folds all of these to one form.

Punctuation decision: NFKC folds the full-width ``，；：！？（）`` to ASCII. The extractor
splits sentences on ``。；！？`` and clauses on ``，`` and enumerations on ``、``, so those
full-width marks are kept as they are; ``。、“”《》`` survive NFKC anyway. ASCII ``,;:!?``
touching a CJK character is turned into its full-width form for the same reason, while
ASCII punctuation between digits (``8.5%,11%``, ``8.8:34.8``) is left alone. Digits,
Latin letters, ``％`` and ``．`` become ASCII.
"""

import re
import unicodedata
from functools import cache

import opencc

_INVISIBLE = dict.fromkeys(
    [
        *map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\x7f"),
        *range(0x00, 0x09),
        0x0B,
        *range(0x0E, 0x20),
    ]
)  # zero-width and bidi marks, soft hyphen, C0 controls (tab, newline, CR, form feed stay)
_KEEP_FULLWIDTH = "，；：！？（）"
_KEEP_SPLIT = re.compile(f"([{_KEEP_FULLWIDTH}]+)")
# Unit symbols NFKC would spell as "m2", "km2": the extractor's units are Chinese words.
_UNIT_SYMBOLS = re.compile(r"㎢|km²|km2(?![\d.])|㎡|m²|㎥|m³|㎞|㎏")
_UNIT_WORDS = {"㎢": "平方公里", "km²": "平方公里", "km2": "平方公里", "㎡": "平方米", "m²": "平方米",
               "㎥": "立方米", "m³": "立方米", "㎞": "公里", "㎏": "千克"}  # fmt: skip
# The vertical two-dot leader is how some CMS editors type a ratio's colon (6.3︰35.5︰58.2); NFKC
# would spell it "..", which reads as a decimal point.
_BEFORE_NFKC = str.maketrans({"\ufe30": "\u2236"})
_AFTER_T2S = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’", "\u2212": "-"})
_TO_FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2014\u2026"
_ASCII_PUNCT_NEAR_CJK = re.compile(f"(?<=[{_CJK}])[,;:!?]|[,;:!?](?=[{_CJK}])")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
# An ideographic space, or several spaces, between two hanzi separates fields (统计局　　发布时间,
# 代市长　洛桑多吉): it stays, as one ideographic space, so that normalising again keeps it.
# A single ASCII space there is PDF layout (全 年 地 区) and goes.
_HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FIELD_GAP = re.compile(f"(?<=[{_HANZI}])(?:[ \t]*\u3000[ \u3000\t]*|[ \t]{{2,}})(?=[{_HANZI}])")
_GAP_MARK = "\ue000"  # private use: survives NFKC and the space rules below
# A news headline parts its two phrases by one space (成都2015年GDP预计达1.08万亿元 增长8%左右):
# a short line with a figure, no punctuation of prose and one or two such spaces is a
# headline, not PDF layout (which spaces every character, or breaks words inside prose).
_ONE_GAP = re.compile(f"(?<=[{_HANZI}]) (?=[{_HANZI}])")
_PROSE_PUNCT = re.compile(r"[，。；！？,;!?]")
_HEADLINE_CHARS = 40
_HEADLINE_GAPS = 2
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d) +(?=[%‰])")
# A mirror that prints a page's ruby inline glosses each character in pinyin, 經(jīng)濟(jì):
# a bracketed syllable with a tone mark right after a hanzi is never prose, and left in it
# split labels and units (個(gè)百分點(diǎn)). An aside in Latin letters (GDP), (a) has no
# tone mark and stays.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS = re.compile(rf"(?<=[{_HANZI}])[(（][a-zü]*[{_TONED}][a-zü]*[)）]")
_SPACES = re.compile(r"[^\S\n]+")

# Digit grouping: "1,317.7", "12,345,678"; never "8.5%,11%" or "3,5个" (group != 3 digits).
_COMMA_GROUPS = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d]|,\d)")
_FULLWIDTH_COMMA_GROUPS = re.compile(
    r"(?<![０-９．，])([０-９]{1,3})((?:，[０-９]{3})+)(?![０-９]|，[０-９])"
)
# Thin, narrow and no-break spaces are how GB/T 15835 and typeset PDFs group digits
# ("1 317.7"); an ordinary space between digits may separate two figures, so it stays.
_SPACE_GROUPS = re.compile(r"(?<![\d.])(\d{1,3})((?:[\u00a0\u2009\u202f\u2007\u2006]\d{3})+)(?!\d)")

# Dot leaders of a table of contents ("一、工作回顾……3") go with their page number.
_TOC_LEADER = re.compile(r"(?:[.…⋯·・]{3,}|[…⋯]{1,})[ \t]*\d{1,3}[ \t]*$", re.M)
_ELLIPSIS = re.compile(r"[…⋯]+|\.{3,}|。{2,}|·{3,}")
_STOPS_BEFORE = "。！？；，、：!?;,:"


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize_text(text: str) -> str:
    """Fold a decoded document to the single spelling the extractor's patterns assume.

    Idempotent; one paragraph per line, no empty lines.
    """
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _PINYIN_GLOSS.sub("", text)
    text = _FIELD_GAP.sub(_GAP_MARK, text)
    text = "\n".join(_headline_gaps(line) for line in text.split("\n"))
    text = _join_digit_groups(text)
    text = _ellipses(text)
    text = _UNIT_SYMBOLS.sub(lambda m: _UNIT_WORDS[m.group()], text)
    text = _nfkc_keeping_chinese_punctuation(text.translate(_BEFORE_NFKC))
    text = _t2s().convert(text).translate(_AFTER_T2S)
    text = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: _TO_FULLWIDTH[m.group()], text)
    text = _COMMA_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)
    return _rejoin_open_brackets(_tidy_spaces(text)).replace(_GAP_MARK, "\u3000")


def _headline_gaps(line: str) -> str:
    gaps = len(_ONE_GAP.findall(line))
    if not gaps or gaps > _HEADLINE_GAPS or len(line.strip()) > _HEADLINE_CHARS:
        return line
    if _PROSE_PUNCT.search(line) or not re.search(r"\d", line):
        return line
    return _ONE_GAP.sub(_GAP_MARK, line)


def _join_digit_groups(text: str) -> str:
    text = _SPACE_GROUPS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)
    return _FULLWIDTH_COMMA_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace("，", ""), text)


def _ellipses(text: str) -> str:
    """An ellipsis ends what was said ("等……"), so it reads as 。 unless a stop precedes it."""
    text = _TOC_LEADER.sub("", text)

    def stop(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else "\n"
        after = text[match.end()] if match.end() < len(text) else "\n"
        return "" if before in _STOPS_BEFORE + "\n" or after in "。！？；" else "。"

    return _ELLIPSIS.sub(stop, text)


def _nfkc_keeping_chinese_punctuation(text: str) -> str:
    parts = _KEEP_SPLIT.split(text)
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))


def _rejoin_open_brackets(text: str) -> str:
    """规上工业增加值同比增长8.4%（含园区增长⏎8.3%），…: a line break inside a full-width bracket
    that the next line closes is the page's wrapping, not the end of a paragraph."""
    out: list[str] = []
    for line in text.split("\n"):
        close = line.find("）")
        opened = line.find("（")
        if (
            out
            and out[-1].count("（") > out[-1].count("）")
            and 0 <= close
            and (opened < 0 or close < opened)
        ):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _tidy_spaces(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        line = _SPACE_NEAR_CJK.sub("", line)
        line = _SPACE_BEFORE_PERCENT.sub("", line)
        if line:
            lines.append(line)
    return "\n".join(lines)
