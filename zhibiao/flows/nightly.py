"""The nightly flow: every source of the registry through the pipeline, then detect and notify."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from zhibiao.flows.discover import process_registry
from zhibiao.flows.summary import finish, render_summary
from zhibiao.registry import load_sources
from zhibiao.settings import Settings
from zhibiao.transforms import catalog
from zhibiao.warehouse import db, load, records


def run_settings(sources: str | None, db_path: str | None) -> Settings:
    """Environment first (ZHIBIAO_*), then the command line's explicit choices."""
    settings = Settings.from_env()
    if sources:
        settings = replace(settings, sources_path=Path(sources).resolve())
    if db_path:
        settings = replace(settings, db_path=Path(db_path).resolve())
    return settings


@flow(name="nightly", log_prints=True)
def nightly(sources: str | None = None, db: str | None = None) -> State:
    """Fetch every source; only new bytes are decoded, extracted, validated and loaded."""
    return run_registry("nightly", sources, db, process_registry)


def run_registry(flow_name: str, sources: str | None, db_path: str | None, work) -> State:
    """Open a run, do the flow's work over the registry, close the run and publish its
    summary (runs row, Prefect artifacts, log): the frame every flow shares.

    The flow run ends in the state the runs row names (summary.run_status): `Completed`
    when every source went through, a `Completed` named "Completed with failures" whose
    message lists the failed sources when some did not, and `Failed` when more than
    ZHIBIAO_MAX_FAILED_SHARE of them did (docs/operations.md#run-states). An error of the
    run as a whole fails the flow run, closes its runs row and is sent to the alerts'
    channel, so a missing sources.yaml at 02:00 reaches a person.
    """
    started = time.monotonic()
    settings = run_settings(sources, db_path)
    run_id: str | None = None
    try:
        # held: one warehouse connection for the run's bookkeeping (issue 17)
        with db.run_lock(settings.db_path), db.held(settings.db_path):
            run_id = _open_run(settings, flow_name)
            try:
                registry = load_sources(settings.sources_path)
                _register(settings, registry)
                outcomes = work(registry, settings, run_id)
                summary = finish(settings, run_id, outcomes, started)
            except BaseException as exc:
                _record_failure(settings, run_id, exc)
                raise
    except Exception as exc:
        _notify_failure(settings, flow_name, run_id, exc)
        raise
    publish(flow_name, settings, summary)
    return final_state(summary)


def final_state(summary: dict) -> State:
    """The Prefect state of a finished run, from the status its runs row got."""
    status, message = summary["status"], summary["status_message"]
    if status == "failed":
        return Failed(message=message, data=summary)
    if status == "completed_with_failures":
        return Completed(name="Completed with failures", message=message, data=summary)
    return Completed(message=message, data=summary)


def publish(flow_name: str, settings: Settings, summary: dict) -> None:
    """The summary as a markdown artifact and in the log; the Data Docs and the report as
    link artifacts."""
    markdown = render_summary(summary)
    create_markdown_artifact(
        markdown, key=f"zhibiao-{flow_name}", description=f"zhibiao {flow_name} run summary"
    )
    links = [
        (
            summary.get("data_docs_url"),
            "Great Expectations Data Docs",
            "data-docs",
            f"Validation results of run {summary['run_id']} on {settings.db_path}",
        ),
        (
            summary.get("report_url"),
            "zhibiao report",
            "report",
            f"Indicators, targets, alerts and data quality of {settings.db_path}"
            f" after run {summary['run_id']}",
        ),
    ]
    for url, text, name, description in links:
        if url:
            create_link_artifact(
                url, link_text=text, key=f"zhibiao-{flow_name}-{name}", description=description
            )
    logger = get_run_logger()
    logger.info(markdown)
    for line in summary.get("warnings", []):
        logger.warning(line)


def _open_run(settings: Settings, flow_name: str) -> str:
    run_id = str(flow_run.get_id() or "") or uuid.uuid4().hex
    with db.connect(settings.db_path) as con:
        stale = load.close_stale_runs(con, closed_by=run_id)
        load.start_run(con, flow_name, run_id=run_id)
    if stale:
        get_run_logger().warning(f"{stale} earlier run(s) had not closed; marked crashed")
    return run_id


def _register(settings: Settings, registry) -> None:
    with db.connect(settings.db_path) as con:
        load.upsert_sources(con, [_source_row(s) for s in registry])
        load.upsert_indicators(con, catalog.load_catalog())
        records.upsert_regions(con)


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:2000]


def _record_failure(settings: Settings, run_id: str, exc: BaseException) -> None:
    """The runs row says the run failed and why; the exception still ends the flow run."""
    try:
        with db.connect(settings.db_path) as con:
            load.fail_run(con, run_id, _one_line(exc))
    except Exception as inner:  # the warehouse itself may be what failed
        get_run_logger().error(f"could not record the failure of run {run_id}: {inner}")


def _notify_failure(settings: Settings, flow_name: str, run_id: str | None, exc) -> None:
    """A failed delivery is a warning of this flow run's log, never a second exception."""
    from zhibiao import notify

    run = run_id or str(flow_run.get_id() or "") or "(not started)"
    error = notify.notify_run_failure(settings, flow_name, run, _one_line(exc))
    if error:
        get_run_logger().warning(f"run failure not delivered: {error}")


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
