"""The backfill read on Dask (issue 18): real worker processes, a real scheduler, a loopback
HTTP server of synthetic documents (bench/_documents.py), a real DuckDB file per run.

The warehouse a parallel run writes must be the one a sequential run writes; a worker
killed mid-run must cost nothing once the next run has gone through; and a scheduler named
by ZHIBIAO_DASK_ADDRESS must be the one that does the work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from bench import _documents

DOCUMENTS = 6  # three batches of two: both workers busy, one batch to lose
BATCH = "2"

# Every column a load writes from the bytes, none of when or where it ran.
FINGERPRINT = """
select
  (select md5(string_agg(r, ';' order by r)) from (
     select concat_ws('|', indicator_code, indicator_label, series_label, region, period,
              period_type, measure, value, value_high, unit, raw_value, raw_unit, status,
              qualifier, document_id, published_on, realtime_start, realtime_end, evidence,
              extractor_version, series_kind, derivation, is_latest) as r
     from observations)),
  (select md5(string_agg(r, ';' order by r)) from (
     select concat_ws('|', document_id, source_id, url, final_url, kind, region, title,
              published_on, size_bytes, content_type, charset, status, error, figures,
              extractor_version) as r
     from documents)),
  (select count(*) from observations),
  (select count(*) from documents where status = 'loaded')
"""


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The synthetic documents on a loopback server, and a registry naming each."""
    folder = tmp_path_factory.mktemp("site")
    docs = _documents.documents(DOCUMENTS)
    _documents.write(folder, docs)
    with _documents.served(folder) as base:
        yield _documents.registry(folder.parent / "sources.yaml", base, docs)


def backfill(registry: Path, workdir: Path, monkeypatch, **env: str):
    """One backfill into workdir's own warehouse; (fingerprint, final state)."""
    from zhibiao.flows.backfill import backfill as flow

    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    settings = {
        "ZHIBIAO_DATA_DIR": str(data),
        "ZHIBIAO_DASK_BATCH": BATCH,
        "ZHIBIAO_DASK_MIN_DOCUMENTS": "0",
        **env,
    }
    with monkeypatch.context() as m:
        m.delenv("ZHIBIAO_WEBHOOK_URL", raising=False)
        m.delenv("ZHIBIAO_DASK_ADDRESS", raising=False)
        for key, value in settings.items():
            m.setenv(key, value)
        state = flow(sources=str(registry), db=str(workdir / "w.duckdb"), return_state=True)
    return fingerprint(workdir / "w.duckdb"), state


def fingerprint(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(FINGERPRINT).fetchone()


def read_batches(state) -> int:
    """How many read-batch task runs the flow run had (one in the flow's process, one per
    batch on Dask)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(flow_run_filter=runs)
    return sum(1 for t in tasks if t.name.startswith("read-"))


@pytest.fixture(scope="module")
def sequential(harness, site, tmp_path_factory):
    """The reference: every document read in the flow's own process."""
    mp = pytest.MonkeyPatch()
    try:
        fp, state = backfill(
            site, tmp_path_factory.mktemp("seq"), mp, ZHIBIAO_DASK_MIN_DOCUMENTS="1000"
        )
    finally:
        mp.undo()
    assert state.is_completed() and read_batches(state) == 1
    assert fp[3] == DOCUMENTS and fp[2] > 10 * DOCUMENTS, fp
    return fp


def test_two_dask_workers_write_what_one_process_writes(sequential, site, tmp_path, monkeypatch):
    fp, state = backfill(site, tmp_path, monkeypatch, ZHIBIAO_DASK_WORKERS="2")
    assert state.is_completed()
    assert read_batches(state) == DOCUMENTS // int(BATCH)  # read on Dask, a batch a task
    assert fp == sequential


@pytest.fixture
def cluster(monkeypatch):
    """A scheduler and two worker processes of our own, as an operator's cluster would be.
    A task whose worker dies is not given to another one (allowed-failures 0): the run
    itself must cope with the loss, not Dask's retry."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            yield cluster


def test_a_scheduler_given_by_address_does_the_work(
    sequential, site, cluster, tmp_path, monkeypatch
):
    address = cluster.scheduler_address
    fp, state = backfill(site, tmp_path, monkeypatch, ZHIBIAO_DASK_ADDRESS=address)
    assert state.is_completed() and fp == sequential
    assert read_batches(state) == DOCUMENTS // int(BATCH)  # on Dask, a batch a task
    assert any("read_batch" in name for name in cluster.scheduler.task_prefixes)  # this one


def test_a_worker_killed_mid_backfill_loses_nothing_after_the_rerun(
    sequential, site, cluster, tmp_path, monkeypatch
):
    killed = []
    threading.Thread(target=_kill_first_busy_worker, args=(cluster, killed), daemon=True).start()
    address = cluster.scheduler_address
    fp, state = backfill(site, tmp_path, monkeypatch, ZHIBIAO_DASK_ADDRESS=address)
    assert killed, "no worker was busy long enough to be killed"
    summary = state.result(raise_on_failure=False)
    lost = [o for o in summary["documents"] if o["stage"] == "read"]
    assert lost and all("not read" in o["error"] for o in lost)
    assert fp != sequential  # the lost batch is missing, nothing else
    fp, state = backfill(site, tmp_path, monkeypatch, ZHIBIAO_DASK_ADDRESS=address)
    assert fp == sequential


def _kill_first_busy_worker(cluster, killed: list, timeout: float = 300) -> None:
    """SIGKILL the process of the first worker seen with a task, as a machine lost would."""
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.01)


def test_a_worker_imports_neither_duckdb_nor_the_warehouse():
    """A worker unpickles flows/worker.py's task: what that import loads is what each
    worker process carries."""
    code = (
        "import sys, zhibiao.flows.worker; "
        "bad = [m for m in sys.modules if m == 'duckdb' or m.startswith('zhibiao.warehouse')"
        " or m in ('zhibiao.flows.steps', 'zhibiao.flows.document', 'zhibiao.fetch')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _worker_state(dask_worker) -> dict:
    import dask

    return {
        "profiling": dask.config.get("distributed.worker.profile.enabled"),
        "profile_callback": "profile" in dask_worker.periodic_callbacks,
        "gx_imported": "great_expectations" in sys.modules,
    }


def test_a_local_worker_starts_ready_and_keeps_no_profile():
    """Before any batch, a worker of dask_runner's LocalCluster has imported what reading
    needs (on its main thread: imported by the first task instead, the same modules cost
    ~70 MB more a worker) and runs no statistical profiler (its call trees grew every
    worker by ~115 MB over a 1,000-document backfill)."""
    from distributed import Client, LocalCluster

    from zhibiao.flows.fanout import dask_runner
    from zhibiao.settings import Settings

    kwargs = {**dask_runner(Settings.from_env({})).cluster_kwargs, "n_workers": 1}
    with LocalCluster(**kwargs) as cluster, Client(cluster) as client:
        (state,) = client.run(_worker_state).values()
    assert state == {"profiling": False, "profile_callback": False, "gx_imported": True}
