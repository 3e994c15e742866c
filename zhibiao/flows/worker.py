"""What a Dask worker does with a batch of documents: bytes in, figures and verdicts out.

A worker never opens the warehouse, the snapshots or the network: the flow process fetched
the bytes and will write what comes back (flows/fanout.py, the one writer). This module
imports the transforms and the expectations and nothing of warehouse/, so a worker process
loads neither DuckDB nor the flows (tests/test_fanout.py checks the imports).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from zhibiao.transforms import catalog, read
from zhibiao.transforms.decode import DecodeError
from zhibiao.transforms.limits import LimitExceeded, Limits
from zhibiao.transforms.read import SourceHints


@dataclass(frozen=True)
class Job:
    """One document to read: its bytes, what the registry and the fetch say about it."""

    document_id: str
    kind: str
    body: bytes
    hints: SourceHints


@dataclass
class Read:
    """What reading one document gave: its figures' verdict, or the step that failed."""

    document_id: str
    title: str | None = None
    encoding: str | None = None
    published_on: str | None = None  # as the document states it, YYYY-MM-DD
    verdict: object | None = None  # expectations.ValidationOutcome
    stage: str | None = None  # decode, extract, read or validate when it failed
    error: str | None = None
    expected: bool = True  # False: an error no step expected (a bug), not the document's


def read_batch(jobs: list[Job], limits: Limits, data_dir: Path | None = None) -> list[Read]:
    """Decode and extract each document, then validate all their figures in one run of each
    suite (expectations.validate_batch: one run per batch, not per document, with each
    document judged alone). One document's failure is its own Read, never the batch's.
    With data_dir the results are stored for its Data Docs; else they stay in memory."""
    from zhibiao.expectations import open_context, validate_batch  # GX: 5 s, once a process

    reads, figures = [], {}
    for job in jobs:
        try:
            decoded, frame = read.read_document(job.body, job.hints, limits)
        except (DecodeError, LimitExceeded) as exc:
            stage = "extract" if isinstance(exc, LimitExceeded) else "decode"
            reads.append(Read(job.document_id, stage=stage, error=str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one document's surprise, named in its Read
            reads.append(Read(job.document_id, stage="read", error=_line(exc), expected=False))
            continue
        reads.append(Read(job.document_id, decoded.title, decoded.encoding, decoded.published_on))
        figures[job.document_id] = frame
    kinds = {job.document_id: job.kind for job in jobs}
    error = "no verdict came back for it"
    try:
        verdicts = validate_batch(
            [(d, kinds[d], frame) for d, frame in figures.items()],
            catalog=catalog.load_catalog(),
            context=open_context(data_dir) if data_dir is not None else None,
        )
    except Exception as exc:  # noqa: BLE001 - the batch's documents each carry it
        verdicts, error = {}, _line(exc)
    for r in reads:
        if r.stage is None:
            r.verdict = verdicts.get(r.document_id)
            if r.verdict is None:
                r.stage, r.error, r.expected = "validate", error, False
    return reads


@task(name="read-batch", task_run_name="read-{jobs[0].document_id:.12}", cache_policy=NONE)
def read_batch_task(jobs: list[Job], limits: Limits, data_dir: Path | None = None) -> list[Read]:
    """read_batch on a Dask worker. No Prefect retries: a worker that dies mid-batch is
    Dask's to reschedule (distributed.scheduler.allowed-failures), and a batch lost beyond
    that is the next run's to read again (fanout.lost)."""
    return read_batch(jobs, limits, data_dir)


def dask_setup(worker) -> None:
    """Dask's preload hook (fanout.dask_runner names this module): the imports and the Great
    Expectations context every batch needs, made once when the worker process starts, on
    its main thread. Made by the first batch instead, on the worker's task thread, the same
    imports leave each worker about 70 MB larger for the rest of its life (455 against
    388 MB after one batch of 25 documents, measured on a LocalCluster worker)."""
    import prefect.task_engine  # noqa: F401 - what prefect-dask runs each batch through

    from zhibiao.expectations import context

    context.prepared()


def _line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text[:300] + ("…" if len(text) > 300 else "")
