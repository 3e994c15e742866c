"""Extraction speed, as a ratio to a baseline measured in the same run (make bench).

Baseline: one pass of a bare number regex over the same text, the least any extractor must
do. The ratio says how many such passes one full extraction costs, so it stays comparable
across machines and noisy neighbours.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhibiao.transforms.decode import decode  # noqa: E402
from zhibiao.transforms.extract import extract_figures  # noqa: E402
from zhibiao.transforms.read import SourceHints, read_document  # noqa: E402

REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
GOLDEN = ROOT / "tests" / "golden"
REPEAT = 7


def _best(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    raw = REPORT.read_bytes()
    text = decode(raw, filename=REPORT.name).text
    extract_figures(text, year=2024)  # warm the catalog and regex caches
    number = re.compile(r"\d+(?:\.\d+)?")
    baseline = _best(lambda: number.findall(text))
    decode_s = _best(lambda: decode(raw, filename=REPORT.name))
    extract_s = _best(lambda: extract_figures(text, year=2024))
    figures = len(extract_figures(text, year=2024))
    print(f"document: {REPORT.name}, {len(text)} characters, {figures} figures")
    print(f"baseline regex scan: {baseline * 1e3:.3f} ms")
    print(f"decode:  {decode_s * 1e3:.1f} ms  ratio {decode_s / baseline:.0f}x baseline")
    print(f"extract: {extract_s * 1e3:.1f} ms  ratio {extract_s / baseline:.0f}x baseline")
    print(f"extract throughput: {len(text) / extract_s / 1e3:.0f} k characters/s")
    per_doc = []
    for folder in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        source = next((p for p in folder.iterdir() if p.stem == "source"), None)
        if source is None:
            continue
        raw_doc, hints = source.read_bytes(), SourceHints(name=source.name)
        per_doc.append(_best(lambda r=raw_doc, h=hints: read_document(r, h), 3))
    print(
        f"golden documents: {len(per_doc)}, median read (decode + extract) {statistics.median(per_doc) * 1e3:.1f} ms"
        f", max {max(per_doc) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
