"""docs/analyst-guide.md on a warehouse the pipeline built from real releases: every query and
every command of the guide runs, and the largest-revisions query pairs only vintages of one
series (issue 14: without series_label it paired unrelated figures).

The warehouse: the nightly flow (under Prefect's test harness) over the project's real
releases, tests/golden/real-* (their text, region, kind and date from meta.yaml). The guide's
printed outputs come from the synthetic sample (tests/test_analyst_guide.py); here the
answers are checked against the warehouse's own rows instead.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from tools import guide
from zhibiao.registry import KINDS
from zhibiao.transforms.catalog import load_regions

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
ZHIBIAO = Path(sys.executable).parent / "zhibiao"
TEXT = guide.GUIDE.read_text(encoding="utf-8")
PUBLISHED = "data/published/warehouse.duckdb"  # the path the guide's commands name

# A first release and the latest value of one series, found again from the raw rows.
SAME_SERIES = """
select count(*) from observations as f, observations as l
where f.indicator_code = ? and f.series_label = ? and f.region = ? and f.period = ?
  and f.measure = 'level' and f.series_kind = 'stated' and f.value = ? and f.status = ?
  and l.indicator_code = f.indicator_code and l.series_label = f.series_label
  and l.region = f.region and l.period = f.period and l.measure = f.measure
  and l.series_kind = 'stated' and l.is_latest and l.value = ? and l.status = ?
"""


# The guide's query before issue 14: the join leaves series_label out.
OLD_LARGEST_REVISIONS = """
with first_release as (
    select indicator_code, series_label, region, period, measure, value, status
    from observations
    where series_kind = 'stated'
    qualify row_number() over (
        partition by indicator_code, series_label, region, period, measure
        order by published_on, status_rank(status)) = 1
)
select l.indicator_code, l.series_label, l.region, l.period, f.value, f.status, l.value, l.status
from observations_latest as l
join first_release as f using (indicator_code, region, period, measure)
where l.measure = 'level' and l.series_kind = 'stated' and l.value <> f.value
"""


def _registry(tmp: Path) -> Path:
    """sources.yaml of every real golden release, copied under the data directory."""
    data = tmp / "data" / "sources"
    data.mkdir(parents=True)
    lines = ["sources:"]
    for folder in sorted(GOLDEN.glob("real-*")):
        meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8"))
        source = folder / meta.get("source_file", "source.txt")
        name = f"{folder.name}{source.suffix}"
        shutil.copy(source, data / name)
        kind = meta["kind"] if meta["kind"] in KINDS else "news"
        lines += [
            f"  - id: {folder.name}",
            f"    url: data/sources/{name}",
            f"    kind: {kind}",
            f"    region: {meta['region']}",
            f"    published_on: {meta['published_on']}",
        ]
    path = tmp / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    from prefect.testing.utilities import prefect_test_harness

    from zhibiao.flows.nightly import nightly

    tmp = tmp_path_factory.mktemp("real-guide")
    mp = pytest.MonkeyPatch()
    mp.setenv("ZHIBIAO_DATA_DIR", str(tmp / "data"))
    mp.delenv("ZHIBIAO_WEBHOOK_URL", raising=False)
    db = tmp / "warehouse.duckdb"
    try:
        with prefect_test_harness(server_startup_timeout=180):
            nightly(sources=str(_registry(tmp)), db=str(db), return_state=True)
    finally:
        mp.undo()
    return db


@pytest.fixture(scope="module")
def con(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    yield con
    con.close()


def test_the_pipeline_built_a_real_warehouse(con):
    documents, figures = con.execute(
        "select count(distinct document_id), count(*) from observations"
    ).fetchone()
    assert documents >= 30 and figures >= 500
    # 全国 (the nation) and a scenic area (珠峰景区) are regions of figures, not divisions.
    divisions = set(load_regions()["name"])
    uncoded = con.execute(
        "select distinct region from observations_latest where region_code is null"
    ).fetchall()
    assert [r for (r,) in uncoded if r in divisions] == [], "add them to region_codes.csv"
    assert (
        con.execute("select count(distinct region_code) from observations_latest").fetchone()[0]
        >= 10
    )


@pytest.mark.parametrize("example", guide.examples(TEXT), ids=lambda e: e.sql.split()[1][:30])
def test_every_guide_query_runs_on_the_real_warehouse(con, example):
    con.execute(example.sql).fetchall()


def _largest_revisions() -> str:
    (example,) = [e for e in guide.examples(TEXT) if "first_release" in e.sql]
    return example.sql


def test_largest_revisions_pair_vintages_of_one_series(con):
    rows = con.execute(_largest_revisions()).fetchall()
    assert rows, "the real releases restate some levels with new values"
    for code, label, region, period, first_status, first, latest_status, latest, *_ in rows:
        key = [code, label, region, period, first, first_status, latest, latest_status]
        assert con.execute(SAME_SERIES, key).fetchone()[0] >= 1, key


def test_leaving_series_label_out_pairs_unrelated_figures(con):
    """The check above can fail: the guide's old join (without series_label) is caught."""
    rows = con.execute(OLD_LARGEST_REVISIONS).fetchall()
    unrelated = [r for r in rows if not con.execute(SAME_SERIES, list(r)).fetchone()[0]]
    assert unrelated, "no key of the real warehouse has two labels: the check proves nothing"


def _guide_commands() -> list[str]:
    """`zhibiao ...` lines of the guide's shell blocks (``` without a language)."""
    commands, fence = [], None
    for line in TEXT.splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:]
        elif fence == "" and line.startswith("zhibiao "):
            commands.append(line)
    return commands


def test_every_guide_command_runs_after_make_setup(real_db, tmp_path):
    """Only what `make setup` installs: the `zhibiao` of the virtualenv, nothing else."""
    commands = _guide_commands()
    assert len(commands) >= 4
    for line in commands:
        argv = [
            str(real_db) if a == PUBLISHED else str(tmp_path / a) if a.startswith("out/") else a
            for a in shlex.split(line, comments=True)  # a trailing # says what it does
        ]
        if "--db" not in argv:
            argv += ["--db", str(real_db)]
        done = subprocess.run(
            [str(ZHIBIAO), *argv[1:]], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"
    assert (tmp_path / "out" / "targets.parquet").is_file()
