"""The extractor on the shared corpus of real releases (../shared/corpus), scored by its own
evaluate.py in place, as the yardstick measures it (issue 10). Skipped where the corpus is
not beside the project (a clean clone on its own): the project's own real releases
(tests/golden/real-*) are in test_golden either way.

The floors sit just under the scores measured when this test was written (see
docs/corpus.md): a fall below them is a regression, not noise (the scorer is exact).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVALUATE = ROOT.parent / "shared" / "corpus" / "evaluate.py"

FLOORS = {
    "extract": {"precision": 0.98, "recall": 0.98, "period_acc": 0.97, "status_acc": 0.97,
                "region_acc": 0.97},
    "extract_no_region": {"precision": 0.98, "recall": 0.98, "period_acc": 0.97, "region_acc": 0.90},
}  # fmt: skip


def _score(tmp_path: Path, *flags: str) -> dict:
    out = tmp_path / "totals.json"
    subprocess.run(
        [sys.executable, str(EVALUATE), "--extract", *flags, "--json", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    return json.loads(out.read_text(encoding="utf-8"))["extract"]


@pytest.mark.skipif(not EVALUATE.exists(), reason="../shared/corpus is not beside the project")
@pytest.mark.parametrize(
    ("mode", "flags"), [("extract", ()), ("extract_no_region", ("--no-region",))]
)
def test_shared_corpus_scores_do_not_fall(tmp_path, mode, flags):
    totals = _score(tmp_path, *flags)
    low = {k: (totals[k], floor) for k, floor in FLOORS[mode].items() if totals[k] < floor}
    assert not low, f"{mode}: score below its floor (score, floor): {low}"
