"""Extraction speed, as a ratio to a floor measured in the same run (make bench).

Floor: one pass of a regex for numbers with their units over the same corpus, the least
any extractor must do; at several MB it takes far longer than the timer's noise. The ratio
says how many such passes one full extraction costs, so it stays comparable across
machines and noisy neighbours. ZHIBIAO_BENCH_MB sets the corpus size (default 5).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._corpus import real_documents, varied_texts  # noqa: E402
from bench._timing import Report, Result, measure  # noqa: E402
from zhibiao.transforms.decode import decode  # noqa: E402
from zhibiao.transforms.extract import extract_rows, figures_frame  # noqa: E402

MB = float(os.environ.get("ZHIBIAO_BENCH_MB", "5"))
REPEAT = int(os.environ.get("ZHIBIAO_BENCH_REPEAT", "3"))  # a 5 MB extraction is ~1 minute
MAX_RATIO = 30  # issue 17: extraction within 30x of the regex floor
# Numbers with a magnitude and a unit after them (45.6亿元, 7.5%, 1300余万人次).
FLOOR = re.compile(r"\d+(?:\.\d+)?(?:[余多])?(?:[万亿千百]+)?(?:%|[^\W\d_]{1,3})?")


def main() -> int:
    report = Report("extract")
    texts = varied_texts(int(MB * 1e6))
    chars = sum(map(len, texts))
    size = sum(len(t.encode("utf-8")) for t in texts)
    print(f"corpus: {len(texts)} documents, {size / 1e6:.1f} MB, {chars:,} characters")

    def floor() -> None:
        for text in texts:
            FLOOR.findall(text)

    figures = [0]

    def extract() -> None:
        # rows per document, one frame at the end: what a run over many documents does
        figures[0] = len(figures_frame([row for text in texts for row in extract_rows(text)]))

    floor_t = measure(floor, REPEAT)
    extract_t = measure(extract, REPEAT, warmup=lambda: [extract_rows(t) for t in texts[:80]])
    report.add(
        Result(
            f"extract, {size / 1e6:.1f} MB of varied releases ({len(texts)} documents)",
            extract_t,
            "regex scan for numbers with units",
            floor_t,
            max_ratio=MAX_RATIO,
            note=f"{figures[0]:,} figures; {chars / extract_t.median / 1e3:.0f} k characters/s",
            extra={"characters": chars, "figures": figures[0]},
        )
    )
    raws = real_documents()
    report.add(
        Result(
            f"decode, the {len(raws)} real releases",
            measure(lambda: [decode(raw, filename=name) for name, raw in raws], REPEAT),
            note="bytes to text: charset, HTML main text, layout (reported, no target)",
        )
    )
    return report.write()


if __name__ == "__main__":
    sys.exit(main())
