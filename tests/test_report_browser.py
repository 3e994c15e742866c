"""`zhibiao report` as a reader gets it: the nightly flow writes it, a real headless browser
(Debian's chromium, driven by playwright) opens it from the file system.

The warehouse is built by the nightly flow on the bundled 2024 work report (real) and two
SYNTHETIC bulletins (tests/fixtures/report/README.md) that give a revision path and targets
met and missed. The screenshots are kept under pytest's temporary directory; their paths are
printed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "report"
CHROMIUM = shutil.which("chromium")

SOURCES = [
    ("linzhi-gwr-2024", REPORT, "work_report", "2024-01-15"),
    ("linzhi-bulletin-2023", FIXTURES / "bulletin-2023.txt", "statistical_bulletin", "2024-03-20"),
    ("linzhi-bulletin-2024", FIXTURES / "bulletin-2024.txt", "statistical_bulletin", "2025-03-20"),
]


@pytest.fixture(scope="module")
def run(prefect_server, tmp_path_factory):
    """One nightly run on the three documents, on the session's Prefect server (shared with
    the deployment tests): (state, database, report directory, artifacts by key)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.test_pipeline import _artifacts
    from zhibiao.flows.nightly import nightly

    tmp = tmp_path_factory.mktemp("report-run")
    data = tmp / "data"
    data.mkdir()
    lines = ["sources:"]
    for source_id, path, kind, published_on in SOURCES:
        shutil.copy(path, data / path.name)
        lines += [
            f"  - id: {source_id}",
            f"    url: data/{path.name}",
            f"    kind: {kind}",
            "    region: 林芝市",
            f"    published_on: {published_on}",
        ]
    (tmp / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp / "warehouse.duckdb"
    with (
        pytest.MonkeyPatch.context() as env,
        temporary_settings(updates={PREFECT_API_URL: prefect_server.api_url}),
    ):
        for var in ("ZHIBIAO_WEBHOOK_URL", "ZHIBIAO_REPORT_DIR", "ZHIBIAO_REPORT_URL"):
            env.delenv(var, raising=False)
        env.setenv("ZHIBIAO_DATA_DIR", str(data))
        state = nightly(sources=str(tmp / "sources.yaml"), db=str(db), return_state=True)
        artifacts = _artifacts(state.state_details.flow_run_id)
    return state, db, data / "report", artifacts


def test_the_nightly_run_writes_the_report_and_links_it(run):
    state, db, report, artifacts = run
    summary = state.result()
    index = report / "index.html"
    assert summary["report_url"] == index.resolve().as_uri()
    assert summary["warnings"] == []
    link = artifacts["zhibiao-nightly-report"]
    assert f"]({index.resolve().as_uri()})" in link.data and str(db) in link.description
    assert f"Report: {index.resolve().as_uri()}" in artifacts["zhibiao-nightly"].data
    assert len(list((report / "pages").glob("*.html"))) > 50


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Visit:
    """A page of the browser that records what a reader would not see: console messages,
    script errors and every request it makes."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())

    def screenshot(self, path: Path, capsys) -> None:
        """Kept under pytest's tmp dir; ZHIBIAO_SHOW_SCREENSHOTS=1 prints where, so that a
        passing `make test` prints nothing but its result."""
        self.page.screenshot(path=str(path), full_page=True)
        if os.environ.get("ZHIBIAO_SHOW_SCREENSHOTS"):
            with capsys.disabled():
                print(f"\nscreenshot: {path}")


def _page_of(report: Path, index_html: str, name: str) -> Path:
    """The page the index links under an indicator's Chinese name."""
    import re

    [href] = re.findall(rf'<a href="(pages/[^"]+)">{name}</a>', index_html)
    return report / href


def test_the_index_opens_offline_and_searches(run, browser, tmp_path_factory, capsys):
    _, _, report, _ = run
    visit = Visit(browser)
    visit.open(report / "index.html")
    rows = visit.page.locator("#indicators tbody tr")
    total = rows.count()
    visit.page.fill("#search", "地区生产总值 林芝市")
    visible = visit.page.locator("#indicators tbody tr:visible")
    assert 1 <= visible.count() < total
    assert visible.locator("a", has_text="地区生产总值").count() >= 1
    visit.page.click('#regions a[data-region="林芝市"]')  # a region: its indicators only
    regions = visible.locator("td:first-child").all_inner_texts()
    assert set(regions) == {"林芝市"} and len(regions) < total
    visit.screenshot(tmp_path_factory.mktemp("report-screens") / "index.png", capsys)
    assert visit.problems == []
    assert [u for u in visit.requests if not u.startswith("file://")] == []


@pytest.mark.parametrize(
    "code, name", [("gdp", "地区生产总值"), ("retail_sales", "社会消费品零售总额")]
)
def test_an_indicator_page_draws_every_figure(run, browser, tmp_path_factory, capsys, code, name):
    """One point a figure of the series in the warehouse (every vintage, the targets), each
    linked to its evidence row; no console error, no request that leaves the file system."""
    _, db, report, _ = run
    with duckdb.connect(str(db), read_only=True) as con:
        [(figures,)] = con.execute(
            "select count(*) from observations where indicator_code = ? and region = '林芝市' "
            "and series_kind <> 'derived'",
            [code],
        ).fetchall()
        [(missed,)] = con.execute(
            "select count(*) from targets_vs_actuals where indicator_code = ? "
            "and outcome = 'missed'",
            [code],
        ).fetchall()
    assert figures >= 5 and missed == 1  # estimate, preliminary, target: the fixtures' point

    page = _page_of(report, (report / "index.html").read_text(encoding="utf-8"), name)
    visit = Visit(browser)
    visit.open(page)
    visit.page.wait_for_function("window.chartView !== undefined")
    points = visit.page.locator("#chart g.mark-symbol.role-mark path")
    assert points.count() == figures
    red = visit.page.locator('#chart g.mark-symbol.role-mark path[fill="#de2d26"]')
    assert red.count() == missed
    points.first.click(force=True)
    assert "#obs-" in visit.page.url
    anchor = visit.page.url.split("#")[1]
    assert visit.page.locator(f"tr#{anchor}").count() == 1
    visit.screenshot(tmp_path_factory.mktemp("report-screens") / f"{code}.png", capsys)
    assert visit.problems == []
    assert [u for u in visit.requests if not u.startswith("file://")] == []
