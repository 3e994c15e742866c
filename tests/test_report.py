"""`zhibiao report` without a browser: what each page holds, on the SYNTHETIC sample warehouse
of the analyst guide (tools/sample.py: invented documents, a county, targets met,
missed and pending, a revision, a quarantined row). The browser's view is
tests/test_report_browser.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tools.sample import build_sample_warehouse
from zhibiao.report import build_report
from zhibiao.report.charts import chart_records
from zhibiao.report.labels import display_scale, number
from zhibiao.report.site import page_file, write_site
from zhibiao.settings import Settings
from zhibiao.warehouse.report import read_report

EVERY_FIGURE = "select count(*) from observations where series_kind <> 'derived'"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build_sample_warehouse(tmp_path_factory.mktemp("report") / "sample.duckdb")


@pytest.fixture(scope="module")
def frames(sample):
    return read_report(sample)


def _sql(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_every_stated_and_target_figure_is_a_point_of_its_page_once(sample, frames):
    points = frames["points"]
    [(expected,)] = _sql(sample, EVERY_FIGURE)
    assert len(points) == expected == points["observation_id"].nunique()
    pages = points.groupby(["indicator_code", "page_label", "region"])
    assert len(pages) == len(frames["pages"])
    for _, rows in pages:
        records = chart_records(rows.to_dict(orient="records"))
        assert sorted(r["id"] for r in records) == sorted(rows["observation_id"])


def test_current_and_outcome_are_the_views(sample, frames):
    """is_current is observations_latest's pick, outcome targets_vs_actuals' verdict."""
    points = frames["points"]
    current = {row[0] for row in _sql(sample, "select observation_id from observations_latest")}
    assert set(points.loc[points["is_current"], "observation_id"]) == current
    verdicts = _sql(
        sample,
        "select indicator_code, region, period, measure, outcome from targets_vs_actuals",
    )
    targets = points[(points["status"] == "target") & points["is_current"]]
    shown = targets[["indicator_code", "region", "period", "measure", "outcome"]]
    assert sorted(map(tuple, shown.to_numpy())) == sorted(verdicts)
    assert {"met", "missed", "pending"} <= {v[-1] for v in verdicts}


@pytest.fixture(scope="module")
def site(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    report = build_report(sample, out, data_docs_url="http://127.0.0.1:8800/index.html")
    return out, report


def test_the_scorecards_count_met_missed_and_pending_per_document(sample, site):
    out, _ = site
    html = (out / "targets.html").read_text(encoding="utf-8")
    expected = _sql(
        sample,
        "select target_document_id, count(*) filter (outcome = 'met'), "
        "count(*) filter (outcome = 'missed'), count(*) filter (outcome = 'pending') "
        "from targets_vs_actuals group by all",
    )
    for document_id, met, missed, pending in expected:
        card = html.split(f'id="doc-{document_id}"')[1].split('<div class="card"')[0]
        counts = re.search(r"(\d+) met</span> · .*?(\d+) missed</span> · .*?(\d+) pending", card)
        assert counts and counts.groups() == (str(met), str(missed), str(pending)), document_id


def test_the_index_links_a_page_for_every_indicator_and_region(sample, frames, site):
    out, report = site
    index = (out / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="(pages/[^"#]+)"', index))
    assert report.pages == len(frames["pages"]) == len(linked)
    assert all((out / name).is_file() for name in linked)
    assert (out / page_file("gdp", "", "墨脱县")).is_file()  # the county has its own page
    [(county_pages,)] = _sql(
        sample,
        "select count(distinct (indicator_code, series_label)) from observations "
        "where region = '墨脱县' and series_kind <> 'derived'",
    )
    assert f'data-region="墨脱县">墨脱县</a></td><td class="num">{county_pages}</td>' in index


def test_quality_shows_quarantine_by_reason_runs_and_the_data_docs(sample, site):
    out, _ = site
    html = (out / "quality.html").read_text(encoding="utf-8")
    for (reason,) in _sql(sample, "select distinct reason from quarantine"):
        assert reason.replace("'", "&#39;").replace('"', "&#34;") in html
    assert 'href="http://127.0.0.1:8800/index.html"' in html
    for flow, status, loaded in _sql(sample, "select flow, status, figures_loaded from runs"):
        row = rf"<td>{flow}</td><td>{status}</td>.*?<td class=\"num\">{loaded}</td>"
        assert re.search(row, html, re.S), row


def test_open_alerts_carry_their_sentence(tmp_path):
    """An alert in the warehouse is on alerts.html and on its indicator's page."""
    import datetime as dt

    from tests.test_anomalies import alert_db, load_fixture
    from zhibiao.transforms import catalog
    from zhibiao.warehouse import alerts

    db = tmp_path / "warehouse.duckdb"
    with alert_db(db) as con:
        load_fixture(con, "target_missed")
        alerts.detect_and_record(con, catalog.load_catalog(), dt.datetime.now())
    code, region, message, evidence = _sql(
        db,
        "select indicator_code, region, message_zh, evidence from alerts "
        "where status = 'open' and rule = 'target_missed' order by fingerprint",
    )[0]
    build_report(db, tmp_path / "out")
    listed = (tmp_path / "out" / "alerts.html").read_text(encoding="utf-8")
    page = (tmp_path / "out" / page_file(code, "", region)).read_text(encoding="utf-8")
    for html in (listed, page):
        assert message in html and evidence.splitlines()[0] in html


