"""SIGKILL of `zhibiao run` mid-run, as an operator's `kill -9` or the OOM killer does it.

The run is killed once its `runs` row is open. Afterwards: no process it started is left
(Prefect's ephemeral server used to outlive it as an orphan), and the next run closes the
killed run's row as crashed and loads the warehouse as an uninterrupted run would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import alive, isolated_env, tail
from zhibiao.watchdog import descendants

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
ZHIBIAO = Path(sys.executable).parent / "zhibiao"

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="the watchdog reads /proc (Linux)"
)


def _env(tmp: Path) -> dict[str, str]:
    """No PREFECT_API_URL: the run starts its own ephemeral server, the child to orphan."""
    return {**isolated_env(tmp / "prefect"), "ZHIBIAO_DATA_DIR": str(tmp / "data")}


def _runs(db: Path) -> list[tuple] | None:
    """The runs rows, or None while a run holds the file."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(
                "select run_id, status, summary from runs order by started_at"
            ).fetchall()
    except (duckdb.Error, OSError):
        return None


def _snapshotted(data: Path) -> bool:
    """Whether the run has stored a fetched document: it opened its runs row before. The
    warehouse cannot say: a run keeps the file open from start to end."""
    return any((data / "snapshots").glob("*/*"))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_killed_run_leaves_no_process_and_the_next_run_closes_its_row(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(REPORT, data / "report.txt")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {id: report, url: data/report.txt, kind: work_report, region: 林芝市,"
        " published_on: 2024-01-15}\n",
        encoding="utf-8",
    )
    db, log = tmp_path / "w.duckdb", tmp_path / "run.log"
    command = [str(ZHIBIAO), "run", "--sources", str(sources), "--db", str(db)]
    with log.open("w") as out:
        run = subprocess.Popen(
            command, env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
            start_new_session=True,
        )  # fmt: skip
    started: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and run.poll() is None:
            started = sorted(set(started) | set(descendants(run.pid)))
            if _snapshotted(tmp_path / "data"):  # its runs row is open: the run is mid-way
                break
            time.sleep(0.2)
        assert run.poll() is None, f"the run ended before it could be killed:\n{tail(log)}"
        server = [pid for pid in started if "uvicorn" in _cmdline(pid)]
        assert server, f"no Prefect server among the run's children:\n{tail(log)}"

        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
        deadline = time.monotonic() + 20
        while alive(started) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert not alive(started), [_cmdline(p) for p in alive(started)]
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in alive(started):
            os.kill(pid, signal.SIGKILL)

    again = subprocess.run(
        command, env=_env(tmp_path), capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert again.returncode == 0, again.stderr[-2000:]
    (killed, killed_status, why), (rerun, rerun_status, _) = _runs(db)
    assert (killed_status, rerun_status) == ("crashed", "completed")
    assert why.endswith(f"found by run {rerun}")
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute("select count(*) from observations where status <> 'derived'")
        assert loaded.fetchone()[0] >= 130  # the report, loaded once whatever the kill cut
