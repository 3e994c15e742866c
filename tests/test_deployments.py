"""prefect.yaml and `zhibiao serve` against a real Prefect server, worker and warehouse."""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml

from tests.conftest import BIN, PrefectServer, stop, tail
from zhibiao.flows.serve import NIGHTLY_CRON, NIGHTLY_TIMEZONE, SERVED_DEPLOYMENT

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
POOL = "zhibiao-process"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _prefect_yaml() -> dict:
    return {
        d["name"]: d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    }


# --- prefect.yaml as written: fast, no server ----------------------------------------------


def test_prefect_yaml_nightly_schedule_is_the_served_one_in_local_time():
    nightly = _prefect_yaml()["nightly"]
    assert [(s["cron"], s["timezone"]) for s in nightly["schedules"]] == [
        (NIGHTLY_CRON, NIGHTLY_TIMEZONE)
    ], "prefect.yaml and zhibiao.flows.serve must schedule the same nightly run"
    assert NIGHTLY_CRON == "0 2 * * *", "02:00 local, not a hand-converted UTC hour"


# Beyond sources/db (which the environment decides): backfill reruns fetches by default,
# and rereads stored snapshots with --param reextract=true.
PARAMETERS = {"backfill": {"reextract": False}}


def test_prefect_yaml_backfill_is_on_demand_and_both_share_the_pool():
    deployments = _prefect_yaml()
    assert set(deployments) == {"nightly", "backfill"}
    assert not deployments["backfill"].get("schedules")
    for name, spec in deployments.items():
        assert spec["work_pool"]["name"] == POOL, name
        assert spec["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}, name
        expected = {"sources": None, "db": None} | PARAMETERS.get(name, {})
        assert spec["parameters"] == expected, f"{name}: env decides where"


def test_prefect_yaml_hard_codes_no_checkout_path():
    text = (ROOT / "prefect.yaml").read_text()
    assert str(ROOT) not in text
    assert "{{ checkout.directory }}" in text


# --- deployed on a real server --------------------------------------------------------------


@pytest.fixture(scope="module")
def deployed(prefect_server: PrefectServer) -> PrefectServer:
    """The operator's commands of docs/operations.md: the process pool, then deploy all."""
    for args in (
        ("work-pool", "create", POOL, "--type", "process"),
        ("work-pool", "set-concurrency-limit", POOL, "1"),  # nightly and backfill: one writer
    ):
        result = prefect_server.prefect(*args)
        assert result.returncode == 0, result.stdout + result.stderr
    before = (ROOT / "prefect.yaml").read_bytes()
    code, output = _in_a_terminal(["prefect", "deploy", "--all"], prefect_server, timeout=180)
    assert code == 0, f"prefect deploy --all exited {code}:\n{output[-4000:]}"
    assert (ROOT / "prefect.yaml").read_bytes() == before, "deploy must not rewrite prefect.yaml"
    return prefect_server


def _in_a_terminal(argv: list[str], server: PrefectServer, timeout: float) -> tuple[int, str]:
    """Run a command as an operator types it: on a terminal, where Prefect may ask questions.

    Nobody answers here, so a question blocks until the timeout and fails the test: this is
    how "deploys with no interactive prompt" is checked, not by passing --no-prompt.
    """
    env = {k: v for k, v in server.env.items() if k != "PREFECT_CLI_PROMPT"}
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=ROOT,
        env=env,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        start_new_session=True,
    )
    os.close(secondary)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([primary], [], [], 1)[0]:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # EIO: the command closed its terminal
                    chunk = b""
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
    finally:
        os.close(primary)
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            stop(process)
    return process.returncode, output.decode(errors="replace")


@pytest.mark.slow
def test_deploy_all_registers_both_on_the_process_pool(deployed: PrefectServer):
    with deployed.client() as client:
        pool = client.read_work_pool(POOL)
        assert (pool.type, pool.concurrency_limit) == ("process", 1)
        for name, entrypoint in [
            ("nightly/nightly", "zhibiao/flows/nightly.py:nightly"),
            ("backfill/backfill", "zhibiao/flows/backfill.py:backfill"),
        ]:
            deployment = client.read_deployment_by_name(name)
            assert deployment.entrypoint == entrypoint
            assert deployment.work_pool_name == POOL
            flow_name = name.split("/")[0]
            expected = {"sources": None, "db": None} | PARAMETERS.get(flow_name, {})
            assert deployment.parameters == expected
            assert deployment.global_concurrency_limit.limit == 1
            assert deployment.concurrency_options.collision_strategy.value == "ENQUEUE"
            # The build step's output is filled in at deploy time: the checkout deployed from.
            assert deployment.pull_steps == [
                {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}
            ]


