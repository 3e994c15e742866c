"""Migrations: a warehouse of the first released schema upgraded in place by the first write,
each migration once, numbers unique, read-only opens that migrate nothing.

Real DuckDB files in tmp_path; the old warehouse is built from
tests/fixtures/warehouse/first_release.sql (the DDL of commit 480c2bc, SYNTHETIC rows).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from zhibiao.warehouse import migrate
from zhibiao.warehouse.db import connect
from zhibiao.warehouse.sql_files import SqlFile, SqlFileError, numbered

ROOT = Path(__file__).resolve().parents[1]
FIRST_RELEASE = ROOT / "tests" / "fixtures" / "warehouse" / "first_release.sql"
ZHIBIAO = Path(sys.executable).parent / "zhibiao"

# The rows the fixture holds, read back by the same query before and after the upgrade.
KEPT = {
    "sources": "select source_id, url, kind, region, etag, last_status from sources",
    "documents": "select document_id, title, published_on, status, figures from documents",
    "indicators": "select indicator_code, name_zh, aliases, growth_basis from indicators",
    "observations": (
        "select observation_id, indicator_code, period, measure, value, status, qualifier, "
        "series_kind, is_latest, evidence from observations order by observation_id"
    ),
    "quarantine": "select document_id, stage, reason, value from quarantine",
    "runs": "select run_id, status, figures_loaded from runs",
}


def first_release_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute(FIRST_RELEASE.read_text(encoding="utf-8"))
    con.close()
    return path


def rows(con, queries=KEPT) -> dict[str, list[tuple]]:
    return {table: con.execute(sql).fetchall() for table, sql in queries.items()}


def shape(con) -> dict[str, object]:
    """Every table's columns with their types, every view and macro, by name."""
    columns = con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = current_database() order by table_name, column_index"
    ).fetchall()
    views = con.execute(
        "select view_name from duckdb_views() where database_name = current_database() "
        "and not internal order by 1"
    ).fetchall()
    macros = con.execute(
        "select function_name from duckdb_functions() where database_name = current_database() "
        "and not internal and function_type in ('macro', 'table_macro') order by 1"
    ).fetchall()
    return {"columns": columns, "views": views, "macros": macros}


@pytest.fixture
def old(tmp_path):
    return first_release_warehouse(tmp_path / "first-release.duckdb")


