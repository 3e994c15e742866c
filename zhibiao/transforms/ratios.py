"""Structure ratios (三次产业结构为9.1:37.5:53.4) as one share figure per part."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Parts of the ratios that bulletins publish, by the word in front of the ratio.
RATIO_PARTS: dict[str, tuple[str, ...]] = {
    "三次产业": ("第一产业比重", "第二产业比重", "第三产业比重"),
    "一二三产业": ("第一产业比重", "第二产业比重", "第三产业比重"),
    "三产": ("第一产业比重", "第二产业比重", "第三产业比重"),
}
_NUM = r"\d+(?:\.\d+)?"
_RATIO = re.compile(rf"(?P<parts>{_NUM}(?:[:：∶]{_NUM}){{1,4}})(?![\d.:：∶])")


@dataclass(frozen=True)
class Ratio:
    start: int
    end: int
    parts: tuple[str, ...]
    labels: tuple[str, ...]


def find_ratios(sentence: str) -> list[Ratio]:
    """Ratios whose parts are named by RATIO_PARTS; an unnamed a:b is not a figure (a time)."""
    found = []
    for m in _RATIO.finditer(sentence):
        parts = tuple(re.split(r"[:：∶]", m["parts"]))
        before = sentence[max(0, m.start() - 40) : m.start()]
        for word, labels in RATIO_PARTS.items():
            if word in before and len(labels) == len(parts):
                found.append(Ratio(m.start(), m.end(), parts, labels))
                break
    return found
