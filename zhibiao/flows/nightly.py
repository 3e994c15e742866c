"""The nightly flow: every source of the registry through the pipeline, then detect and notify."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from zhibiao.flows.document import process_source
from zhibiao.flows.summary import finish, render_summary
from zhibiao.registry import load_sources
from zhibiao.settings import Settings
from zhibiao.transforms import catalog
from zhibiao.warehouse import db, load


def run_settings(sources: str | None, db_path: str | None) -> Settings:
    """Environment first (ZHIBIAO_*), then the command line's explicit choices."""
    settings = Settings.from_env()
    if sources:
        settings = replace(settings, sources_path=Path(sources).resolve())
    if db_path:
        settings = replace(settings, db_path=Path(db_path).resolve())
    return settings


@flow(name="nightly", log_prints=True)
def nightly(sources: str | None = None, db: str | None = None) -> dict:
    """Fetch every source; only new bytes are decoded, extracted, validated and loaded."""
    return run_registry(
        "nightly",
        sources,
        db,
        lambda registry, settings, run_id: [process_source(s, settings, run_id) for s in registry],
    )


def run_registry(flow_name: str, sources: str | None, db_path: str | None, work) -> dict:
    """Open a run, do the flow's work over the registry, close the run and publish its
    summary (runs row, Prefect markdown artifact, log): the frame every flow shares."""
    started = time.monotonic()
    settings = run_settings(sources, db_path)
    registry = load_sources(settings.sources_path)
    with db.run_lock(settings.db_path):
        run_id = _open_run(settings, registry, flow_name)
        try:
            outcomes = work(registry, settings, run_id)
            summary = finish(settings, run_id, outcomes, started)
        except BaseException as exc:
            _record_failure(settings, run_id, exc)
            raise
    markdown = render_summary(summary)
    create_markdown_artifact(
        markdown, key=f"zhibiao-{flow_name}", description=f"zhibiao {flow_name} run summary"
    )
    get_run_logger().info(markdown)
    return summary


def _open_run(settings: Settings, registry, flow_name: str) -> str:
    run_id = str(flow_run.get_id() or "") or uuid.uuid4().hex
    with db.connect(settings.db_path) as con:
        load.upsert_sources(con, [_source_row(s) for s in registry])
        load.upsert_indicators(con, catalog.load_catalog())
        stale = load.close_stale_runs(con, closed_by=run_id)
        load.start_run(con, flow_name, run_id=run_id)
    if stale:
        get_run_logger().warning(f"{stale} earlier run(s) had not closed; marked crashed")
    return run_id


def _record_failure(settings: Settings, run_id: str, exc: BaseException) -> None:
    """The runs row says the run failed and why; the exception still ends the flow run."""
    try:
        with db.connect(settings.db_path) as con:
            load.fail_run(con, run_id, f"{type(exc).__name__}: {exc}")
    except Exception as inner:  # the warehouse itself may be what failed
        get_run_logger().error(f"could not record the failure of run {run_id}: {inner}")


def _source_row(source) -> dict:
    return {
        "source_id": source.id,
        "url": source.url,
        "kind": source.kind,
        "region": source.region,
        "publisher": source.publisher,
        "cadence": source.cadence,
        "published_on": source.published_on,
    }