def test_the_fixture_is_a_first_release_warehouse(old):
    """The check below can fail: the old file lacks what later migrations added."""
    con = duckdb.connect(str(old), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert {"observations", "runs"} <= tables
    assert not {"alerts", "regions", "discovered_links", "schema_version"} & tables
    assert all(len(found) >= 1 for found in rows(con).values())
    con.close()


def test_the_first_write_upgrades_a_first_release_warehouse_and_keeps_its_data(old, tmp_path):
    before = duckdb.connect(str(old), read_only=True)
    kept = rows(before)
    before.close()

    con = connect(old)
    assert rows(con) == kept
    fresh = connect(tmp_path / "fresh.duckdb")
    assert shape(con) == shape(fresh)
    history = con.execute("select version, name, checksum from schema_version order by 1")
    assert history.fetchall() == [(m.number, m.name, m.checksum) for m in migrate.migrations()]
    # the upgraded tables take the current code's writes and views read the old rows
    assert con.execute("select direction from indicators").fetchall() == [(None,)]
    latest = con.execute(
        "select indicator_code, period, region_code from observations_latest order by period"
    ).fetchall()
    assert latest == [("gdp", "2023", None), ("gdp", "2024", None)]
    # 009 numbered the old rows' series, in the order they were first published
    numbered = con.execute(
        "select period, series_kind, series_id from observations order by observation_id"
    ).fetchall()
    assert numbered == [("2023", "stated", 1), ("2024", "target", 2)]
    con.close()
    fresh.close()

    con = connect(old)  # the next write: nothing left to apply
    assert con.execute("select count(*) from schema_version").fetchone() == (
        len(migrate.migrations()),
    )
    con.close()


def test_a_read_only_open_of_an_old_warehouse_says_it_needs_a_write(old):
    with pytest.raises(migrate.WarehouseOutdatedError) as error:
        connect(old, read_only=True)
    message = str(error.value)
    assert "\n" not in message
    assert str(old) in message and "no schema_version table" in message
    assert "zhibiao upgrade" in message
    con = duckdb.connect(str(old), read_only=True)  # and it changed nothing
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "schema_version" not in tables
    con.close()


def test_the_command_line_upgrades_and_reads(old):
    """`zhibiao query` refuses the old file in one line (exit 2); `zhibiao upgrade` brings it
    and its analysts' copy up to date and prints its migrations; then both are read."""
    published = old.parent / "published" / old.name
    published.parent.mkdir()
    shutil.copyfile(old, published)

    def zhibiao(*args):
        return subprocess.run(
            [str(ZHIBIAO), *args, "--db", str(old)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip

    refused = zhibiao("query", "select count(*) as n from observations")
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "zhibiao upgrade" in refused.stderr
    upgraded = zhibiao("upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "001_first_release.sql" in upgraded.stdout
    assert f"schema_version {len(migrate.migrations())}" in upgraded.stdout
    assert f"published {published}" in upgraded.stdout
    assert zhibiao("upgrade").stdout == upgraded.stdout  # nothing applied twice
    with connect(published, read_only=True) as copy:
        assert copy.execute("select count(*) from schema_version").fetchone() == (
            len(migrate.migrations()),
        )
    read = zhibiao("query", "select count(*) as n from observations")
    assert read.returncode == 0 and "2" in read.stdout


def test_the_migrations_before_007_converge_on_any_earlier_warehouse(tmp_path):
    """001-006 restate what each version before 007 applied on every connect: rerunnable, so
    a warehouse that already has some of them (the version just before 007 had them all, and
    its fingerprint macro was schema_version()) is upgraded, not broken."""
    expected = shape(connect(tmp_path / "fresh.duckdb"))
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    before_007 = [m for m in migrate.migrations() if m.number < 7]
    for _ in range(2):  # that version applied them on every connect
        for migration in before_007:
            con.execute(migration.text)
    con.execute("create macro schema_version() as 'a fingerprint of the version before'")
    con.close()
    con = connect(db)
    assert shape(con) == expected
    assert [r[0] for r in con.execute("select version from schema_version").fetchall()] == [
        m.number for m in migrate.migrations()
    ]
    con.close()


# ---- Each migration once, in order, or not at all -------------------------------------


def with_migration(monkeypatch, name: str, text: str) -> SqlFile:
    """This zhibiao plus the next migration of a later release (as if added to migrations/),
    and so another fingerprint."""
    shipped = migrate.migrations()
    added = SqlFile(len(shipped) + 1, name, f"{len(shipped) + 1:03d}_{name}.sql", text)
    monkeypatch.setattr(migrate, "migrations", lambda: [*shipped, added])
    monkeypatch.setattr(migrate, "fingerprint", lambda: "with " + added.filename)
    return added


def test_a_new_migration_runs_once_and_is_recorded(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    added = with_migration(
        monkeypatch, "probe", "create table probe (n integer); insert into probe values (1);"
    )
    with pytest.raises(
        migrate.WarehouseOutdatedError, match=f"lacks {added.filename}: a read-only"
    ):
        connect(db, read_only=True)
    for edit in ("a view edited", "another view edited"):  # the schema applied twice
        monkeypatch.setattr(migrate, "fingerprint", lambda edit=edit: edit)
        con = connect(db)
        assert con.execute("select n from probe").fetchall() == [(1,)]  # not run again
        con.close()
    con = connect(db)
    recorded = con.execute(
        "select version, name from schema_version where version = ?", [added.number]
    )
    assert recorded.fetchall() == [(added.number, "probe")]
    con.close()


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    with_migration(monkeypatch, "broken", "create table probe (n integer); select error('boom');")
    with pytest.raises(duckdb.Error, match="boom"):
        connect(db)
    monkeypatch.undo()
    con = connect(db)
    shipped = migrate.migrations()[-1].number
    assert con.execute("select max(version) from schema_version").fetchone() == (shipped,)
    probe = "select count(*) from duckdb_tables() where table_name = 'probe'"
    assert con.execute(probe).fetchone() == (0,)
    con.close()


def test_an_edited_migration_is_refused(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    first, *rest = migrate.migrations()
    edited = dataclasses.replace(first, text=first.text + "\n-- edited\n")
    monkeypatch.setattr(migrate, "migrations", lambda: [edited, *rest])
    monkeypatch.setattr(migrate, "fingerprint", lambda: "another")
    with pytest.raises(migrate.EditedMigrationError, match="001_first_release.sql changed"):
        connect(db)


def test_a_warehouse_of_a_newer_zhibiao_is_read_but_not_written(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("insert into schema_version values (99, 'future', 'x', now())")
    con.execute("create or replace macro schema_fingerprint() as 'a newer one'")
    con.close()
    with connect(db, read_only=True) as reader:
        assert reader.execute("select count(*) from observations").fetchone() == (0,)
    with pytest.raises(migrate.WarehouseTooNewError, match="099_future"):
        connect(db)


# ---- Numbers --------------------------------------------------------------------------


def test_migrations_are_numbered_once_each_from_001():
    numbers = [m.number for m in migrate.migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert migrate.migrations()[0].filename == "001_first_release.sql"
    views = [f.number for f in migrate.view_files()]
    assert len(views) == len(set(views))


@pytest.mark.parametrize(
    ("names", "error"),
    [
        (["001_a.sql", "001_b.sql"], "share the number 001"),
        (["001_a.sql", "2_b.sql"], "name it NNN_name.sql"),
    ],
)
def test_two_files_of_one_number_are_refused(tmp_path, names, error):
    for name in names:
        (tmp_path / name).write_text("select 1;", encoding="utf-8")
    with pytest.raises(SqlFileError, match=error):
        numbered(tmp_path)


def test_a_checkout_with_other_line_ends_is_no_edit(tmp_path):
    """Files are read with universal newlines: \\r\\n line ends (a Windows checkout) give the
    checksum a warehouse recorded from \\n ones."""
    text = migrate.migrations()[0].text
    for ending in ("lf", "crlf"):
        (tmp_path / ending).mkdir()
        data = text.replace("\n", "\r\n") if ending == "crlf" else text
        (tmp_path / ending / "001_first_release.sql").write_bytes(data.encode("utf-8"))
    (lf,), (crlf,) = numbered(tmp_path / "lf"), numbered(tmp_path / "crlf")
    assert crlf.checksum == lf.checksum == migrate.migrations()[0].checksum
