"""Vintages, revisions, targets, derived figures and load atomicity, on real DuckDB files.

Every document and figure here is a SYNTHETIC fixture, written for the case it tests
(values loosely modelled on the bundled 林芝 report); none is a real statistic.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from zhibiao.schema import FIGURE_COLUMNS
from zhibiao.warehouse import load as load_module
from zhibiao.warehouse.db import connect
from zhibiao.warehouse.load import LoadResult, load_document, upsert_indicators

# SYNTHETIC catalog slice: one real-growth, one nominal-growth, one no-growth indicator.
CATALOG = pd.DataFrame(
    {
        "code": ["gdp", "retail_sales", "cpi"],
        "name_zh": ["地区生产总值", "社会消费品零售总额", "居民消费价格"],
        "aliases": [["GDP"], ["社零"], []],
        "name_en": ["GDP", "Retail sales", "CPI"],
        "unit": ["元", "元", "%"],
        "kind": ["flow", "flow", "rate"],
        "growth_basis": ["real", "nominal", "none"],
        "category": ["economy"] * 3,
        "headline": [True, True, False],
    }
)
LABELS = dict(zip(CATALOG["code"], CATALOG["name_zh"], strict=True))

# Content columns of observations: everything but the surrogate id and load time, which
# depend on load order by design.
CONTENT = (
    "indicator_code, indicator_label, region, period, period_type, measure, value, "
    "value_high, unit, raw_value, raw_unit, status, qualifier, document_id, published_on, "
    "realtime_start, realtime_end, evidence, extractor_version, series_label, series_kind, "
    "derivation, is_latest"
)


def fig(code, period, measure, value, status="estimate", qualifier="eq", region="林芝市"):
    """One SYNTHETIC figure row in the extractor's contract."""
    mapped = code in LABELS
    return {
        "indicator_code": code if mapped else "unmapped",
        "indicator_label": LABELS.get(code, code),
        "region": region,
        "period": period,
        "period_type": "year",
        "measure": measure,
        "value": value,
        "value_high": np.nan,
        "unit": "%" if measure == "growth_pct" else "元",
        "raw_value": str(value),
        "raw_unit": "%" if measure == "growth_pct" else "元",
        "status": status,
        "qualifier": qualifier,
        "evidence": f"(synthetic) {code} {period} {value}",
    }


def doc(document_id, published_on):
    return {"document_id": document_id, "published_on": published_on, "region": "林芝市"}


def load(con, document, *rows) -> LoadResult:
    frame = pd.DataFrame(list(rows), columns=FIGURE_COLUMNS)
    return load_document(con, document, frame, extractor_version="test")


def fingerprint(con, table="observations", columns=CONTENT) -> str:
    """md5 over the table's rows in a fixed order: equal iff the contents are equal."""
    return con.execute(
        f"select md5(coalesce(string_agg(r, chr(10) order by r), '')) "
        f"from (select cast(t as varchar) as r from (select {columns} from {table}) as t)"
    ).fetchone()[0]


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "warehouse.duckdb")
    upsert_indicators(con, CATALOG)
    yield con
    con.close()


# SYNTHETIC documents: the 2023 report (targets), the 2024 report (estimates for 2023),
# the 2023 bulletin (revises them), the 2025 report (restates one as final).
GWR_2023 = (
    doc("gwr-2023", "2023-01-12"),
    fig("gdp", "2023", "growth_pct", 10.0, "target", "approx"),
    fig("retail_sales", "2023", "growth_pct", 12.0, "target", "ge"),
    fig("cpi", "2023", "growth_pct", 3.0, "target", "le"),
)
GWR_2024 = (
    doc("gwr-2024", "2024-01-15"),
    fig("gdp", "2023", "level", 2.3e10),
    fig("gdp", "2023", "growth_pct", 10.0),
    fig("retail_sales", "2023", "level", 6.05e9),
    fig("retail_sales", "2023", "growth_pct", 16.0),
)
BULLETIN_2023 = (
    doc("bulletin-2023", "2024-04-25"),
    fig("gdp", "2023", "level", 2.28e10, "preliminary"),
    fig("gdp", "2023", "growth_pct", 9.8, "preliminary"),
    fig("cpi", "2023", "growth_pct", 3.4, "preliminary"),
)
GWR_2025 = (
    doc("gwr-2025", "2025-01-20"),
    fig("gdp", "2023", "level", 2.28e10, "actual"),
)
ALL_DOCUMENTS = [GWR_2023, GWR_2024, BULLETIN_2023, GWR_2025]


