"""A night with nothing new: the warehouse bookkeeping of 1,000 known sources (make bench).

Per source the flow reads the validators for its conditional GET, records the fetch, and
asks whether the bytes are already loaded (steps.fetch_source, document._record_fetch).
Timed here without Prefect or HTTP, through the same warehouse calls: inside a run
(db.held: one connection, every connect a cursor of it) against the floor of the same
statements on one open connection; and, for comparison, with a connection per step as a
script outside a run opens them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._timing import Report, Result, measure  # noqa: E402
from zhibiao.warehouse import db, source_state  # noqa: E402
from zhibiao.warehouse.load import upsert_sources  # noqa: E402

SOURCES = 1000
MAX_SECONDS = 3.0  # issue 17: a quiet night within 3 s of an empty flow run
KNOWN = "select count(*) from documents where document_id = ? and status = 'loaded'"


def night(path: Path) -> None:
    """The three bookkeeping steps of every source, each through db.connect as the flow does."""
    for i in range(SOURCES):
        source = f"s{i:04d}"
        with db.connect(path) as con:
            source_state.validators(con, source)
        with db.connect(path) as con:
            source_state.record_fetch(con, source, status="unchanged", etag=f'"{i}"')
            con.execute(KNOWN, [f"{i:064x}"]).fetchone()


def floor(con) -> None:
    for i in range(SOURCES):
        source = f"s{i:04d}"
        source_state.validators(con, source)
        source_state.record_fetch(con, source, status="unchanged", etag=f'"{i}"')
        con.execute(KNOWN, [f"{i:064x}"]).fetchone()


def main() -> int:
    report = Report("nightly")
    with tempfile.TemporaryDirectory(prefix="zhibiao-bench-") as tmp:
        path = Path(tmp) / "w.duckdb"
        with db.connect(path) as con:
            upsert_sources(
                con,
                [
                    {"source_id": f"s{i:04d}", "url": f"http://127.0.0.1/{i}", "kind": "news"}
                    | {"region": "林芝市"}
                    for i in range(SOURCES)
                ],
            )
            floor_t = measure(lambda: floor(con), repeat=3)
        with db.held(path):
            held_t = measure(lambda: night(path), repeat=3)
        report.add(
            Result(
                f"quiet night: bookkeeping of {SOURCES:,} known sources, in a run (db.held)",
                held_t,
                "the same statements on one open connection",
                floor_t,
                max_seconds=MAX_SECONDS,
            )
        )
        report.add(
            Result(
                f"the same, a connection per step ({2 * SOURCES:,} opens, outside a run)",
                measure(lambda: night(path), repeat=3),
                note="what each open costs: the file opened, the schema version checked",
            )
        )
    return report.write()


if __name__ == "__main__":
    sys.exit(main())
