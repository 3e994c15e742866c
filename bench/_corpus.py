"""A corpus of varied releases for the extraction bench, made from the real ones we have.

The real releases (the golden folders' sources, the bundled report, the shared corpus when
it sits beside the project or ZHIBIAO_SHARED_CORPUS names it) come to about 60,000
characters; timing them once would flatter every cache. Each further copy shuffles a document's paragraphs and redraws its figures
(digits replaced, years kept), so sentences repeat their constructions, as releases do,
but rarely their text. Seeded: the same corpus every run.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

from zhibiao.transforms.decode import decode

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZHIBIAO_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))
SOURCES = [
    *sorted((ROOT / "tests" / "golden").glob("*/source.*")),
    *sorted((ROOT / "data" / "sources").glob("*.txt")),
    *sorted((SHARED / "docs").glob("*")),
]
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")


def real_documents() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every real release found."""
    return [(p.name, p.read_bytes()) for p in SOURCES if p.is_file()]


def _redraw(rng: random.Random, match: re.Match[str]) -> str:
    digits = match[0]
    if len(digits) == 4 and _YEAR.fullmatch(digits):
        return digits  # a year: a different one would move every period
    first = str(rng.randint(1, 9)) if len(digits) > 1 else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])


def varied_texts(size_bytes: int, seed: int = 17) -> list[str]:
    """Decoded texts, the real ones first, then varied copies, up to size_bytes of UTF-8."""
    texts = [decode(raw, filename=name).text for name, raw in real_documents()]
    out, total, rng = [], 0, random.Random(seed)
    i = 0
    while total < size_bytes:
        text = texts[i % len(texts)]
        if i >= len(texts):
            paragraphs = text.split("\n")
            head, body = paragraphs[:1], paragraphs[1:]
            rng.shuffle(body)
            text = _NUMBER.sub(lambda m: _redraw(rng, m), "\n".join(head + body))
        out.append(text)
        total += len(text.encode("utf-8"))
        i += 1
    return out