def test_an_estimate_revised_by_a_bulletin_shows_both_vintages(con):
    load(con, *GWR_2024)
    result = load(con, *BULLETIN_2023)
    assert result == LoadResult(inserted=3, unchanged=0, closed=2, derived=0)
    rows = con.execute(
        "select measure, previous_value, revised_value, previous_status, revised_status, "
        "previous_published_on::varchar, revised_published_on::varchar, "
        "previous_document_id, revised_document_id, round(change_pct, 4) "
        "from revisions where indicator_code = 'gdp' order by measure"
    ).fetchall()
    assert rows == [
        (
            "growth_pct",
            10.0,
            9.8,
            "estimate",
            "preliminary",
            "2024-01-15",
            "2024-04-25",
            "gwr-2024",
            "bulletin-2023",
            -2.0,
        ),
        (
            "level",
            2.3e10,
            2.28e10,
            "estimate",
            "preliminary",
            "2024-01-15",
            "2024-04-25",
            "gwr-2024",
            "bulletin-2023",
            -0.8696,
        ),
    ]
    closed = con.execute(
        "select realtime_end::varchar from observations "
        "where document_id = 'gwr-2024' and indicator_code = 'gdp'"
    ).fetchall()
    assert closed == [("2024-04-25",), ("2024-04-25",)]


def test_each_series_is_numbered_once_in_the_order_it_was_first_published(con):
    load(con, *GWR_2023)
    load(con, *GWR_2024)
    load(con, *BULLETIN_2023)
    load(con, *GWR_2024)  # loaded before: nothing numbered again
    series = con.execute(
        "select series_id, indicator_code, period, measure, series_kind, "
        "first_published_on::varchar from series order by series_id"
    ).fetchall()
    assert series == [
        (1, "cpi", "2023", "growth_pct", "target", "2023-01-12"),
        (2, "gdp", "2023", "growth_pct", "target", "2023-01-12"),
        (3, "retail_sales", "2023", "growth_pct", "target", "2023-01-12"),
        (4, "gdp", "2023", "growth_pct", "stated", "2024-01-15"),
        (5, "gdp", "2023", "level", "stated", "2024-01-15"),
        (6, "retail_sales", "2022", "level", "derived", "2024-01-15"),
        (7, "retail_sales", "2023", "growth_pct", "stated", "2024-01-15"),
        (8, "retail_sales", "2023", "level", "stated", "2024-01-15"),
        (9, "cpi", "2023", "growth_pct", "stated", "2024-04-25"),
    ]
    # every row, derived ones too, carries the id of its own key; a revision is the same series
    off_key = con.execute(
        "select count(*) from observations as o left join series as s using (series_id) "
        "where s.series_id is null or (o.indicator_code, o.series_label, o.region, o.period, "
        "o.measure, o.series_kind) is distinct from (s.indicator_code, s.series_label, "
        "s.region, s.period, s.measure, s.series_kind)"
    ).fetchone()
    assert off_key == (0,)
    gdp_level = con.execute(
        "select distinct series_id from observations "
        "where indicator_code = 'gdp' and period = '2023' and measure = 'level'"
    ).fetchall()
    assert gdp_level == [(5,)]


def test_a_restatement_adds_provenance_but_closes_nothing(con):
    load(con, *GWR_2024)
    load(con, *BULLETIN_2023)
    result = load(con, *GWR_2025)
    assert result == LoadResult(inserted=1, unchanged=1, closed=0, derived=0)
    rows = con.execute(
        "select status, published_on::varchar, realtime_end, is_latest from observations "
        "where indicator_code = 'gdp' and measure = 'level' order by published_on"
    ).fetchall()
    assert rows == [
        ("estimate", "2024-01-15", pd.Timestamp("2024-04-25").date(), False),
        ("preliminary", "2024-04-25", None, False),
        ("actual", "2025-01-20", None, True),
    ]
    assert (
        con.execute(
            "select count(*) from revisions where indicator_code = 'gdp' and measure = 'level'"
        ).fetchone()[0]
        == 1
    )


