"""The long part of the reliability suite (`make soak`): SIGKILL a run at many points, timed
from the run's own progress, and check that every recovery ends where an
uninterrupted run does.

Each round starts from an empty warehouse, starts `zhibiao run` over the project's real
releases, waits until the run has stored `k` fetched documents (k = 0 means: it holds the
run lock, its runs row about to open; the warehouse file itself cannot be read from outside
while a run keeps it open), waits a little more (a random fraction of a second, so that some kills land
inside a document's transaction, the alert pass or publish_copy), kills it with SIGKILL,
then runs again to completion. After each round: the observations and documents hash the
same as the uninterrupted run's, no `running` row is left, and no process of the killed
run survives. Skipped unless ZHIBIAO_SOAK is set (make soak sets it; ZHIBIAO_SOAK_KILLS
rounds, 30 by default); it runs against one real Prefect server for all rounds.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import alive, tail
from zhibiao.watchdog import descendants

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
ZHIBIAO = Path(sys.executable).parent / "zhibiao"
DOCUMENTS = 8  # real releases per run: a run of about a minute on two cores

pytestmark = pytest.mark.skipif(
    not os.environ.get("ZHIBIAO_SOAK"), reason="the soak runs under make soak (ZHIBIAO_SOAK=1)"
)

FINGERPRINT = """
select (select md5(string_agg(s, ';' order by s)) from (
            select concat_ws('|', indicator_code, indicator_label, region, period, measure,
                             value, status, document_id, realtime_start, realtime_end) as s
            from observations)),
       (select md5(string_agg(s, ';' order by s)) from (
            select concat_ws('|', document_id, source_id, status) as s from documents)),
       (select count(*) from runs where status = 'running')
"""


def _registry(tmp: Path) -> Path:
    data = tmp / "data"
    data.mkdir()
    lines = ["sources:"]
    for folder in sorted(GOLDEN.glob("real-*"))[:DOCUMENTS]:
        source = next(p for p in folder.iterdir() if p.stem == "source")
        meta = (folder / "meta.yaml").read_text(encoding="utf-8")
        field = dict(
            line.split(": ", 1) for line in meta.splitlines() if line.startswith(("region:", "kind:", "published_on:"))
        )  # fmt: skip
        shutil.copy(source, data / f"{folder.name}{source.suffix}")
        lines.append(
            f"  - {{id: {folder.name}, url: data/{folder.name}{source.suffix}, "
            f"kind: {field.get('kind', 'news')}, region: {field.get('region', '林芝市')}, "
            f"published_on: {field.get('published_on', '2024-01-01')}}}"
        )
    registry = tmp / "sources.yaml"
    registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return registry


def _peek(db: Path, sql: str):
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql).fetchone()
    except (duckdb.Error, OSError):
        return None


def _progress(tmp: Path, db: Path, pid: int) -> int:
    """-1 until the run holds the run lock, then how many fetched documents it stored."""
    lock = db.with_name(db.name + ".run.lock")
    try:
        if not lock.read_text().startswith(f"pid {pid} "):
            return -1
    except OSError:
        return -1
    return sum(1 for p in (tmp / "data" / "snapshots").glob("*/*") if p.suffix != ".json")


def _round(tmp: Path, registry: Path, env: dict, point: int, jitter: float) -> tuple:
    db, log = tmp / "w.duckdb", tmp / "run.log"
    command = [str(ZHIBIAO), "run", "--sources", str(registry), "--db", str(db)]
    with log.open("w") as out:
        run = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                               cwd=tmp, start_new_session=True)  # fmt: skip
    seen: set[int] = set()
    try:
        while run.poll() is None:
            seen |= set(descendants(run.pid))
            if _progress(tmp, db, run.pid) >= point:
                break
            time.sleep(0.05)
        time.sleep(jitter)
        finished = run.poll() is not None
        if not finished:
            run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        deadline = time.monotonic() + 20
        while alive(seen) and time.monotonic() < deadline:
            time.sleep(0.25)
        orphans = alive(seen)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    again = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp, timeout=600)
    assert again.returncode == 0, f"{again.stderr[-2000:]}\n{tail(log)}"
    return finished, orphans, _peek(db, FINGERPRINT)


@pytest.mark.timeout(4 * 3600)  # 30 rounds of a kill and a recovery: not the suite's 600 s
def test_every_kill_recovers_to_the_uninterrupted_warehouse(tmp_path_factory, prefect_server):
    env = {**prefect_server.env, "ZHIBIAO_DATA_DIR": ""}
    rounds = int(os.environ.get("ZHIBIAO_SOAK_KILLS", "30"))
    rng = random.Random(20261204)

    clean = tmp_path_factory.mktemp("clean")
    registry = _registry(clean)
    env["ZHIBIAO_DATA_DIR"] = str(clean / "data")
    done = subprocess.run(
        [str(ZHIBIAO), "run", "--sources", str(registry), "--db", str(clean / "w.duckdb")],
        env=env, capture_output=True, text=True, cwd=clean, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    expected = _peek(clean / "w.duckdb", FINGERPRINT)

    outcomes = []
    for i in range(rounds):
        tmp = tmp_path_factory.mktemp(f"kill{i}")
        registry = _registry(tmp)
        env["ZHIBIAO_DATA_DIR"] = str(tmp / "data")
        point, jitter = i % (DOCUMENTS + 1), rng.random() * 0.8
        finished, orphans, got = _round(tmp, registry, env, point, jitter)
        outcomes.append((point, round(jitter, 2), finished, orphans, got == expected))
        print(f"kill {i}: after {point} documents + {jitter:.2f} s: "
              f"{'ran to the end' if finished else 'killed'}, orphans {orphans}, "
              f"recovered {'same' if got == expected else 'DIFFERENT'}")  # fmt: skip
    assert all(o[4] for o in outcomes) and not any(o[3] for o in outcomes), outcomes
    assert sum(not o[2] for o in outcomes) >= rounds * 2 // 3, "too few kills landed mid-run"
