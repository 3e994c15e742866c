"""Positions in a clause: where the clause of a position starts."""

from __future__ import annotations

from zhibiao.transforms import lexicon


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding `pos` starts: after the last clause break before it."""
    starts = [m.end() for m in lexicon.regex("clause_break").finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def clause_before(text: str, lo: int) -> str:
    """The whole clause before the one that holds `lo`."""
    start = clause_start(text, lo)
    before = text[: max(start - 1, 0)]
    return before[clause_start(before, len(before)) :]