def test_on_one_date_the_higher_status_is_latest(con):
    """Status ranks before the fetch time and the id: the estimate is learned later and its
    id sorts higher, and the actual still wins, in every reader of the best vintage."""
    actual = {**doc("a-actual", "2024-04-25"), "fetched_at": "2024-04-25 08:00:00"}
    estimate = {**doc("z-estimate", "2024-04-25"), "fetched_at": "2024-04-26 02:00:00"}
    load(con, actual, fig("gdp", "2023", "level", 2.3e10, "actual"))
    load(con, estimate, fig("gdp", "2023", "level", 2.4e10))
    latest = con.execute("select document_id, status from observations_latest").fetchall()
    assert latest == [("a-actual", "actual")]
    as_of = "select document_id from observations_as_of('2024-04-30')"
    assert con.execute(as_of).fetchall() == [("a-actual",)]


def test_a_same_day_correction_fetched_later_is_latest(con):
    """Issue 16.3: a source re-published on its date with 8.7 instead of 8.5: the document
    learned last wins, whatever its id."""
    first = {**doc("z-first", "2024-04-25"), "fetched_at": "2024-04-25 08:00:00"}
    fix = {**doc("a-correction", "2024-04-25"), "fetched_at": "2024-04-26 02:00:00"}
    load(con, first, fig("gdp", "2023", "growth_pct", 8.5, "actual"))
    load(con, fix, fig("gdp", "2023", "growth_pct", 8.7, "actual"))
    latest = con.execute("select document_id, value from observations_latest").fetchall()
    assert latest == [("a-correction", 8.7)]


@pytest.mark.parametrize(
    "qualifier, target, actual, measure, outcome",
    [
        ("ge", 12.0, 12.0, "growth_pct", "met"),
        ("ge", 12.0, 11.9, "growth_pct", "missed"),
        ("gt", 12.0, 12.0, "growth_pct", "missed"),
        ("gt", 12.0, 12.1, "growth_pct", "met"),
        ("le", 3.0, 3.0, "growth_pct", "met"),
        ("le", 3.0, 3.4, "growth_pct", "missed"),
        ("lt", 3.0, 3.0, "growth_pct", "missed"),
        ("lt", 3.0, 2.9, "growth_pct", "met"),
        ("approx", 10.0, 9.5, "growth_pct", "met"),  # 0.5 percentage points
        ("approx", 10.0, 10.6, "growth_pct", "missed"),
        ("eq", 10.0, 10.4, "growth_pct", "met"),
        ("approx", 1e10, 1.02e10, "level", "met"),  # 2% of the target
        ("approx", 1e10, 9.7e9, "level", "missed"),
        ("eq", 1e10, 1.03e10, "level", "missed"),
        ("ge", 1e10, None, "level", "pending"),
    ],
)
def test_targets_vs_actuals_by_qualifier(con, qualifier, target, actual, measure, outcome):
    load(
        con,
        doc("plan", "2023-01-12"),
        fig("retail_sales", "2023", measure, target, "target", qualifier),
    )
    if actual is not None:
        load(con, doc("report", "2024-01-15"), fig("retail_sales", "2023", measure, actual))
    row = con.execute(
        "select target_value, actual_value, outcome from targets_vs_actuals"
    ).fetchone()
    assert row == (target, actual, outcome)


def test_next_years_report_judges_last_years_targets(con):
    for document in ALL_DOCUMENTS:
        load(con, *document)
    rows = con.execute(
        "select indicator_code, qualifier, target_value, actual_value, actual_status, outcome "
        "from targets_vs_actuals order by indicator_code"
    ).fetchall()
    assert rows == [
        ("cpi", "le", 3.0, 3.4, "preliminary", "missed"),
        ("gdp", "approx", 10.0, 9.8, "preliminary", "met"),
        ("retail_sales", "ge", 12.0, 16.0, "estimate", "met"),
    ]


