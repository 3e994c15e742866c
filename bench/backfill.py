"""A backfill from empty of synthetic documents on a loopback HTTP server (make bench):
issue 17's 1,000 documents in under 3 minutes and 1.5 GB on 2 cores, and issue 18's
Dask fan-out against the sequential run.

Each size is one backfill flow run (a minute-long call is its own sample), into its own
warehouse, inside one Prefect test server whose start is timed apart. Memory is the peak
resident set of the bench process and every process under it (the Dask workers), sampled
every 0.2 s. Where the time goes is read back from the flow run's task runs: fetch, read
(decode, extract, validate: on the workers when on Dask) and load, against the wall time.

BENCH_BACKFILL_SIZES=10,50 (for instance) runs fewer documents while developing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _documents  # noqa: E402
from bench._timing import Report, Result, Timing  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_BACKFILL_SIZES", "10,100,1000").split(",")]
MAX_SECONDS = 180.0  # issue 17: 1,000 documents from empty in under 3 minutes
MAX_MB = 1536.0  # ... and under 1.5 GB
PARAGRAPHS = 20  # about 4 KB of text a document, as a short release
FLAT = 1.25  # cost per document at the largest size within this of the one at 100
SEQUENTIAL = {"ZHIBIAO_DASK_MIN_DOCUMENTS": "1000000"}
DASK = {"ZHIBIAO_DASK_MIN_DOCUMENTS": "0", "ZHIBIAO_DASK_WORKERS": "2"}


def once(seconds: float) -> Timing:
    return Timing(seconds, seconds, seconds, 1, 1)


class PeakMemory:
    """Peak RSS of this process and the processes it starts meanwhile (the Dask workers),
    sampled in a thread; processes already running (the Prefect test server) are
    reported apart, as its start is."""

    def __init__(self) -> None:
        import psutil

        self.me, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self.before = {p.pid for p in self.me.children(recursive=True)}
        self.server = 0

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            total, server = 0, 0
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                if p.pid in self.before:
                    server += rss
                else:
                    total += rss
            self.peak, self.server = max(self.peak, total), max(self.server, server)

    @property
    def mb(self) -> float:
        return self.peak / 2**20


def run(registry: Path, env: dict[str, str]) -> tuple[float, PeakMemory, dict, dict]:
    """One backfill from empty: wall seconds, memory, summary, seconds by step."""
    from zhibiao.flows.backfill import backfill

    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        saved = {k: os.environ.get(k) for k in [*env, "ZHIBIAO_DATA_DIR"]}
        os.environ.update({**env, "ZHIBIAO_DATA_DIR": str(data)})
        try:
            with PeakMemory() as memory:
                started = time.perf_counter()
                state = backfill(sources=str(registry), db=f"{tmp}/w.duckdb", return_state=True)
                wall = time.perf_counter() - started
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        summary = state.result(raise_on_failure=False)
        return wall, memory, summary, steps(state.state_details.flow_run_id)


def steps(flow_run_id) -> dict[str, float]:
    """Seconds spent in each kind of task run (by name: fetch-, read-, load-, ...)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    tasks = []
    with get_client(sync_client=True) as client:
        while page := client.read_task_runs(flow_run_filter=runs, limit=200, offset=len(tasks)):
            tasks += page
    out: dict[str, float] = {}
    for t in tasks:
        kind = t.name.split("-")[0]
        out[kind] = out.get(kind, 0.0) + t.total_run_time.total_seconds()
    return {k: round(v, 2) for k, v in sorted(out.items())}


def main() -> int:
    from prefect.testing.utilities import prefect_test_harness

    report = Report("backfill")
    with tempfile.TemporaryDirectory(prefix="zhibiao-site-") as site:
        folder = Path(site) / "docs"
        docs = _documents.documents(max(SIZES), paragraphs=PARAGRAPHS)
        _documents.write(folder, docs)
        size_mb = sum(len(d.body) for d in docs) / 2**20
        print(f"{len(docs)} synthetic documents, {size_mb:.1f} MB", flush=True)
        with _documents.served(folder) as base:
            started = time.perf_counter()
            with prefect_test_harness(server_startup_timeout=180):
                report.add(
                    Result(
                        "Prefect test server start (apart from every run below)",
                        once(time.perf_counter() - started),
                    )
                )
                measure(report, Path(site), base, docs)
    return report.write()


def measure(report: Report, site: Path, base: str, docs: list) -> None:
    per_doc: dict[tuple[str, int], float] = {}
    walls: dict[tuple[str, int], float] = {}
    for n in SIZES:
        registry = _documents.registry(site / f"sources-{n}.yaml", base, docs[:n])
        for name, env in (("sequential", SEQUENTIAL), ("dask, 2 workers", DASK)):
            wall, memory, summary, by_step = run(registry, env)
            mb, server_mb = memory.mb, memory.server / 2**20
            walls[name, n], per_doc[name, n] = wall, wall / n
            loaded = summary["documents_new"]
            report.add(
                Result(
                    f"backfill of {n:,} documents from empty, {name}",
                    once(wall),
                    max_seconds=MAX_SECONDS if n >= 1000 and name != "sequential" else None,
                    note=f"{wall / n:.3f} s a document; {loaded} loaded, "
                    f"{summary['documents_failed']} failed, {summary['figures_loaded']:,} "
                    f"figures; peak {mb:.0f} MB (Prefect server apart: {server_mb:.0f} MB); "
                    f"task seconds {by_step}",
                    extra={
                        "documents": n,
                        "peak_mb": round(mb),
                        "prefect_server_mb": round(server_mb),
                        "task_seconds": by_step,
                    },
                    max_mb=MAX_MB if n >= 1000 else None,
                    peak_mb=mb,
                )
            )
    big = max(SIZES)
    report.add(
        Result(
            f"backfill of {big:,} documents: 2 Dask workers against the sequential run",
            once(walls["dask, 2 workers", big]),
            "the sequential run of the same documents",
            once(walls["sequential", big]),
            note="speed-up "
            f"{walls['sequential', big] / walls['dask, 2 workers', big]:.2f}x on 2 shared cores",
        )
    )
    small = min(SIZES)
    report.add(
        Result(
            f"fixed cost of the cluster on a small night ({small} new documents)",
            once(walls["dask, 2 workers", small] - walls["sequential", small]),
            note="LocalCluster start, worker imports (GX once a worker), teardown; a night "
            "of ZHIBIAO_DASK_MIN_DOCUMENTS (8) or fewer new documents starts no cluster",
        )
    )
    if 100 in SIZES and big > 100:
        for name in ("sequential", "dask, 2 workers"):
            report.add(
                Result(
                    f"cost per document, {big:,} against 100 documents, {name}",
                    once(per_doc[name, big]),
                    "cost per document at 100 documents",
                    once(per_doc[name, 100]),
                    max_ratio=FLAT,
                    note="the curve: " + ", ".join(f"{n}: {per_doc[name, n]:.3f} s" for n in SIZES),
                )
            )


if __name__ == "__main__":
    sys.exit(main())
