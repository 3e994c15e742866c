"""The `zhibiao` command as a user runs it: a subprocess, real files, its output read back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from zhibiao.schema import FIGURE_COLUMNS, SERIES_LABEL

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
ZHIBIAO = Path(sys.executable).parent / "zhibiao"


def _zhibiao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ZHIBIAO), *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
    )


def test_extract_csv_has_the_contract_columns_and_the_headline_figures():
    result = _zhibiao("extract", str(REPORT), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["document", *FIGURE_COLUMNS, SERIES_LABEL]
    gdp = [r for r in rows if r["indicator_code"] == "gdp" and r["period"] == "2023"]
    assert {(r["measure"], float(r["value"]), r["status"]) for r in gdp} == {
        ("level", 23_000_000_000.0, "estimate"),
        ("growth_pct", 10.0, "estimate"),
    }
    assert len(rows) >= 130


def test_extract_jsonl_one_object_a_line():
    result = _zhibiao("extract", str(REPORT), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = json.loads(lines[0])
    assert first["document"] == str(REPORT) and "evidence" in first


def test_extract_names_a_broken_file_in_one_line_and_keeps_the_good_one(tmp_path):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = _zhibiao("extract", str(binary), str(REPORT))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and str(binary) in errors[0]
    assert len(result.stdout.splitlines()) > 100  # the report still came out


def test_extract_text_without_figures_is_an_empty_result(tmp_path):
    text = tmp_path / "speech.txt"
    text.write_text(
        "各位代表：现在，我代表市人民政府向大会报告工作，请予审议。\n", encoding="utf-8"
    )
    result = _zhibiao("extract", str(text))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        ",".join(["document", *FIGURE_COLUMNS, SERIES_LABEL])
    ]


def test_unknown_format_is_refused():
    result = _zhibiao("extract", str(REPORT), "--format", "xml")
    assert result.returncode != 0
    assert "csv or jsonl" in result.stderr


def test_a_bad_registry_fails_in_one_line_before_any_server_starts(tmp_path):
    """An alias bomb used to run five minutes and leave Prefect's server behind (issue 16)."""
    levels = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    registry = tmp_path / "sources.yaml"
    registry.write_text("\n".join(levels) + "\nsources: [*l8]\n", encoding="utf-8")
    for verb in ("run", "backfill"):
        result = _zhibiao(verb, "--sources", str(registry), "--db", str(tmp_path / "w.duckdb"))
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"zhibiao: {registry}: not valid YAML: expands to more than 200,000 nodes through "
            "its aliases (at line 6, column 5); write the entries out or use fewer anchors"
        ]
        assert not (tmp_path / "w.duckdb").exists()


def test_a_run_on_a_busy_warehouse_stops_in_one_line(tmp_path):
    from zhibiao.warehouse.db import run_lock

    db = tmp_path / "w.duckdb"
    with run_lock(db):
        result = _zhibiao("run", "--sources", str(ROOT / "sources.yaml"), "--db", str(db))
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("zhibiao: warehouse busy: pid ") and str(db) in line
    assert not db.exists()


def test_extract_reads_the_year_from_the_lead_when_nothing_else_dates_the_text(tmp_path):
    """No --year, no 发布时间, no dateline: the lead's 2014年上半年 dates 今年上半年 (a base
    year such as 比2012年 would not)."""
    text = tmp_path / "lead.txt"
    text.write_text(
        "上半年经济运行情况（synthetic fixture）\n\n"
        "在某地2014年上半年经济运行情况通报会上获悉：今年上半年，全地区生产总值完成33亿元，"
        "比2012年同期增长31.5%。\n",
        encoding="utf-8",
    )
    result = _zhibiao("extract", str(text), "--region", "林芝市")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["period"], r["measure"]) for r in rows} == {
        ("2014H1", "level"),
        ("2014H1", "growth_pct"),
    }


def _no_channel_env(**extra: str) -> dict[str, str]:
    drop = ("ZHIBIAO_WEBHOOK_URL", "ZHIBIAO_PREFECT_BLOCK")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def test_automations_apply_without_a_channel_says_what_to_set_in_one_line():
    result = _zhibiao("automations", "apply", env=_no_channel_env())
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "zhibiao automations apply: set ZHIBIAO_WEBHOOK_URL or ZHIBIAO_PREFECT_BLOCK: "
        "the automations notify through it"
    ]