def test_an_actual_published_before_the_target_does_not_count(con):
    load(con, doc("early", "2022-12-01"), fig("gdp", "2023", "growth_pct", 9.0))
    load(con, doc("plan", "2023-01-12"), fig("gdp", "2023", "growth_pct", 10.0, "target"))
    assert con.execute("select outcome from targets_vs_actuals").fetchone() == ("pending",)


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_documents_out_of_order_end_as_in_order(tmp_path, order):
    in_order = connect(tmp_path / "in-order.duckdb")
    shuffled = connect(tmp_path / "shuffled.duckdb")
    for con_, sequence in ((in_order, range(4)), (shuffled, order)):
        upsert_indicators(con_, CATALOG)
        for i in sequence:
            load(con_, *ALL_DOCUMENTS[i])
    assert fingerprint(shuffled) == fingerprint(in_order)
    for view in ("observations_latest", "revisions", "targets_vs_actuals", "derived_vs_stated"):
        columns = "*" if view != "observations_latest" else CONTENT
        assert fingerprint(shuffled, view, columns) == fingerprint(in_order, view, columns), view
    in_order.close()
    shuffled.close()


def test_the_same_document_twice_writes_nothing(con):
    load(con, *GWR_2023)
    load(con, *GWR_2024)
    tables = ("observations", "documents", "quarantine")
    before = {t: fingerprint(con, t, "*") for t in tables}
    result = load(con, *GWR_2024)
    assert result == LoadResult(inserted=0, unchanged=4, closed=0, derived=0)
    assert {t: fingerprint(con, t, "*") for t in tables} == before


def test_a_row_violating_not_null_leaves_nothing_of_its_document(con):
    load(con, *GWR_2024)
    before = {t: fingerprint(con, t, "*") for t in ("observations", "documents", "quarantine")}
    broken = fig("gdp", "2023", "level", np.nan, "preliminary")  # value is NOT NULL
    with pytest.raises(Exception, match="NOT NULL"):
        load(con, *BULLETIN_2023, broken)
    after = {t: fingerprint(con, t, "*") for t in ("observations", "documents", "quarantine")}
    assert after == before
    assert load(con, *BULLETIN_2023).inserted == 3  # the connection is usable again


def test_a_failure_after_rows_were_written_rolls_all_back(con, monkeypatch):
    load(con, *GWR_2024)
    before = {t: fingerprint(con, t, "*") for t in ("observations", "documents", "quarantine")}

    def fail(con_):
        inserted = con_.execute(
            "select count(*) from observations where document_id = 'bulletin-2023'"
        ).fetchone()[0]
        raise RuntimeError(f"injected failure after {inserted} rows")

    monkeypatch.setattr(load_module, "_recompute_intervals", fail)
    with pytest.raises(RuntimeError, match="after 3 rows"):
        load(con, *BULLETIN_2023)
    after = {t: fingerprint(con, t, "*") for t in ("observations", "documents", "quarantine")}
    assert after == before


# A loader process that stops inside its transaction, after the stated rows are written and
# the earlier document's intervals closed in its view of the data, until it is killed.
KILLED_LOADER = textwrap.dedent(
    """
    import sys, time
    import pandas as pd
    from zhibiao.warehouse import load
    from zhibiao.warehouse.db import connect

    def stall(con):
        print("inside the transaction", flush=True)
        time.sleep(120)

    load._recompute_intervals = stall
    document, figures = sys.argv[2], pd.read_json(sys.stdin, orient="records", dtype=False)
    con = connect(sys.argv[1])
    load.load_document(con, {"document_id": document, "published_on": sys.argv[3]}, figures,
                       extractor_version="test")
    """
)


