"""The new documents of a run read in parallel on Dask, written by one writer.

The flow process fetches (one HTTP session, one politeness delay per host) and snapshots
the bytes; Dask workers decode, extract and validate them a batch at a time
(flows/worker.py); the flow process alone writes what comes back, batch after batch in the
order they were sent, each document one transaction. DuckDB takes one writer process
(STACK-NOTES), so the warehouse never sees a second one, and the order makes a parallel run
write exactly what a sequential one does.

A few new documents (ZHIBIAO_DASK_MIN_DOCUMENTS or fewer, a usual night) are read in the
flow's own process by the same function, with no cluster to start.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from zhibiao.fetch import FetchResult
from zhibiao.flows import document as path
from zhibiao.flows import steps
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.flows.worker import Job, Read, read_batch_task
from zhibiao.registry import Source
from zhibiao.settings import Settings
from zhibiao.warehouse import db, load

READING = "reading"  # the outcome of a document waiting for its batch to be read


def dask_runner(settings: Settings):
    """The Prefect task runner on Dask: the scheduler at ZHIBIAO_DASK_ADDRESS, else a
    LocalCluster of one single-threaded worker process per CPU (ZHIBIAO_DASK_WORKERS):
    extraction and validation are CPU-bound Python, threads would share one GIL."""
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    workers = settings.dask_workers or os.cpu_count() or 1
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # any free port: no collision with another run's
            "preload": ["zhibiao.flows.worker"],  # worker.dask_setup: imports on start
            # Dask's statistical profiler samples each worker's task thread every 10 ms and
            # keeps the call trees for the dashboard, which no run looks at: 4-6 MB more
            # per batch read, never given back (115 MB a worker over 1,000 documents).
            "config": {"distributed.worker.profile.enabled": False},  # set in each worker
        }
    )


@dataclass
class _Waiting:
    source: Source
    fetched: FetchResult
    document: dict

    def job(self) -> Job:
        return Job(
            self.document["document_id"],
            self.source.kind,
            self.fetched.body,
            path.source_hints(self.source, self.fetched),
        )


class Pending:
    """The run's new documents, from their fetch to their write.

    Once more than ZHIBIAO_DASK_MIN_DOCUMENTS wait, a Dask task runner starts and every
    full batch goes to it as soon as it is full, so fetching goes on while workers read;
    the batches already read are written between two fetches. Use as a context manager:
    the cluster is closed whatever happens to the run.
    """

    def __init__(self, settings: Settings, run_id: str) -> None:
        self.settings, self.run_id = settings, run_id
        self.waiting: list[_Waiting] = []  # not yet sent to a worker
        self.sent: list[tuple[list[_Waiting], object]] = []  # batches and their futures
        self.done: dict[str, DocumentOutcome] = {}
        self.runner = None

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc) -> None:
        if self.runner is not None:
            runner, self.runner = self.runner, None
            runner.__exit__(*exc)

    def add(self, source: Source, fetched: FetchResult, document: dict) -> DocumentOutcome:
        """Take new bytes (snapshotted already); the outcome is a placeholder until finish."""
        self.waiting.append(_Waiting(source, fetched, document))
        if self.runner is None and len(self.waiting) > self.settings.dask_min_documents:
            self.runner = dask_runner(self.settings).__enter__()
        if self.runner is not None:
            while len(self.waiting) >= self.settings.dask_batch:
                self._send(self.settings.dask_batch)
            self._write_ready(block=False)
        return DocumentOutcome(source.id, READING, document["document_id"])

    def finish(self, outcomes: list[DocumentOutcome]) -> list[DocumentOutcome]:
        """Read and write what still waits; the placeholders replaced by what became of
        each document."""
        if self.runner is not None:
            while self.waiting:
                self._send(self.settings.dask_batch)
            self._write_ready(block=True)
        elif self.waiting:
            batch, self.waiting = self.waiting, []
            try:
                reads = self._read_here(batch)
            except Exception as exc:  # noqa: BLE001 - the batch's documents, each recorded
                self.done.update({w.document["document_id"]: self._lost(w, exc) for w in batch})
            else:
                self._write(batch, reads)
        return [self.done.get(o.document_id, o) if o.status == READING else o for o in outcomes]

    def _read_here(self, batch: list[_Waiting]) -> list[Read]:
        """In the flow's process, with the results stored for the Data Docs (a worker's
        stay in its memory: it may not see data_dir)."""
        limits = steps.document_limits(self.settings)
        return read_batch_task([w.job() for w in batch], limits, self.settings.data_dir)

    def _send(self, size: int) -> None:
        batch, self.waiting = self.waiting[:size], self.waiting[size:]
        limits = steps.document_limits(self.settings)
        jobs = [w.job() for w in batch]
        future = self.runner.submit(read_batch_task, {"jobs": jobs, "limits": limits})
        for w in batch:
            w.fetched = dataclasses.replace(w.fetched, body=b"")  # the worker has them now
        self.sent.append((batch, future))

    def _write_ready(self, block: bool) -> None:
        """Write the batches read so far, in the order they were sent (the order a
        sequential run writes in); with block, wait for every one."""
        while self.sent and (block or self.sent[0][1].wrapped_future.done()):
            batch, future = self.sent.pop(0)
            try:
                reads = future.result()
            except Exception as exc:  # noqa: BLE001 - the batch's documents, each recorded
                for w in batch:
                    self.done[w.document["document_id"]] = self._lost(w, exc)
                continue
            self._write(batch, reads)

    def _write(self, batch: list[_Waiting], reads: list[Read]) -> None:
        for w, r in zip(batch, reads, strict=True):
            doc_id = w.document["document_id"]
            try:
                self.done[doc_id] = self._write_one(w, r)
            except Exception as exc:  # noqa: BLE001 - one document's failure, recorded
                reason = f"unexpected error in load: {type(exc).__name__}: {exc}"
                path.record_unexpected(
                    self.settings, w.source, w.document, "load", reason, self.run_id
                )
                self.done[doc_id] = DocumentOutcome(
                    w.source.id, "failed", doc_id, stage="load", error=reason
                )

    def _write_one(self, w: _Waiting, r: Read) -> DocumentOutcome:
        """One document written as the sequential path writes it, then its validators kept."""
        settings, source, document = self.settings, w.source, w.document
        doc_id = document["document_id"]
        with db.connect(settings.db_path) as con:
            known = load.document_loaded(con, doc_id)  # the same bytes earlier in this run
        if known:
            outcome = DocumentOutcome(source.id, "unchanged", doc_id, notes=["same bytes"])
        elif r.stage is not None and r.expected:
            outcome = path.not_read(settings, source, document, r.stage, r.error, self.run_id)
        elif r.stage is not None:
            reason = f"unexpected error in {r.stage}: {r.error}"
            path.record_unexpected(settings, source, document, r.stage, reason, self.run_id)
            outcome = DocumentOutcome(source.id, "failed", doc_id, stage=r.stage, error=reason)
        else:
            path.described(document, source, r, w.fetched)
            outcome = path.judged(source, settings, document, r.verdict, self.run_id)
        with db.connect(settings.db_path) as con:
            path.keep_validators(con, source, w.fetched)
        return outcome

    def _lost(self, w: _Waiting, exc: Exception) -> DocumentOutcome:
        """A batch that never came back (its worker died more often than Dask retries it):
        a failure of each of its documents, nothing of them written, and no validators
        kept, so the next run fetches and reads them again."""
        source, doc_id = w.source, w.document["document_id"]
        reason = f"batch not read: {type(exc).__name__}: {exc}"[:500]
        path.record_unexpected(self.settings, source, None, "read", reason, self.run_id)
        return DocumentOutcome(source.id, "failed", doc_id, stage="read", error=reason)
