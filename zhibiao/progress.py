"""A run's progress for the person at a terminal: documents done, figures loaded, the
current source. The flows only hand their per-document work to `each`; whether anything
is drawn is the command line's choice (`shown`), so a flow run by a worker, a test or a
pipe into a log file prints nothing more than before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# A run of a few documents is over before a bar would tell anyone anything.
MIN_DOCUMENTS = 4

_bar: _Bar | None = None


def each(items: Sequence[Any], name: Callable[[Any], str], work: Callable[[Any], Any]) -> list:
    """work(item) for every item in order, shown on the bar when one is up. An outcome's
    `figures_loaded` (DocumentOutcome) adds to the figures column."""
    bar = _bar if _bar is not None and len(items) >= MIN_DOCUMENTS else None
    if bar is None:
        return [work(item) for item in items]
    bar.start(len(items))
    outcomes = []
    for item in items:
        bar.begin(name(item))
        outcome = work(item)
        bar.done(getattr(outcome, "figures_loaded", 0))
        outcomes.append(outcome)
    return outcomes


@contextlib.contextmanager
def shown(console=None) -> Iterator[None]:
    """Draw a bar for the runs inside, on the console when it is a terminal (stdout by
    default); otherwise draw nothing, so CI logs and captured output stay clean."""
    global _bar
    from rich.console import Console

    console = console or Console()
    if not console.is_terminal:
        yield
        return
    _bar = _Bar(console)
    try:
        yield
    finally:
        _bar.stop()
        _bar = None


class _Bar:
    def __init__(self, console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("documents, {task.fields[figures]} figures loaded"),
            TextColumn("{task.description}"),
            console=console,
            transient=False,
        )
        self.task = None
        self.figures = 0

    def start(self, total: int) -> None:
        self.figures = 0
        self.progress.start()
        self.task = self.progress.add_task("", total=total, figures=0)

    def begin(self, source: str) -> None:
        # Drawn now: a document takes seconds, the next timed refresh may come after it.
        self.progress.update(self.task, description=source, refresh=True)

    def done(self, figures: int) -> None:
        self.figures += figures or 0
        self.progress.update(self.task, advance=1, figures=self.figures)

    def stop(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, description="done")
        self.progress.stop()
