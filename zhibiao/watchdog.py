"""The children of a killed `zhibiao run` end with it.

`zhibiao run` and `zhibiao backfill` start Prefect's ephemeral API server as a child process
(uvicorn). A SIGKILL gives the parent no chance to stop it, and the orphan keeps its port
and its SQLite database open for ever (19 of 32 kills in the reliability run of issue 16).
No signal can be caught after SIGKILL, so the cleaning is done from outside: a small
watchdog process, started first, holds the read end of a pipe whose write end only the
parent holds. The kernel closes that end when the parent dies, however it dies; the
watchdog then ends every descendant of the parent it has seen (SIGTERM, then SIGKILL after
a grace period) and exits. While the parent lives, the watchdog notes its descendants once a
second from /proc (a child reparented to init after the death could not be found later).

Linux only (it reads /proc); elsewhere `guard_children` does nothing.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

_GRACE_S = 5.0
_TICK_S = 1.0
_write_end: int | None = None  # held open for the life of the process, never closed


def guard_children() -> None:
    """Start the watchdog of this process's children (once per process)."""
    global _write_end
    if _write_end is not None or not Path("/proc/self/stat").exists():
        return
    read_end, write_end = os.pipe()  # not inheritable: no other child holds the write end
    subprocess.Popen(
        [sys.executable, "-m", "zhibiao.watchdog", str(os.getpid())],
        stdin=read_end,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal to the parent's group does not reach it
        close_fds=True,
    )
    os.close(read_end)
    _write_end = write_end


def _children_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process, from /proc/<pid>/stat."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()  # the name may hold spaces and brackets
        table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def descendants(root: int) -> dict[int, str]:
    """pid -> start time of every living descendant of root."""
    table = _children_table()
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, started) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = started
                frontier.append(pid)
    return found


def _end(seen: dict[int, str]) -> None:
    """SIGTERM each seen process that is still the same process, then SIGKILL the stubborn."""

    def alive() -> list[int]:
        table = _children_table()
        return [pid for pid, started in seen.items() if table.get(pid, (0, ""))[1] == started]

    for sig, wait in ((signal.SIGTERM, _GRACE_S), (signal.SIGKILL, 0.0)):
        for pid in alive():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while wait and alive() and time.monotonic() < deadline:
            time.sleep(0.1)


def main(parent: int) -> None:
    seen: dict[int, str] = {}
    while True:
        seen.update(descendants(parent))
        ready, _, _ = select.select([sys.stdin.fileno()], [], [], _TICK_S)
        if ready and not os.read(sys.stdin.fileno(), 1):
            break  # EOF: the parent is gone
    mine = os.getpid()
    _end({pid: started for pid, started in seen.items() if pid != mine})


if __name__ == "__main__":
    main(int(sys.argv[1]))
