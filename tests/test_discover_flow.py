"""Listing and folder entries through the nightly flow, on a real DuckDB file (and, for
listings, a real HTTP server on 127.0.0.1 that behaves like a government CMS)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests import test_pipeline as pipeline
from zhibiao.flows.summary import render_summary

# The pipeline tests' fixtures: a Prefect test harness, a data directory under tmp_path.
harness, workdir, _run = pipeline.harness, pipeline.workdir, pipeline._run

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"

QUARTER = (
    "林芝市2024年一季度经济运行情况（synthetic fixture）\n"
    "一季度，全市地区生产总值完成50.2亿元，同比增长6.1%。\n"
)


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_folder_loads_each_new_file_once_with_kind_period_and_date_from_its_name(
    harness, workdir
):
    tmp, data = workdir
    inbox = data / "inbox"
    inbox.mkdir()
    shutil.copy(REPORT, inbox / "report.txt")  # named by its own entry: stays that entry's
    (inbox / "2024-04-29 林芝市2024年一季度经济运行情况.txt").write_text(QUARTER, encoding="utf-8")
    (inbox / "copy of the same release.txt").write_text(QUARTER, encoding="utf-8")
    (inbox / ".draft.txt").write_text(QUARTER + "草稿", encoding="utf-8")  # hidden: skipped
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: linzhi-gwr-2024, url: data/inbox/report.txt, kind: work_report,"
        " region: 林芝市, published_on: 2024-01-15}\n"
        "  - id: inbox\n    url: data/inbox/\n    region: 林芝市\n"
        '    discover: {files: "*.txt"}\n',
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"

    first = _run(sources, db)
    statuses = sorted((d["source_id"], d["status"]) for d in first["documents"])
    assert statuses == [("inbox", "new"), ("inbox", "unchanged"), ("linzhi-gwr-2024", "new")]
    documents = _rows(
        db,
        "select source_id, kind, published_on::varchar from documents order by source_id",
    )
    assert documents == [
        ("inbox", "quarterly_release", "2024-04-29"),
        ("linzhi-gwr-2024", "work_report", "2024-01-15"),
    ]
    gdp = _rows(
        db,
        "select period, value from observations o join documents d using (document_id) "
        "where d.source_id = 'inbox' and indicator_code = 'gdp' and measure = 'level'",
    )
    assert gdp == [("2024Q1", 5_020_000_000.0)]
    found = _rows(db, "select title, kind, period, status from discovered_links order by title")
    assert found == [
        ("2024-04-29 林芝市2024年一季度经济运行情况", "quarterly_release", "2024Q1", "loaded"),
        ("copy of the same release", "news", None, "unchanged"),
    ]

    second = _run(sources, db)
    assert second["documents_new"] == 0 and second["documents_failed"] == 0
    assert _rows(db, "select count(*) from documents") == [(2,)]


def test_the_period_a_title_names_dates_undated_figures_and_survives_reextraction(harness, workdir):
    """A 2023 bulletin published in April 2024: 全年 is 2023, not the year of publication,
    on the first reading and when backfill --reextract reads the snapshot again."""
    from zhibiao.flows.backfill import backfill

    tmp, data = workdir
    (data / "2024-04-10 林芝市2023年国民经济和社会发展统计公报.txt").write_text(
        "（synthetic fixture）\n全年全市地区生产总值231.6亿元，比上年增长9.8%。\n", encoding="utf-8"
    )
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n  - {id: inbox, url: data/, region: 林芝市, discover: {files: '*.txt'}}\n",
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"
    gdp = (
        "select period, extractor_version from observations where indicator_code = 'gdp' "
        "and measure = 'level'"
    )
    _run(sources, db)
    [(period, _)] = _rows(db, gdp)
    assert period == "2023"
    summary = backfill(sources=str(sources), db=str(db), reextract=True)
    assert [d["status"] for d in summary["documents"]] == ["reextracted"]
    assert [r[0] for r in _rows(db, gdp)] == ["2023"]


def test_a_folder_outside_the_data_directory_fails_that_entry_alone(harness, workdir, tmp_path):
    tmp, data = workdir
    outside = tmp / "elsewhere"
    outside.mkdir()
    (data / "one.txt").write_text(QUARTER, encoding="utf-8")
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: outside, url: elsewhere/, region: 林芝市, discover: {files: '*'}}\n"
        "  - {id: missing, url: data/nowhere/, region: 林芝市, discover: {files: '*'}}\n"
        "  - {id: one, url: data/one.txt, kind: quarterly_release, region: 林芝市}\n",
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"
    summary = _run(sources, db)
    by_source = {d["source_id"]: d for d in summary["documents"]}
    assert by_source["one"]["status"] == "new"
    assert by_source["outside"]["status"] == "failed"
    assert "outside the data directory" in by_source["outside"]["error"]
    assert by_source["missing"]["status"] == "failed"
    state = _rows(db, "select source_id, last_status from sources order by source_id")
    assert state == [("missing", "failed"), ("one", "new"), ("outside", "failed")]
    reasons = _rows(db, "select source_id, stage from quarantine order by source_id")
    assert reasons == [("missing", "fetch"), ("outside", "fetch")]


# --- listings on a loopback site that behaves like a government CMS ---------------------

LISTING_HEAD = (
    "<!DOCTYPE html><!-- synthetic fixture: a CMS column, not a real site -->\n<html><head>"
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>统计数据</title></head><body><div class=nav><a href=/>首页</a></div><ul>"
)


def _column(*items: str) -> bytes:
    return (LISTING_HEAD + "".join(items) + "</ul></body></html>").encode("gb18030")


QUARTER_ITEM = (
    '<li><a href="./202404/t20240429_1.html">林芝市2024年一季度经济运行情况</a>'
    "<span>2024-04-29</span></li>"
)
BULLETIN_ITEM = (
    '<li><a href="../tjgb/202404/t20240410_2.html" title="林芝市2023年国民经济和社会发展统计公报">'
    "林芝市2023年国民经济和社会发展统...</a><span>2024年4月10日</span></li>"
)
NOTICE_ITEM = '<li><a href="/zwgk/notice.html">关于开展统计执法检查的通知</a></li>'
GONE_ITEM = '<li><a href="./202403/t20240301_9.html">林芝市2024年1-2月经济运行</a> 2024/03/01</li>'
PRIVATE_ITEM = '<li><a href="/private/h1.html">林芝市2024年上半年经济运行简况</a></li>'
SLOW_ITEM = '<li><a href="./202402/t20240220_5.html">林芝市2023年四季度经济运行</a> [02-20]</li>'
FIRST_ITEMS = (QUARTER_ITEM, BULLETIN_ITEM, NOTICE_ITEM, GONE_ITEM, PRIVATE_ITEM)
LAST_MODIFIED = "Mon, 29 Apr 2024 08:00:00 GMT"
MAY_ITEM = (
    '<li><a href="./202406/t20240628_3.html">林芝市2024年1-5月主要经济指标</a>'
    "<span>2024-06-28</span></li>"
)


def _page(title: str, body: str, extra: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><!-- synthetic fixture: a release page, not a real one -->\n"
        f'<html><head><meta charset="gb2312"><title>{title}</title></head><body>'
        f"<h1>{title}</h1><p>{body}</p>{extra}</body></html>"
    ).encode("gb18030")


QUARTER_PAGE = _page(
    "林芝市2024年一季度经济运行情况",
    "一季度，全市地区生产总值完成50.2亿元，同比增长6.1%。",
    '<p><a href="./P020240429_1.xlsx">附件1：林芝市2024年1-3月主要经济指标.xlsx</a></p>'
    '<p><a href="./P020240429_2.xls">附件2：表格</a></p>'
    '<p><a href="./P020240429_3.xlsx">附件3：表格</a></p>',
)
BULLETIN_PAGE = _page(
    "林芝市2023年国民经济和社会发展统计公报",
    "初步核算，全年全市地区生产总值231.6亿元，比上年增长9.8%。",
)
MAY_PAGE = _page(
    "林芝市2024年1-5月主要经济指标",
    "1-5月，全市社会消费品零售总额完成45.3亿元，同比增长5.2%。",
)
SLOW_PAGE = _page("林芝市2023年四季度经济运行", "全年全市固定资产投资增长8.5%。")


def _workbook(retail: float = 27.3) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["林芝市2024年1-3月主要经济指标（synthetic fixture）"])
    sheet.merge_cells("A1:D1")
    sheet.append(["指标", "单位", "1-3月", "同比增长(%)"])
    sheet.append(["规模以上工业增加值", "亿元", 7.5, 6.2])
    sheet.append(["社会消费品零售总额", "亿元", retail, -1.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HTML = {"Content-Type": "text/html"}


def _html(body: bytes, etag: str | None = None):
    from tests.http_fault_server import respond

    return respond(200, body, {**HTML, **({"ETag": etag} if etag else {})})


@pytest.fixture
def cms(monkeypatch):
    """The loopback site; fetch limits small, no crawl delay, so faults show in a second."""
    from tests.http_fault_server import running

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    for var, value in {
        "ZHIBIAO_CRAWL_DELAY": "0",
        "ZHIBIAO_READ_TIMEOUT": "0.5",
        "ZHIBIAO_TOTAL_TIMEOUT": "3",
        "ZHIBIAO_RETRIES": "0",
        "ZHIBIAO_MAX_FAILED_SHARE": "1",  # the faults below are many of few documents
    }.items():
        monkeypatch.setenv(var, value)
    with running() as server:
        yield server


def _listing_registry(tmp: Path, server) -> Path:
    path = tmp / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - id: linzhi-tjsj\n    url: {server.url('/tjsj/index.html')}\n"
        "    region: 林芝市\n"
        '    discover: {links: "公报|经济运行|经济指标", pages: 3}\n'
        f"  - id: linzhi-rss\n    url: {server.url('/rss.xml')}\n    region: 林芝市\n"
        '    discover: {links: "."}\n'
        f"  - id: gone-column\n    url: {server.url('/old/index.html')}\n    region: 林芝市\n"
        '    discover: {links: "公报"}\n',
        encoding="utf-8",
    )
    return path


RSS = """<?xml version="1.0" encoding="utf-8"?>
<!-- synthetic fixture: a feed, not a real one -->
<rss version="2.0"><channel><title>统计数据</title><link>/</link>
<item><title>林芝市2023年国民经济和社会发展统计公报</title><link>/tjgb/202404/t20240410_2.html</link>
<pubDate>Wed, 10 Apr 2024 09:00:00 +0800</pubDate></item>
</channel></rss>
""".encode()


def test_a_listing_fetches_each_release_once_and_finds_the_next_one(harness, workdir, cms):
    from tests.http_fault_server import conditional, respond, sleep_then

    tmp, _ = workdir
    cms.route("/robots.txt", respond(200, b"User-agent: *\nDisallow: /private/\n"))
    column = conditional(_column(*FIRST_ITEMS), '"v1"', LAST_MODIFIED, "text/html")
    cms.route("/tjsj/index.html", column)
    cms.route("/tjsj/index_1.html", _html(_column(SLOW_ITEM)))
    cms.route("/tjsj/202404/t20240429_1.html", _html(QUARTER_PAGE))
    cms.route("/tjgb/202404/t20240410_2.html", _html(BULLETIN_PAGE))
    cms.route("/tjsj/202402/t20240220_5.html", sleep_then(2, _html(SLOW_PAGE)), _html(SLOW_PAGE))
    cms.route("/tjsj/202404/P020240429_1.xlsx", respond(200, _workbook()))
    cms.route("/tjsj/202404/P020240429_2.xls", respond(200, b"\xd0\xcf\x11\xe0 not a workbook"))
    slow_table = sleep_then(2, respond(200, _workbook(27.4)))
    cms.route("/tjsj/202404/P020240429_3.xlsx", slow_table, respond(200, _workbook(27.4)))
    cms.route("/rss.xml", respond(200, RSS, {"Content-Type": "application/rss+xml"}))
    sources = _listing_registry(tmp, cms)
    db = tmp / "w.duckdb"

    first = _run(sources, db)
    assert first["status"] == "completed_with_failures"
    found = dict(_rows(db, "select regexp_extract(url, '[^/]+$'), status from discovered_links"))
    assert found == {
        "t20240429_1.html": "loaded",
        "t20240410_2.html": "loaded",
        "P020240429_1.xlsx": "loaded",
        "P020240429_2.xls": "quarantined",
        "P020240429_3.xlsx": "failed",  # timed out: retried next night, as found
        "notice.html": "filtered_out",
        "": "filtered_out",  # 首页
        "t20240301_9.html": "failed",  # 404
        "h1.html": "failed",  # robots.txt
        "t20240220_5.html": "failed",  # timed out: retried next night
    }
    documents = _rows(
        db,
        "select kind, published_on::varchar, status, error from documents "
        "where source_id = 'linzhi-tjsj' order by kind, status",
    )
    assert [d[:3] for d in documents] == [
        ("monthly_release", "2024-04-29", "loaded"),  # the xlsx: its name says 1-3月
        ("quarterly_release", "2024-04-29", "loaded"),
        ("quarterly_release", "2024-04-29", "quarantined"),  # the broken xls: its page's kind
        ("statistical_bulletin", "2024-04-10", "loaded"),
    ]
    assert "unreadable workbook" in documents[2][3]
    retail = _rows(
        db,
        "select period, value from observations where indicator_code = 'retail_sales' "
        "and measure = 'level' and status <> 'derived'",
    )
    assert retail == [("2024Q1", 2_730_000_000.0)]  # 1-3月 is a quarter to the extractor
    assert any("robots.txt" in (d["error"] or "") for d in first["documents"])
    assert first["links"] == {"failed": 4, "filtered_out": 2, "loaded": 3, "quarantined": 1}
    artifact = render_summary(first)
    assert "found by listings and folders: failed 4, filtered_out 2, loaded 3" in artifact
    gone = [d for d in first["documents"] if d["source_id"] == "gone-column"]
    assert [(d["status"], d["stage"]) for d in gone] == [("failed", "fetch")]
    assert "HTTP 404" in gone[0]["error"]
    rss = [d for d in first["documents"] if d["source_id"] == "linzhi-rss"]
    assert [d["status"] for d in rss] == ["unchanged"]  # the bulletin, already read
    assert all(s.headers["user-agent"].startswith("zhibiao/") for s in cms.seen)

    second = _run(sources, db)  # the column answers 304; only the timed-out page is retried
    hits = dict(cms.hits)
    assert hits["/tjsj/202404/t20240429_1.html"] == 1
    assert hits["/tjgb/202404/t20240410_2.html"] == 1
    assert hits["/tjsj/202404/P020240429_1.xlsx"] == 1
    assert hits["/tjsj/index_1.html"] == 1  # not read again behind a 304
    assert hits["/tjsj/202402/t20240220_5.html"] == 2
    listing_requests = [s for s in cms.seen if s.path == "/tjsj/index.html"]
    assert listing_requests[-1].headers.get("if-none-match") == '"v1"'
    tjsj = [d for d in second["documents"] if d["source_id"] == "linzhi-tjsj"]
    assert [d["status"] for d in tjsj] == ["new", "new"]  # what timed out last night
    assert second["documents_new"] == 2
    assert _rows(
        db,
        "select d.kind, l.period, l.status from documents d join discovered_links l "
        "using (document_id) where l.url like '%P020240429_3.xlsx'",
    ) == [("quarterly_release", "2024Q1", "loaded")]  # of its page, as first found

    cms.route(
        "/tjsj/index.html",
        conditional(_column(MAY_ITEM, *FIRST_ITEMS), '"v2"', LAST_MODIFIED, "text/html"),
    )
    cms.route("/tjsj/202406/t20240628_3.html", _html(MAY_PAGE))
    third = _run(sources, db)
    tjsj = [d for d in third["documents"] if d["source_id"] == "linzhi-tjsj"]
    assert [d["status"] for d in tjsj] == ["new"]
    assert cms.hits["/tjsj/202404/t20240429_1.html"] == 1  # still once
    assert _rows(
        db,
        "select kind, period, published_on::varchar from discovered_links "
        "where url like '%t20240628_3.html'",
    ) == [("monthly_release", "2024M01-M05", "2024-06-28")]


def test_the_figures_of_all_documents_of_an_entry_count_on_the_progress_bar():
    from zhibiao.flows.discover import Outcomes
    from zhibiao.flows.steps import DocumentOutcome

    found = Outcomes([DocumentOutcome("column", "new", figures_loaded=n) for n in (2, 0, 5)])
    assert found.figures_loaded == 7