def test_a_loader_killed_mid_transaction_leaves_nothing(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    upsert_indicators(con, CATALOG)
    load(con, *GWR_2024)
    tables = ("observations", "documents", "quarantine")
    before = {t: fingerprint(con, t, "*") for t in tables}
    con.close()
    document, *rows = BULLETIN_2023
    figures = pd.DataFrame(rows, columns=FIGURE_COLUMNS).to_json(orient="records")
    loader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_LOADER,
            str(path),
            document["document_id"],
            document["published_on"],
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    loader.stdin.write(figures)
    loader.stdin.close()
    assert loader.stdout.readline().strip() == "inside the transaction"
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    con = connect(path)
    assert {t: fingerprint(con, t, "*") for t in tables} == before
    assert load(con, *BULLETIN_2023).inserted == 3
    con.close()


@pytest.mark.parametrize(
    "as_of, value, status",
    [
        ("2024-01-14", None, None),  # before the first report
        ("2024-01-15", 2.3e10, "estimate"),  # the day the estimate is published
        ("2024-04-24", 2.3e10, "estimate"),
        ("2024-04-25", 2.28e10, "preliminary"),  # the bulletin's day: revised
        ("2025-01-19", 2.28e10, "preliminary"),
        ("2025-01-20", 2.28e10, "actual"),  # restated as final
        ("2030-01-01", 2.28e10, "actual"),
    ],
)
def test_as_of_dates_between_vintages(con, as_of, value, status):
    for document in (GWR_2024, BULLETIN_2023, GWR_2025):
        load(con, *document)
    row = con.execute(
        "select value, status from observations_as_of(?::date) "
        "where indicator_code = 'gdp' and measure = 'level' and period = '2023'",
        [as_of],
    ).fetchone()
    assert row == (None if value is None else (value, status))


def test_derived_prior_year_level_from_nominal_growth_only(con):
    result = load(con, *GWR_2024)
    assert result.derived == 1  # retail sales (nominal); not GDP (real growth)
    row = con.execute(
        "select indicator_code, period, measure, round(value, 2), status, qualifier "
        "from observations where series_kind = 'derived'"
    ).fetchone()
    assert row == ("retail_sales", "2022", "level", 5215517241.38, "derived", "approx")
    assert (
        con.execute("select count(*) from observations_latest where status = 'derived'").fetchone()[
            0
        ]
        == 0
    )
    for asked in (
        "select count(*) from current_observations(include_derived := true)",
        "select count(*) from observations_as_of('2024-02-01', include_derived := true)",
    ):
        assert con.execute(asked + " where status = 'derived'").fetchone()[0] == 1
    assert (
        con.execute(
            "select count(*) from observations_as_of('2024-02-01') where status = 'derived'"
        ).fetchone()[0]
        == 0
    )


@pytest.mark.parametrize(
    "code, level_qualifier, growth, derived",
    [
        ("retail_sales", "eq", 16.0, 1),
        ("retail_sales", "approx", 16.0, 1),
        ("retail_sales", "ge", 16.0, 0),  # 以上: a bound implies no level
        ("retail_sales", "eq", -100.0, 0),  # no prior level from a fall of 100%
        ("gdp", "eq", 10.0, 0),  # real growth
        ("cpi", "eq", 10.0, 0),  # growth_basis none
        ("not-in-catalog", "eq", 10.0, 0),  # unmapped: basis unknown
    ],
)
def test_when_a_figure_is_derived(con, code, level_qualifier, growth, derived):
    result = load(
        con,
        doc("report", "2024-01-15"),
        fig(code, "2023", "level", 6.05e9, qualifier=level_qualifier),
        fig(code, "2023", "growth_pct", growth),
    )
    assert result.derived == derived


def test_derived_vs_stated_compares_with_the_stated_level(con):
    load(
        con,
        doc("bulletin-2022", "2023-04-20"),
        fig("retail_sales", "2022", "level", 5.21e9, "preliminary"),
    )
    load(con, *GWR_2024)
    row = con.execute(
        "select period, round(derived_value), stated_value, stated_status, "
        "round(difference_pct, 4) from derived_vs_stated"
    ).fetchone()
    assert row == ("2022", 5215517241.0, 5.21e9, "preliminary", 0.1059)


def test_duplicates_within_a_document(con):
    result = load(
        con,
        doc("report", "2024-01-15"),
        fig("gdp", "2023", "growth_pct", 10.0),
        fig("gdp", "2023", "growth_pct", 10.0),  # the same value again: collapsed silently
        fig("gdp", "2023", "growth_pct", 9.5),  # another value: quarantined
        fig("gdp", "2023", "growth_pct", 10.0, "preliminary"),  # the higher status is kept
    )
    assert result.inserted == 1
    assert con.execute("select value, status from observations").fetchall() == [
        (10.0, "preliminary")
    ]
    reasons = con.execute(
        "select value, reason from quarantine where stage = 'load' order by value"
    ).fetchall()
    assert len(reasons) == 1
    assert reasons[0][0] == 9.5
    assert "twice with different values; kept 10.0 (preliminary)" in reasons[0][1]


def test_unmapped_labels_are_separate_series(con):
    load(
        con,
        doc("report", "2024-01-15"),
        fig("新增规上企业", "2023", "level", 5.0),
        fig("新建高标准农田", "2023", "level", 20000.0),
    )
    rows = con.execute(
        "select indicator_code, series_label, value from observations_latest order by value"
    ).fetchall()
    assert rows == [("unmapped", "新增规上企业", 5.0), ("unmapped", "新建高标准农田", 20000.0)]


def test_targets_are_their_own_series(con):
    load(con, *GWR_2023)
    load(con, doc("report", "2024-01-15"), fig("gdp", "2023", "growth_pct", 9.0))
    rows = con.execute(
        "select series_kind, value, realtime_end from observations "
        "where indicator_code = 'gdp' order by series_kind"
    ).fetchall()
    assert rows == [("stated", 9.0, None), ("target", 10.0, None)]


def test_is_latest_matches_the_rule_it_caches(con):
    for document in (GWR_2025, BULLETIN_2023, GWR_2023, GWR_2024):
        load(con, *document)
    mismatches = con.execute(
        """
        select count(*) from observations o
        full join (
            select o.observation_id from observations as o
            left join documents as d on d.document_id = o.document_id
            where o.realtime_end is null
            qualify row_number() over (
                partition by o.series_id
                order by o.published_on desc,
                         same_day_rank(o.status, d.fetched_at, o.document_id, o.value) desc
            ) = 1
        ) w using (observation_id)
        where o.is_latest <> (w.observation_id is not null)
        """
    ).fetchone()[0]
    assert mismatches == 0


@pytest.mark.parametrize(
    "document, frame_change, message",
    [
        ({"document_id": "x"}, None, "no published_on"),
        ({"published_on": "2024-01-15"}, None, "no document_id"),
        (doc("x", "2024-01-15"), lambda f: f.drop(columns="qualifier"), "lack columns"),
        (doc("x", "2024-01-15"), lambda f: f.assign(status="derived"), "never stated"),
    ],
)
def test_bad_input_is_refused_in_words(con, document, frame_change, message):
    frame = pd.DataFrame([fig("gdp", "2023", "level", 1.0)], columns=FIGURE_COLUMNS)
    if frame_change:
        frame = frame_change(frame)
    with pytest.raises(ValueError, match=message):
        load_document(con, document, frame, extractor_version="test")


def test_reextraction_replaces_a_documents_rows_and_reopens_what_they_closed(con):
    """backfill --reextract: the same bytes read again replace their earlier reading."""
    load(con, *GWR_2024)
    # A misreading in the bulletin closes the 2024 report's GDP level...
    misread = (BULLETIN_2023[0], fig("gdp", "2023", "level", 2.28e12, "preliminary"))
    load(con, *misread)
    assert (
        con.execute(
            "select realtime_end from observations where document_id = 'gwr-2024' "
            "and indicator_code = 'gdp' and measure = 'level'"
        ).fetchone()[0]
        is not None
    )
    # ...and the corrected extraction (same document_id) states only the growth rate.
    frame = pd.DataFrame([BULLETIN_2023[2]], columns=FIGURE_COLUMNS)
    load_document(con, BULLETIN_2023[0], frame, extractor_version="test-2", replace=True)

    rows = con.execute(
        "select measure, value, extractor_version from observations "
        "where document_id = 'bulletin-2023' and status <> 'derived'"
    ).fetchall()
    assert rows == [("growth_pct", 9.8, "test-2")]
    assert con.execute(
        "select realtime_end, is_latest from observations where document_id = 'gwr-2024' "
        "and indicator_code = 'gdp' and measure = 'level'"
    ).fetchone() == (None, True)
    assert con.execute(
        "select status, extractor_version from documents where document_id = 'bulletin-2023'"
    ).fetchone() == ("loaded", "test-2")


def test_reextraction_that_fails_keeps_the_earlier_reading(con):
    load(con, *GWR_2024)
    before = fingerprint(con)
    bad = pd.DataFrame([fig("gdp", "2023", "level", None)], columns=FIGURE_COLUMNS)
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        load_document(con, GWR_2024[0], bad, extractor_version="test-2", replace=True)
    assert fingerprint(con) == before