@pytest.mark.slow
def test_nightly_next_run_is_two_am_in_shanghai(deployed: PrefectServer):
    with deployed.client() as client:
        nightly = client.read_deployment_by_name("nightly/nightly")
        backfill = client.read_deployment_by_name("backfill/backfill")
        assert _schedule(nightly) == ("0 2 * * *", "Asia/Shanghai", True)
        assert not nightly.paused
        assert backfill.schedules == []
        upcoming = _scheduled_runs(client, nightly.id)
    now = dt.datetime.now(dt.UTC)
    first = min(run.expected_start_time for run in upcoming)
    assert now < first <= now + dt.timedelta(days=1)
    for run in upcoming:
        local, utc = run.expected_start_time.astimezone(SHANGHAI), run.expected_start_time
        assert (local.hour, local.minute) == (2, 0), local
        assert (utc.hour, utc.minute) == (18, 0), utc


def _schedule(deployment) -> tuple[str, str, bool]:
    [schedule] = deployment.schedules
    return schedule.schedule.cron, schedule.schedule.timezone, schedule.active


def _scheduled_runs(client, deployment_id, timeout: float = 60) -> list:
    """The server's scheduler service creates the runs a few seconds after the deploy."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    deadline = time.monotonic() + timeout
    while True:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
        )
        scheduled = [r for r in runs if r.state_type and r.state_type.value == "SCHEDULED"]
        if scheduled or time.monotonic() > deadline:
            assert scheduled, f"no scheduled run of nightly after {timeout} s"
            return scheduled
        time.sleep(1)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A registry of one report and its data directory, away from the project's data/."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    shutil.copy(REPORT, tmp_path / "data" / "sources" / REPORT.name)
    (tmp_path / "sources.yaml").write_text(
        textwrap.dedent(
            f"""\
            sources:
              - id: linzhi-gwr-2024
                url: data/sources/{REPORT.name}
                kind: work_report
                region: 林芝市
                published_on: 2024-01-15
            """
        ),
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.slow
def test_nightly_deployment_runs_on_a_worker_and_loads_the_report(
    deployed: PrefectServer, run_dir: Path
):
    db = run_dir / "warehouse.duckdb"
    run_id = _trigger(deployed, "nightly/nightly", sources=run_dir / "sources.yaml", db=db)
    state, log = _work_once(deployed, run_dir, run_id)
    assert state == "COMPLETED", f"flow run {run_id} ended {state}; worker log:\n{tail(log, 80)}"
    with duckdb.connect(str(db), read_only=True) as con:
        [(count,)] = con.execute("select count(*) from observations").fetchall()
        [(gdp,)] = con.execute(
            "select count(*) from observations where value = 23000000000 and unit = '元'"
            " and period = '2023' and measure = 'level' and status = 'estimate'"
        ).fetchall()
    assert count > 100, f"only {count} observations loaded"
    assert gdp >= 1, "the 2023 GDP estimate 230亿元 is missing"
    assert not (run_dir / "stray.duckdb").exists(), "--param db must win over ZHIBIAO_DB"


def _trigger(server: PrefectServer, name: str, **params: Path) -> str:
    args = [f"--param={key}={value}" for key, value in params.items()]
    result = server.prefect("deployment", "run", name, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.search(r"UUID: ([0-9a-f-]{36})", result.stdout)
    assert match, result.stdout
    return match.group(1)


def _work_once(server: PrefectServer, run_dir: Path, run_id: str) -> tuple[str, Path]:
    """One process worker, started outside the checkout so that the pull step must move the
    run into it. ZHIBIAO_DB/SOURCES point at scratch files: a scheduled run that happened to
    fall due now would write there, never into the project's data/."""
    log = run_dir / "worker.log"
    env = {
        **server.env,
        "ZHIBIAO_DATA_DIR": str(run_dir / "data"),
        "ZHIBIAO_DB": str(run_dir / "stray.duckdb"),
        "ZHIBIAO_SOURCES": str(run_dir / "sources.yaml"),
    }
    with log.open("w") as out:
        worker = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--run-once"],
            cwd=run_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the flow-run process is its child: stop both on timeout
        )
    try:
        worker.wait(timeout=240)
    except subprocess.TimeoutExpired:
        stop(worker)
    return _final_state(server, run_id), log


