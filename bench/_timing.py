"""Timing and reporting for the bench scripts: samples long enough to time, floors, targets.

A sample shorter than the timer's noise says nothing (a 0.15 ms floor moved a ratio from
267x to 596x between two runs), so every sample loops its call until it lasts at least
MIN_SAMPLE_S and reports the time of one call. Each measure keeps min, median and max of
its samples; a target is a ratio to a floor timed in the same run (or a time where no floor
exists), and each script writes its results to bench/results/<script>.json for run.py.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
MIN_SAMPLE_S = 0.05  # one sample lasts at least this long: the floor is never timer noise


@dataclass
class Timing:
    """Seconds per call over repeated samples."""

    min: float
    median: float
    max: float
    samples: int
    calls_per_sample: int

    def line(self) -> str:
        return f"{_fmt(self.median)} (min {_fmt(self.min)}, max {_fmt(self.max)})"


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 1 else f"{seconds * 1e3:.2f} ms"


def measure(
    fn: Callable[[], object],
    repeat: int = 5,
    min_s: float = MIN_SAMPLE_S,
    warmup: Callable[[], object] | None = None,
) -> Timing:
    """Warm up (fn itself, or a cheaper `warmup` for a call of a minute), time one call, then
    `repeat` samples of at least min_s each."""
    if warmup is not None:
        warmup()
    started = time.perf_counter()
    fn()
    once = time.perf_counter() - started
    calls = max(1, int(min_s / once) + 1) if once < min_s else 1
    if warmup is not None and calls == 1:
        repeat -= 1  # the timed first call was already warm: it is a sample
    per_call = [once] if warmup is not None and calls == 1 else []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter() - started) / calls)
    return Timing(min(per_call), statistics.median(per_call), max(per_call), repeat, calls)


@dataclass
class Result:
    """One line of bench/results.json: a measure, its floor, and the target it must hold."""

    name: str
    timing: Timing
    floor_name: str | None = None
    floor: Timing | None = None
    max_ratio: float | None = None  # target: median / floor median at most this
    max_seconds: float | None = None  # target where no floor exists
    note: str = ""
    extra: dict = field(default_factory=dict)
    max_mb: float | None = None  # a memory target beside the time's: peak_mb at most this
    peak_mb: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.timing.median / self.floor.median if self.floor else None

    @property
    def ok(self) -> bool | None:
        verdicts = []
        if self.max_ratio is not None and self.ratio is not None:
            verdicts.append(self.ratio <= self.max_ratio)
        elif self.max_seconds is not None:
            verdicts.append(self.timing.median <= self.max_seconds)
        if self.max_mb is not None and self.peak_mb is not None:
            verdicts.append(self.peak_mb <= self.max_mb)
        return all(verdicts) if verdicts else None  # None: reported, no target

    def target(self) -> str:
        targets = []
        if self.max_ratio is not None:
            targets.append(f"<= {self.max_ratio:g}x floor")
        elif self.max_seconds is not None:
            targets.append(f"<= {_fmt(self.max_seconds)}")
        if self.max_mb is not None:
            targets.append(f"<= {self.max_mb:g} MB")
        return ", ".join(targets) or "-"

    def as_dict(self) -> dict:
        out = {
            "name": self.name,
            "seconds": asdict(self.timing),
            "floor": self.floor_name,
            "floor_seconds": asdict(self.floor) if self.floor else None,
            "ratio": round(self.ratio, 3) if self.ratio is not None else None,
            "target": self.target(),
            "ok": self.ok,
            "note": self.note,
        }
        out.update(self.extra)
        return out

    def print(self) -> None:
        verdict = {True: "ok", False: "MISSED", None: ""}[self.ok]
        print(f"{self.name}: {self.timing.line()}")
        if self.floor is not None:
            print(f"    floor, {self.floor_name}: {self.floor.line()}")
            print(f"    ratio {self.ratio:.2f}x, target {self.target()} {verdict}")
        elif self.ok is not None:
            print(f"    target {self.target()} {verdict}")
        if self.note:
            print(f"    {self.note}")


class Report:
    """The results of one bench script, printed as they come and written at the end."""

    def __init__(self, script: str) -> None:
        self.script = script
        self.results: list[Result] = []

    def add(self, result: Result) -> Result:
        result.print()
        self.results.append(result)
        return result

    def write(self) -> int:
        """Write bench/results/<script>.json; the exit code: 1 when a target was missed."""
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{self.script}.json"
        rows = [r.as_dict() for r in self.results]
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        missed = [r.name for r in self.results if r.ok is False]
        if missed:
            print(f"{len(missed)} target(s) missed: {'; '.join(missed)}")
        return 1 if missed else 0
