"""The backfill flow: every source of the registry through the pipeline, on demand."""

from __future__ import annotations

from prefect import flow
from prefect.states import State

from zhibiao import progress
from zhibiao.flows.discover import process_registry
from zhibiao.flows.document import reextract_document
from zhibiao.flows.nightly import run_registry
from zhibiao.warehouse import db
from zhibiao.warehouse.sql_files import load_sql


@flow(name="backfill", log_prints=True)
def backfill(sources: str | None = None, db: str | None = None, reextract: bool = False) -> State:
    """The nightly path under its own flow name, so runs, artifacts and the `runs` table
    tell an operator's catch-up apart from the schedule.

    reextract=True fetches nothing: every document the warehouse has a snapshot of is read
    again by the current extractor and its figures replaced (each observation records the
    extractor_version that produced it), one after another.

    Otherwise the new documents are read on Dask once there are more than
    ZHIBIAO_DASK_MIN_DOCUMENTS of them, and written by this process alone (flows/fanout.py,
    docs/operations.md#dask-reading-on-several-processes-or-machines).
    """

    def work(registry, settings, run_id):
        if reextract:
            return progress.each(
                _stored(settings),
                lambda row: row["source_id"],
                lambda row: reextract_document(row, settings, run_id),
            )
        return process_registry(registry, settings, run_id)

    return run_registry("backfill", sources, db, work)


def _stored(settings) -> list[dict]:
    """Documents whose bytes were decoded once (loaded or rejected), oldest publication first."""
    with db.connect(settings.db_path) as con:
        frame = con.execute(load_sql("stored_documents")).df()
    frame["published_on"] = frame["published_on"].dt.date
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]