def _final_state(server: PrefectServer, run_id: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    with server.client() as client:
        while True:
            state = client.read_flow_run(run_id).state
            if state.type.value in FINAL or time.monotonic() > deadline:
                return state.type.value
            time.sleep(1)


AUTOMATION = "zhibiao-flow-run-failed"


@pytest.mark.slow
def test_the_automation_tells_the_webhook_of_failed_and_crashed_runs(deployed: PrefectServer):
    """automations.yaml through `zhibiao automations apply`, twice (it replaces, never
    duplicates); then a nightly run that fails and one that crashes each reach the webhook,
    through the real server's triggers and actions."""
    from prefect.states import Crashed, Failed

    from tests.test_alerts_notify import receiver, url

    with receiver() as srv:
        env = {**deployed.env, "ZHIBIAO_WEBHOOK_URL": url(srv)}
        for _ in range(2):
            result = subprocess.run(
                [str(BIN / "zhibiao"), "automations", "apply"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stdout + result.stderr
        with deployed.client() as client:
            assert len(client.read_automations_by_name(AUTOMATION)) == 1
            deployment = client.read_deployment_by_name("nightly/nightly")
            runs = {}
            for state in (Failed(message="synthetic failure"), Crashed(message="synthetic")):
                run = client.create_flow_run_from_deployment(deployment.id)
                client.set_flow_run_state(run.id, state, force=True)
                runs[run.name] = state.name
        deadline = time.monotonic() + 90
        while len(srv.posts) < len(runs) and time.monotonic() < deadline:
            time.sleep(1)
    texts = sorted(body["text"] for _, body in srv.posts)
    expected = sorted(f"zhibiao: flow run {n} ended {s}" for n, s in runs.items())
    assert [t.splitlines()[0] for t in texts] == expected, deployed.log_tail()
    assert "synthetic failure" in "".join(texts)


# --- zhibiao serve -------------------------------------------------------------------------


@pytest.mark.slow
def test_zhibiao_serve_keeps_its_schedule_across_a_restart(
    prefect_server: PrefectServer, tmp_path: Path
):
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "zhibiao"), "serve"],
            cwd=tmp_path,
            env=prefect_server.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        name = f"nightly/{SERVED_DEPLOYMENT}"
        deployment = _wait_for_deployment(prefect_server, name, process, log)
        assert _schedule(deployment) == ("0 2 * * *", "Asia/Shanghai", True)
        assert deployment.concurrency_options.collision_strategy.value == "ENQUEUE"
        assert deployment.work_pool_name is None, "served: this process runs it, no worker"
    finally:
        process.send_signal(signal.SIGTERM)  # what systemd sends on stop or restart
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stop(process)
    with prefect_server.client() as client:
        after = client.read_deployment_by_name(name)
    assert not after.paused, f"deployment paused on shutdown:\n{tail(log)}"
    assert _schedule(after) == ("0 2 * * *", "Asia/Shanghai", True), tail(log)


def _wait_for_deployment(server, name, process, log, timeout: float = 90):
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    with server.client() as client:
        while True:
            assert process.poll() is None, f"zhibiao serve exited:\n{tail(log)}"
            try:
                return client.read_deployment_by_name(name)
            except ObjectNotFound:
                assert time.monotonic() < deadline, f"{name} not served:\n{tail(log)}"
                time.sleep(1)


def test_zhibiao_serve_refuses_the_ephemeral_api(tmp_path: Path):
    """Without a server nothing would ever schedule a run: say so instead of idling."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ZHIBIAO_"))}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [str(BIN / "zhibiao"), "serve"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "PREFECT_API_URL" in result.stderr
