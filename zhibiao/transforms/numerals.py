"""Chinese numerals that state quantities (百分之七点五, 三百余人) spelled as Arabic digits.

Only numerals that can be quantities are rewritten: 百分之…, and numerals with a place value
(十, 百, 千, 万, 亿) directly followed by a unit. "十四五", "四个意识", "第三届" stay as
they are: they are names and ordinals, and rewriting them would invent figures.
"""

from __future__ import annotations

import re

import cn2an

from zhibiao.transforms.lexicon import UNITS

_DIGITS = "零〇一二两三四五六七八九"
_PLACES = "十百千万亿"
_NUMERAL = f"[{_DIGITS}{_PLACES}]+(?:点[{_DIGITS}]+)?"
_PERCENT = re.compile(rf"百分之({_NUMERAL})")
_PERMILLE = re.compile(rf"千分之({_NUMERAL})")
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_COUNTED = re.compile(
    rf"(?<![第{_DIGITS}{_PLACES}])({_NUMERAL})(余|多)?(?=(?:万|亿)?(?:{_UNIT_WORDS}))"
)


def _to_digits(numeral: str) -> str | None:
    try:
        value = cn2an.cn2an(numeral.replace("两", "二"), "smart")
    except (ValueError, KeyError):
        return None
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text


def _percent(m: re.Match, suffix: str) -> str:
    digits = _to_digits(m[1])
    return m[0] if digits is None else digits + suffix


def _counted(m: re.Match) -> str:
    numeral = m[1]
    if not any(p in numeral for p in _PLACES) or numeral[0] in "万亿":
        return m[0]
    digits = _to_digits(numeral)
    return m[0] if digits is None else digits + (m[2] or "")


def spell_out_chinese_numerals(sentence: str) -> str:
    """Rewrite quantity numerals; a numeral that cn2an cannot read is left untouched."""
    if not any(c in sentence for c in _DIGITS + _PLACES):
        return sentence
    sentence = _PERCENT.sub(lambda m: _percent(m, "%"), sentence)
    sentence = _PERMILLE.sub(lambda m: _percent(m, "‰"), sentence)
    sentence = _SMALL.sub(lambda m: str(_SMALL_DIGITS[m[1]]) + m[2], sentence)
    return _COUNTED.sub(_counted, sentence)


# 提高两个百分点, 增长一倍: a lone numeral before these is always a quantity, never a name.
_SMALL_DIGITS = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL = re.compile(r"(?<![第\d一二两三四五六七八九十百千万])([一两二三四五六七八九])(个百分点|倍)")
