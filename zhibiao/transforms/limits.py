"""How much one document may cost: a wall-clock deadline and a cap on figures, checked as it goes.

A generated page or a data dump (one 2.9 MB line of 80,000 figures) must not hold the night:
decoding and extraction check a Budget between paragraphs and between figures, and stop
with LimitExceeded, whose one-line message names the limit and its setting. The checks are
cooperative (a clock read, no signals), so they work in any thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


class LimitExceeded(ValueError):
    """A document passed a per-document limit; the message says which and where."""


@dataclass(frozen=True)
class Limits:
    """None means unlimited: `zhibiao extract`, the golden tests and the bench read whole."""

    seconds: float | None = None  # decode + extract, wall clock (ZHIBIAO_DOCUMENT_TIMEOUT)
    max_figures: int | None = None  # figures of one document (ZHIBIAO_MAX_FIGURES)

    def start(self, clock: Callable[[], float] = time.monotonic) -> Budget:
        return Budget(self, clock)


class Budget:
    """A Limits from the moment a document's reading began."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.started = clock()

    def check_time(self, where: str) -> None:
        seconds = self.limits.seconds
        if seconds is not None and self.clock() - self.started > seconds:
            raise LimitExceeded(
                f"document took more than {seconds:g} s to decode and extract, the limit per "
                f"document (ZHIBIAO_DOCUMENT_TIMEOUT); stopped {where}"
            )

    def check_figures(self, count: int, where: str) -> None:
        """`count`: figures so far, or quantities found, each of which becomes a figure."""
        cap = self.limits.max_figures
        if cap is not None and count > cap:
            raise LimitExceeded(
                f"document holds more than {cap:,} figures, the cap per document "
                f"(ZHIBIAO_MAX_FIGURES): {count:,} found {where}; extraction stopped"
            )


UNLIMITED = Limits()
