"""The data dictionary: every table, view and column of a fresh warehouse described, in the
warehouse (COMMENT ON, the `dictionary` view), in `zhibiao describe` and in the docs alike;
the region codes the views show are well-formed GB/T 2260 codes for every known region."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.sample import build_sample_warehouse
from zhibiao.transforms.catalog import load_regions
from zhibiao.warehouse import dictionary
from zhibiao.warehouse.db import connect
from zhibiao.warehouse.migrate import apply_schema
from zhibiao.warehouse.records import region_codes

ROOT = Path(__file__).resolve().parents[1]
ZHIBIAO = Path(sys.executable).parent / "zhibiao"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The synthetic sample warehouse of the analyst guide, read-only."""
    path = build_sample_warehouse(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    with connect(path, read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("dictionary") / "warehouse.duckdb")
    yield con
    con.close()


def test_every_table_view_and_column_has_a_description(fresh):
    missing = fresh.execute(
        "select table_name, column_name from dictionary "
        "where description is null or table_description is null"
    ).fetchall()
    assert not missing, f"describe these in zhibiao/warehouse/dictionary.yaml: {missing}"


def test_every_dictionary_entry_names_something_in_the_warehouse(fresh):
    present = set(fresh.execute("select table_name, column_name from dictionary").fetchall())
    tables = {t for t, _ in present}
    stray = [
        (rel.name, col)
        for rel in dictionary.relations().values()
        for col in [None, *rel.columns]
        if (rel.name not in tables if col is None else (rel.name, col) not in present)
    ]
    assert not stray, f"dictionary.yaml describes what the warehouse does not have: {stray}"


def test_the_warehouse_carries_the_reviewed_text_verbatim(fresh):
    """Quotes (the document's bytes), arrows and Chinese survive the COMMENT literal."""
    rows = fresh.execute(
        "select column_name, description from dictionary where table_name = 'observations'"
    ).fetchall()
    expected = dictionary.relations()["observations"].columns
    assert {c: d for c, d in rows} == {c: " ".join(d.split()) for c, d in expected.items()}
    assert "stating document's bytes" in dict(rows)["document_id"]


def test_a_view_inherits_the_descriptions_of_columns_of(fresh):
    rows = dict(
        fresh.execute(
            "select column_name, description from dictionary "
            "where table_name = 'observations_latest'"
        ).fetchall()
    )
    assert rows["evidence"] == "the sentence the figure came from"
    assert rows["region_code"].startswith("GB/T 2260")


def test_reapplying_the_schema_keeps_every_description(fresh):
    """A replaced view loses its comments; the apply that replaced it puts them back."""
    apply_schema(fresh)
    nulls = fresh.execute("select count(*) from dictionary where description is null").fetchone()
    assert nulls == (0,)


def test_comment_sql_writes_only_what_differs(fresh):
    fresh.execute("comment on column observations.evidence is 'stale text'")
    statements = dictionary.comment_sql(fresh).splitlines()
    assert statements == [
        "comment on column observations.evidence is 'the sentence the figure came from';"
    ]
    fresh.execute(statements[0])
    assert dictionary.comment_sql(fresh) == ""


@pytest.mark.parametrize(
    ("render", "path"),
    [
        (dictionary.render_architecture, dictionary.ARCHITECTURE),
        (dictionary.render_guide, dictionary.GUIDE),
    ],
    ids=["architecture", "analyst-guide"],
)
def test_the_docs_tables_are_written_from_the_dictionary(fresh, render, path):
    text = path.read_text(encoding="utf-8")
    assert render(text, fresh) == text, (
        f"{path.name} is stale: run .venv/bin/python -m zhibiao.warehouse.dictionary --write"
    )


def test_a_changed_description_makes_the_docs_stale(fresh):
    """The check can fail: a description that changed no longer matches the docs' tables."""
    text = dictionary.ARCHITECTURE.read_text(encoding="utf-8")
    fresh.execute("comment on column runs.flow is 'edited'")
    try:
        assert "| `flow` | VARCHAR | edited |" in dictionary.render_architecture(text, fresh)
    finally:
        fresh.execute(dictionary.comment_sql(fresh))
    assert dictionary.render_architecture(text, fresh) == text


def test_describe_lists_every_relation_and_one_in_full(fresh):
    listing = dictionary.describe(fresh)
    for name in dictionary.relations():
        assert name in listing
    regions = dictionary.describe(fresh, "regions")
    assert regions.splitlines()[0].startswith("regions (table): One row per region name")
    assert "region_code  VARCHAR  GB/T 2260" in regions
    with pytest.raises(dictionary.UnknownNameError, match="no table or view named 'nowhere'"):
        dictionary.describe(fresh, "nowhere")


def test_zhibiao_describe_prints_the_dictionary(tmp_path):
    db = build_sample_warehouse(tmp_path / "w.duckdb")
    ok = subprocess.run(
        [str(ZHIBIAO), "describe", "revisions", "--db", str(db)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "revised_document_title" in ok.stdout and "title of the document" in ok.stdout
    bad = subprocess.run(
        [str(ZHIBIAO), "describe", "nowhere", "--db", str(db)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


# ---- Names beside codes in the views ---------------------------------------------------


def test_views_carry_names_beside_codes(sample):
    row = sample.execute(
        "select indicator_name_en, indicator_unit, region_code, region_name_en, document_title, "
        "document_url from observations_latest where indicator_code = 'gdp' "
        "and region = '林芝市' and period = '2023' and measure = 'level'"
    ).fetchone()
    assert row == (
        "gross regional product",
        "元",
        "540400",
        "Nyingchi",
        "2025年政府工作报告 (synthetic)",
        "https://example.invalid/synthetic-gwr-2025.html",
    )
    county = sample.execute(
        "select distinct region_code from targets_vs_actuals where region = '墨脱县'"
    ).fetchall()
    assert county == [("540423",)]


def test_revisions_name_both_documents_and_the_series_label(sample):
    rows = sample.execute(
        "select series_label, previous_document_title, revised_document_title "
        "from revisions where indicator_code = 'gdp' and period = '2023' and measure = 'level'"
    ).fetchall()
    assert rows == [
        ("", "2024年政府工作报告 (figures from the bundled report)", "2023年统计公报 (synthetic)")
    ]


def test_series_catalog_counts_periods_and_vintages(sample):
    rows = sample.execute(
        "select first_period, last_period, periods, vintages, documents from series_catalog "
        "where indicator_code = 'gdp' and region = '林芝市' and measure = 'level' "
        "and series_kind = 'stated'"
    ).fetchall()
    # 2022: estimate, preliminary; 2023: estimate, preliminary, final; five documents
    assert rows == [("2022", "2023", 2, 5, 5)]


# ---- Region codes ------------------------------------------------------------------------


def test_every_current_region_has_a_code_and_no_code_names_nothing():
    regions = load_regions()
    current = set(regions.loc[regions["level"] != "alias", "name"])
    coded = set(region_codes()["region"])
    assert current - coded == set(), "add these to zhibiao/warehouse/data/region_codes.csv"
    assert coded - current == set(), "not a region of transforms/data/regions.csv"


def test_region_codes_follow_the_gb_t_2260_hierarchy():
    codes = region_codes().set_index("region")["region_code"]
    assert codes.str.fullmatch(r"\d{6}").all() and codes.is_unique
    regions = load_regions().set_index("name")
    regions = regions[regions["level"] != "alias"]
    wrong = []
    for name, row in regions.iterrows():
        code, parent = codes[name], codes.get(row["parent"])
        ok = {
            "province": code.endswith("0000"),
            "prefecture": code.endswith("00") and parent is not None and code[:2] == parent[:2],
            "county": parent is not None and code[:4] == parent[:4] and not code.endswith("00"),
        }[row["level"]]
        if not ok:
            wrong.append((name, code, row["parent"], parent))
    assert not wrong, f"codes that do not sit under their parent: {wrong}"


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("西藏自治区", "540000"),
        ("林芝市", "540400"),
        ("巴宜区", "540402"),
        ("墨脱县", "540423"),
        ("米林市", "540481"),
        ("错那市", "540581"),
        ("那曲市", "540600"),
        ("阿里地区", "542500"),
        ("四川省", "510000"),
        ("甘孜藏族自治州", "513300"),
    ],
)
def test_known_codes(region, code):
    assert region_codes().set_index("region").loc[region, "region_code"] == code


def test_a_run_loads_the_codes(sample):
    assert sample.execute("select count(*) from regions").fetchone() == (len(region_codes()),)