def test_region_limits_the_report_to_its_pages(sample, tmp_path):
    report = build_report(sample, tmp_path, region="墨脱县")
    [(pages,)] = _sql(
        sample,
        "select count(distinct (indicator_code, case when indicator_code = 'unmapped' "
        "then series_label else '' end)) from observations "
        "where region = '墨脱县' and series_kind <> 'derived'",
    )
    assert report.pages == pages == len(list((tmp_path / "pages").glob("*.html")))
    assert "林芝市" not in (tmp_path / "index.html").read_text(encoding="utf-8").split("<table")[1]


def test_a_page_of_an_indicator_no_longer_there_is_removed(frames, tmp_path):
    write_site(frames, tmp_path)
    stale = tmp_path / "pages" / "gone-0000000000.html"
    stale.write_text("old", encoding="utf-8")
    (tmp_path / "assets" / "vega-embed-0.0.0-vl5.0.js").write_text("old", encoding="utf-8")
    write_site(frames, tmp_path)
    assert not stale.exists()
    assert [p.name for p in (tmp_path / "assets").iterdir()] != []
    assert not (tmp_path / "assets" / "vega-embed-0.0.0-vl5.0.js").exists()


@pytest.mark.parametrize(
    "unit, values, factor, shown",
    [
        ("元", [23_160_000_000.0], 1e8, "亿元"),
        ("元", [23_160_000_000.0, 5_000_000.0], 1e8, "亿元"),  # one axis, the largest's unit
        ("人次", [13_000_000.0], 1e4, "万人次"),
        ("元", [4_500_000_000_000.0], 1e12, "万亿元"),
        ("套", [1272.0], 1.0, "套"),
        ("%", [130.0], 1.0, "%"),
        ("‰", [15_000.0], 1.0, "‰"),  # rates keep their unit whatever the value
    ],
)
def test_display_scale(unit, values, factor, shown):
    assert display_scale(unit, values) == (factor, shown)


@pytest.mark.parametrize(
    "value, unit, text",
    [(23_160_000_000.0, "元", "231.6亿元"), (9.8, "%", "9.8%"), (1272.0, "套", "1,272套")],
)
def test_number(value, unit, text):
    assert number(value, unit) == text


def test_the_report_folder_is_a_setting(tmp_path):
    default = Settings.from_env({"ZHIBIAO_DATA_DIR": "d"}, cwd=tmp_path)
    assert default.report_dir == tmp_path / "d" / "report"
    chosen = Settings.from_env({"ZHIBIAO_REPORT_DIR": "site"}, cwd=tmp_path)
    assert chosen.report_dir == tmp_path / "site"


def test_a_report_that_cannot_be_written_is_a_warning_not_a_failure(sample, tmp_path):
    from dataclasses import replace

    from zhibiao.flows.steps import write_report

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    settings = replace(Settings.from_env(cwd=tmp_path), db_path=sample, report_dir=blocked)
    url, warning = write_report(settings)
    assert url is None and warning.startswith(f"report not written to {blocked}: ")
    served = replace(settings, report_dir=tmp_path / "r", report_url="http://127.0.0.1:8801/")
    assert write_report(served) == ("http://127.0.0.1:8801/index.html", None)


def test_the_command_writes_the_site_and_names_it(sample, tmp_path):
    zhibiao = Path(sys.executable).parent / "zhibiao"
    done = subprocess.run(
        [str(zhibiao), "report", "--db", str(sample), "--out", str(tmp_path), "--region", "林芝市"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith((tmp_path / "index.html").as_uri())
    missing = subprocess.run(
        [str(zhibiao), "report", "--db", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and "no warehouse there" in missing.stderr
