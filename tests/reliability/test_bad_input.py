"""Per-document limits (issue 16): a deadline and a cap on figures, hit quickly and named.

Every text here is a synthetic fixture, built to pass a limit; none is a real release.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from zhibiao.settings import Settings, SettingsError
from zhibiao.transforms.extract import extract_figures
from zhibiao.transforms.limits import LimitExceeded, Limits
from zhibiao.transforms.read import SourceHints, read_document

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
HINTS = SourceHints(region="林芝市", name="dump.txt")
GROWTH = "全市地区生产总值增长8.5%"


def _one_line(joiner: str, figures: int = 80_000) -> bytes:
    """One paragraph of `figures` figures, about 2.9 MB: a generated page, not a report."""
    return ("2023年林芝市经济运行情况：" + (GROWTH + joiner) * figures).encode()


@pytest.mark.parametrize("joiner", ["，", "。", "；"], ids=["one clause", "sentences", "parts"])
def test_a_single_line_of_80000_figures_is_stopped_by_the_cap_in_seconds(joiner):
    raw = _one_line(joiner)
    assert len(raw) > 2_900_000
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        read_document(raw, HINTS, Limits(seconds=120, max_figures=20_000))
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert "more than 20,000 figures" in message and "ZHIBIAO_MAX_FIGURES" in message
    assert "80,000 found" in message and "\n" not in message
    assert elapsed < 30, f"{elapsed:.1f} s"  # unlimited, one clause of these ran for hours


def test_figures_past_the_cap_found_only_as_extraction_goes_are_stopped_too():
    """A ratio is no number-and-unit quantity, so the first count misses its parts: the
    count of figures as they are read catches them."""
    text = "".join(f"{year}年三次产业结构为9.1:37.5:53.4。\n" for year in range(2010, 2015))
    assert len(extract_figures(text, region="林芝市")) == 15
    with pytest.raises(LimitExceeded, match="more than 10 figures.*12 found by paragraph 5"):
        extract_figures(text, region="林芝市", budget=Limits(max_figures=10).start())


class _Clock:
    """A clock that advances one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_the_deadline_stops_extraction_between_figures_of_one_long_clause():
    text = "2023年林芝市经济运行情况：" + (GROWTH + "，") * 50
    budget = Limits(seconds=10).start(clock=_Clock())
    with pytest.raises(LimitExceeded) as caught:
        extract_figures(text, region="林芝市", budget=budget)
    message = str(caught.value)
    assert message.startswith("document took more than 10 s to decode and extract")
    assert "ZHIBIAO_DOCUMENT_TIMEOUT" in message and "paragraph 1" in message
    assert budget.clock.now < 15  # stopped at the first check past the deadline


def test_the_deadline_covers_decoding():
    with pytest.raises(LimitExceeded, match="stopped after decoding, before extraction"):
        read_document(_one_line("。", 100), HINTS, Limits(seconds=1e-9))


def test_a_real_report_reads_the_same_within_the_default_limits():
    raw = REPORT.read_bytes()
    settings = Settings()
    limits = Limits(seconds=settings.document_timeout, max_figures=settings.max_figures)
    _, unlimited = read_document(raw, SourceHints(region="林芝市", name=REPORT.name))
    _, limited = read_document(raw, SourceHints(region="林芝市", name=REPORT.name), limits)
    assert len(unlimited) >= 130
    pd.testing.assert_frame_equal(limited, unlimited)


def test_the_limits_are_settings_with_defaults():
    defaults = Settings.from_env({})
    assert (defaults.document_timeout, defaults.max_figures) == (120.0, 20_000)
    env = {"ZHIBIAO_DOCUMENT_TIMEOUT": "30", "ZHIBIAO_MAX_FIGURES": "500"}
    chosen = Settings.from_env(env)
    assert (chosen.document_timeout, chosen.max_figures) == (30.0, 500)
    with pytest.raises(SettingsError, match="ZHIBIAO_MAX_FIGURES must be at least 1; got '0'"):
        Settings.from_env({"ZHIBIAO_MAX_FIGURES": "0"})
    with pytest.raises(SettingsError, match="ZHIBIAO_DOCUMENT_TIMEOUT must be a number"):
        Settings.from_env({"ZHIBIAO_DOCUMENT_TIMEOUT": "2min"})
