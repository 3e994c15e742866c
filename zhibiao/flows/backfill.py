"""The backfill flow: every source of the registry through the pipeline, on demand."""

from __future__ import annotations

import time

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from zhibiao.flows.document import process_source
from zhibiao.flows.nightly import _open_run, run_settings
from zhibiao.flows.summary import finish, render_summary
from zhibiao.registry import load_sources


@flow(name="backfill", log_prints=True)
def backfill(sources: str | None = None, db: str | None = None) -> dict:
    """The nightly path under its own flow name, so runs, artifacts and the `runs` table
    tell an operator's catch-up apart from the schedule.

    Sources go one after another, as in nightly: the warehouse has one writer, and a
    backfill over the bundled registry is seconds. Re-extracting documents already loaded
    and fanning out over a task runner are the next steps (DESIGN.md, "Beyond one machine").
    """
    started = time.monotonic()
    settings = run_settings(sources, db)
    registry = load_sources(settings.sources_path)
    run_id = _open_run(settings, registry, "backfill")
    outcomes = [process_source(s, settings, run_id) for s in registry]
    summary = finish(settings, run_id, outcomes, started)
    markdown = render_summary(summary)
    create_markdown_artifact(markdown, key="zhibiao-backfill", description="zhibiao backfill")
    get_run_logger().info(markdown)
    return summary
