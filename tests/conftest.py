"""Shared fixtures; the Prefect server is real, started once per session and only when asked for."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent  # the venv's bin: prefect and zhibiao are installed there

# First start on a fresh PREFECT_HOME migrates SQLite: 12-20 s measured on 2 cores, up to
# ~75 s reported on slow containers (STACK-NOTES). Generous, because a slow start is not a bug.
SERVER_START_TIMEOUT_S = 150


@dataclass(frozen=True)
class PrefectServer:
    """A `prefect server start` of this test session, and how to reach it."""

    api_url: str
    home: Path
    log: Path
    env: dict[str, str] = field(repr=False)  # for subprocesses: prefect CLI, workers, zhibiao
    startup_s: float = 0.0

    @contextmanager
    def client(self):
        """A sync client on this server, whatever PREFECT_API_URL the test process has."""
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.api_url}):
            with get_client(sync_client=True) as client:
                yield client

    def prefect(self, *args: str, cwd: Path | None = None, timeout: float = 120, **env: str):
        """Run the prefect CLI against this server; the result keeps stdout for messages."""
        return subprocess.run(
            [str(BIN / "prefect"), "--no-prompt", *args],
            cwd=cwd,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log, lines)


def tail(path: Path, lines: int = 40) -> str:
    """The end of a log file, for assertion messages that say what the process said."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log at {path}: {exc})"


def alive(pids) -> list[int]:
    """The processes of pids that still run (a zombie's cmdline is empty: it has ended)."""
    out = []
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
        except OSError:
            pass
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The caller's environment minus its Prefect and zhibiao settings, plus ours.

    Dropping inherited PREFECT_* keeps a developer's profile or a Makefile export from
    pointing a test subprocess at another server or home; ZHIBIAO_* are set per test.
    Without api_url a `zhibiao run` starts its own ephemeral server, as on a laptop.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ZHIBIAO_"))}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",  # 12 s to start instead of 19 s: no UI build to copy
        PREFECT_CLI_PROMPT="false",
        DO_NOT_TRACK="1",
    )
    return env


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prefect server exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server not healthy at {url} after {timeout:.0f} s:\n{tail(log)}")


def stop(process: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM the process group we started, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace_s)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """One real Prefect server (API, scheduler and services) on a free loopback port.

    Its own PREFECT_HOME keeps the session's SQLite database away from ~/.prefect and the
    project's .prefect; its own process group lets the teardown stop it and its children.
    """
    root = tmp_path_factory.mktemp("prefect-server")
    home, log = root / "home", root / "server.log"
    home.mkdir()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = isolated_env(home, api_url)
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(f"{api_url}/health", process, log, SERVER_START_TIMEOUT_S)
        yield PrefectServer(api_url, home, log, env, round(time.monotonic() - started, 1))
    finally:
        stop(process)


def pytest_unconfigure(config):
    """Free the DuckDB objects that outlive the session, while DuckDB's module is alive.

    After a full `make test` three closed connections were still referenced by frames of the
    discovery flow (flows/discovered.py _read and fetch_and_read, flows/discover.py
    _process_listing: the `con` of a finished `with db.connect(...)`), kept alive past the
    tests by whatever held those frames. Freed only at interpreter exit, after the bindings'
    module, they made nanobind print 'leaked 30 instances' under a passing run (issue 15: a
    passing `make test` prints nothing but its result). Clearing such frames' locals and
    collecting frees them; a frame still executing is left alone.
    """
    import gc

    import duckdb

    gc.collect()
    for con in [o for o in gc.get_objects() if isinstance(o, duckdb.DuckDBPyConnection)]:
        for holder in gc.get_referrers(con):
            if isinstance(holder, types.FrameType):
                with contextlib.suppress(RuntimeError):  # a frame still executing
                    holder.clear()
    gc.collect()
