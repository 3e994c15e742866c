"""The progress bar of `zhibiao run`/`backfill`: drawn on a terminal, silent elsewhere."""

from __future__ import annotations

import io

from rich.console import Console

from zhibiao import progress
from zhibiao.flows.steps import DocumentOutcome

SOURCES = ["gwr-2023", "gwr-2024", "bulletin-2023", "bulletin-2024"]


def _work(source_id: str) -> DocumentOutcome:
    return DocumentOutcome(source_id, "new", figures_loaded=10)


def test_on_a_terminal_the_bar_shows_documents_figures_and_the_source():
    out = io.StringIO()
    with progress.shown(Console(file=out, force_terminal=True, width=120)):
        outcomes = progress.each(SOURCES, str, _work)
    assert [o.source_id for o in outcomes] == SOURCES
    text = out.getvalue()
    assert "4/4" in text and "40 figures loaded" in text
    assert "bulletin-2024" in text


def test_without_a_terminal_nothing_is_printed():
    out = io.StringIO()
    with progress.shown(Console(file=out, force_terminal=False)):
        outcomes = progress.each(SOURCES, str, _work)
    assert len(outcomes) == len(SOURCES) and out.getvalue() == ""


def test_a_run_of_a_few_documents_draws_no_bar():
    out = io.StringIO()
    few = SOURCES[: progress.MIN_DOCUMENTS - 1]
    with progress.shown(Console(file=out, force_terminal=True)):
        assert [o.source_id for o in progress.each(few, str, _work)] == few
    assert out.getvalue() == ""


def test_the_flows_report_through_each():
    """nightly and backfill hand their per-document work to progress.each, or no bar: the
    registry's entries through discover.process_registry, re-extraction directly."""
    import inspect

    from zhibiao.flows import backfill, discover, nightly

    assert "progress.each(" in inspect.getsource(discover.process_registry)
    assert "process_registry" in inspect.getsource(nightly.nightly)
    source = inspect.getsource(backfill.backfill)
    assert source.count("progress.each(") == 1 and "process_registry(" in source
