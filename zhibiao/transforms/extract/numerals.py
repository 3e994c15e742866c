"""Chinese numerals that state quantities (百分之七点五, 三百余人) spelled as Arabic digits.

Only numerals that can be quantities are rewritten: 百分之…, and numerals with a place value
directly followed by a unit. "十四五", "四个意识", "第三届" stay as they are: they are names
and ordinals, and rewriting them would invent figures.
"""

from __future__ import annotations

import re
from functools import cache

import cn2an

from zhibiao.transforms import lexicon, units


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    digits = "".join(k for k, _ in lexicon.mapping("numeral_digits"))
    places = "".join(lexicon.words("numeral_places"))
    point = lexicon.alternation("numeral_point")
    numeral = f"[{digits}{places}]+(?:(?:{point})[{digits}]+)?"
    physical = [u for u in units.read_units() if units.dimension(u) != "ratio"]
    unit_words = "|".join(re.escape(u) for u in physical)
    ordinal = lexicon.alternation("numeral_ordinal_prefix")
    small = "".join(k for k, v in lexicon.mapping("numeral_digits") if 0 < v < 10)
    return {
        "percent": re.compile(f"(?:{lexicon.alternation('percent_words')})({numeral})"),
        "permille": re.compile(f"(?:{lexicon.alternation('permille_words')})({numeral})"),
        "counted": re.compile(
            f"(?<![{ordinal}{digits}{places}])({numeral})({lexicon.alternation('more_than')})?"
            f"(?=(?:{lexicon.alternation('numeral_big_places')})?(?:{unit_words}))"
        ),
        # 旅游收入三天近五千万: a numeral closed by 万/亿 at a clause's end is an amount whose
        # unit a headline dropped (quantities.money_without_unit decides whether it is money)
        "amount": re.compile(
            f"(?<![{ordinal}{digits}{places}])([{digits}{places}]*"
            f"(?:{lexicon.alternation('numeral_big_places')}))(?=$|{lexicon.regex('clause_break').pattern})"
        ),
        "small": re.compile(
            rf"(?<![{ordinal}\d{digits}{places}])([{small}])"
            f"({lexicon.alternation('small_numeral_units')})"
        ),
        "places": re.compile(f"[{places}]"),
        "any": re.compile(f"[{digits}{places}]"),
    }


def _to_digits(numeral: str) -> str | None:
    for written, read in lexicon.mapping("numeral_spelling"):
        numeral = numeral.replace(written, str(read))
    try:
        value = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError):
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def spell_out_chinese_numerals(sentence: str) -> str:
    """Rewrite quantity numerals; a numeral that cn2an cannot read is left untouched."""
    p = _patterns()
    if not p["any"].search(sentence):
        return sentence
    sentence = p["percent"].sub(lambda m: _or_same(m, "%"), sentence)
    sentence = p["permille"].sub(lambda m: _or_same(m, "‰"), sentence)
    digits = dict(lexicon.mapping("numeral_digits"))
    sentence = lexicon.regex("numeral_tenths").sub(lambda m: f"{digits[m['n']] * 10}%", sentence)
    sentence = p["small"].sub(lambda m: str(digits[m[1]]) + m[2], sentence)
    sentence = p["counted"].sub(_counted, sentence)
    return _zero_reached(p["amount"].sub(_amount, sentence))


def _zero_reached(sentence: str) -> str:
    """从…的22.7%降至零 -> 降至0%: the zero in the unit of the rate before it."""
    for m in reversed(list(lexicon.regex("zero_reached").finditer(sentence))):
        rate = re.findall(r"\d[%‰]", sentence[: m.start()])
        if rate:
            sentence = sentence[: m.end() - 1] + "0" + rate[-1][-1] + sentence[m.end() :]
    return sentence


def _or_same(m: re.Match, suffix: str) -> str:
    digits = _to_digits(m[1])
    return m[0] if digits is None else digits + suffix


@cache
def _one() -> str:
    return next(k for k, v in lexicon.mapping("numeral_digits") if v == 1)


def _amount(m: re.Match) -> str:
    """五千万 -> 5000万: the digits before the last 万/亿, which stays as the magnitude."""
    numeral, big = m[1][:-1], m[1][-1]
    digits = _to_digits(numeral) if numeral else None
    return m[0] if digits is None else digits + big


def _counted(m: re.Match) -> str:
    numeral = m[1]
    p = _patterns()
    big = lexicon.word_set("numeral_big_places")
    if not p["places"].search(numeral) or numeral[0] in big:
        return m[0]
    implied = numeral[0] in lexicon.word_set("numeral_implied_one")
    if implied and numeral[1:] and set(numeral[1:]) <= big:
        numeral = _one() + numeral  # 超百亿元: one hundred 亿 (numeral_implied_one)
    digits = _to_digits(numeral)
    return m[0] if digits is None else digits + (m[2] or "")