def test_a_run_whose_sources_all_failed_exits_1_naming_them(tmp_path):
    """More than ZHIBIAO_MAX_FAILED_SHARE of the sources failed: the flow run is Failed, and
    so is the command, for cron and systemd to see."""
    from tests.conftest import isolated_env

    (tmp_path / "empty.txt").write_bytes(b"")
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n  - id: empty\n    url: empty.txt\n    kind: news\n    region: 林芝市\n",
        encoding="utf-8",
    )
    (tmp_path / "home").mkdir()
    env = isolated_env(tmp_path / "home")
    env.update(ZHIBIAO_DATA_DIR=str(tmp_path / "data"), PREFECT_LOGGING_LEVEL="WARNING")
    result = subprocess.run(
        [str(ZHIBIAO), "run", "--sources", str(registry), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed: 1 of 1 source(s) failed: empty" in result.stdout.splitlines()


def test_expected_failures_are_one_line_naming_what_is_at_fault(tmp_path):
    """A setting, a --db that cannot be, a warehouse not there, a file not there: one line
    on stderr that names it, a non-zero exit, no traceback, no Prefect server started."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    sources = str(ROOT / "sources.yaml")
    cases = [
        (
            ("run", "--sources", sources),
            {"ZHIBIAO_MAX_FAILED_SHARE": "half"},
            2,
            "ZHIBIAO_MAX_FAILED_SHARE",
        ),
        (
            ("backfill", "--sources", sources),
            {"ZHIBIAO_DOCUMENT_TIMEOUT": "soon"},
            2,
            "ZHIBIAO_DOCUMENT_TIMEOUT",
        ),
        (("run", "--sources", sources, "--db", str(not_a_dir / "w.duckdb")), {}, 2, str(not_a_dir)),
        (
            ("query", "select 1", "--db", str(tmp_path / "none" / "w.duckdb")),
            {},
            2,
            str(tmp_path / "none" / "w.duckdb"),
        ),
        (
            ("alerts", "--db", str(tmp_path / "none" / "w.duckdb")),
            {},
            2,
            str(tmp_path / "none" / "w.duckdb"),
        ),
        (("extract", str(tmp_path / "missing.txt")), {}, 1, str(tmp_path / "missing.txt")),
    ]
    for args, env, code, named in cases:
        result = _zhibiao(*args, env={**_no_channel_env(), "ZHIBIAO_DEBUG": "", **env})
        assert result.returncode == code, (args, result.stderr)
        [line] = result.stderr.strip().splitlines()
        assert named in line and "Traceback" not in line, (args, line)
    assert not (tmp_path / "none").exists()


def test_debug_shows_the_traceback_of_an_expected_failure():
    result = _zhibiao("--debug", "run", env=_no_channel_env(ZHIBIAO_MAX_FAILED_SHARE="half"))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) > 5
    assert "SettingsError" in result.stderr


def test_sources_lists_the_registry_with_each_sources_fetch_documents_and_state(tmp_path):
    from zhibiao.warehouse import db, links, load, source_state

    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n"
        "  - {id: report, url: r.txt, kind: work_report, region: 林芝市}\n"
        "  - {id: column, url: 'https://tjj.example.gov.cn/tjsj/', region: 林芝市,"
        " discover: {links: 公报}}\n"
        "  - {id: inbox, url: inbox/, region: 林芝市, discover: {files: '*'}}\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    with db.connect(warehouse) as con:
        load.upsert_sources(
            con,
            [
                {"id": "report", "url": "r.txt", "kind": "work_report", "region": "林芝市"},
                {"id": "column", "url": "https://tjj.example.gov.cn/tjsj/", "region": "林芝市"},
                {"id": "dropped", "url": "d.txt", "kind": "news", "region": "林芝市"},
            ],
        )
        load.record_document(
            con, {"document_id": "a" * 64, "source_id": "report"}, status="loaded", figures=3
        )
        source_state.record_fetch(con, "report", status="new")
        source_state.record_fetch(con, "column", status="failed", error="HTTP 404 Not Found")
        links.record_link(
            con, {"url": "https://tjj.example.gov.cn/x.html", "source_id": "column",
                  "status": "filtered_out", "run_id": "r1"},
        )  # fmt: skip
    result = _zhibiao("sources", "--sources", str(registry), "--db", str(warehouse))
    assert result.returncode == 0, result.stderr
    rows = {
        cells[0]: cells
        for line in result.stdout.splitlines()
        if (cells := [c.strip() for c in line.strip("│┃ ").split("│")]) and len(cells) > 5
    }
    assert rows["report"][1:4] == ["work_report", "林芝市", "ok"]
    assert rows["column"][1:4] == ["listing", "林芝市", "failing"]
    assert rows["inbox"][1:4] == ["folder", "林芝市", "never fetched"]
    assert rows["dropped"][3] == "not in the registry"
    assert list(rows) == ["report", "column", "inbox", "dropped"]
    assert "column: HTTP 404 Not Found" in result.stdout


def test_alerts_detect_reads_what_was_loaded_since_and_full_reads_all(tmp_path):
    from tests.test_anomalies import alert_db, catalog, load_fixture

    db = tmp_path / "w.duckdb"
    con = alert_db(db)
    con.register("cat", catalog().rename(columns={"code": "indicator_code"}))
    con.execute("insert into indicators by name select * from cat")
    load_fixture(con, "level_growth_mismatch")
    con.close()
    first = _zhibiao("alerts", "detect", "--db", str(db))
    again = _zhibiao("alerts", "detect", "--db", str(db))
    full = _zhibiao("alerts", "detect", "--full", "--db", str(db))
    assert first.returncode == again.returncode == full.returncode == 0, first.stderr
    assert "read every series" in first.stdout and "3 anomalies, 3 new" in first.stdout
    assert "the 0 indicator-region pair(s)" in again.stdout and "0 new" in again.stdout
    assert "read every series" in full.stdout and "3 anomalies, 0 new" in full.stdout
