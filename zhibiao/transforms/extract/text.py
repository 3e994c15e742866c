"""Positions in a clause: where the clause of a position starts."""

from __future__ import annotations

from zhibiao.transforms import lexicon
from zhibiao.transforms.memo import per_document


@per_document
def clause_start(text: str, pos: int) -> int:
    """Where the clause holding `pos` starts: after the last clause break before it that is
    not inside a bracketed aside closed before `pos` (2.95亿元（人民币，下同）增长到…: the
    comma of the note breaks nothing)."""
    for m in reversed(list(lexicon.regex("clause_break").finditer(text, 0, pos))):
        if not _inside_aside(text, m.start(), pos):
            return m.end()
    return 0


def _inside_aside(text: str, at: int, pos: int) -> bool:
    opened = max(text.rfind(b, 0, at) for b in lexicon.words("unclosed_aside"))
    if opened < 0:
        return False
    closers = lexicon.words("closing_brackets")
    if any(text.find(c, opened, at) >= 0 for c in closers):
        return False
    return any(text.find(c, at, pos) >= 0 for c in closers)


def clause_before(text: str, lo: int) -> str:
    """The whole clause before the one that holds `lo`."""
    start = clause_start(text, lo)
    before = text[: max(start - 1, 0)]
    return before[clause_start(before, len(before)) :]


def base_value_at(text: str, start: int) -> int | None:
    """The base year when the number at `start` is a base value told inside a multiple
    (是1965年155万元的近1万倍), else None. The pattern's 是YYYY年 is six characters: it is
    tried there only, not searched for (every figure of every document asks)."""
    if start < _BASE_YEAR_LEAD:
        return None
    m = lexicon.regex("base_value_of_a_multiple").match(text, start - _BASE_YEAR_LEAD)
    return int(m["year"]) if m and m.start("value") == start else None


_BASE_YEAR_LEAD = 6  # one character, a four-digit year, one character (lexicon pattern)
