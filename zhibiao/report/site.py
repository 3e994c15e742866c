"""Write the report: one page per indicator and region, the index, targets, alerts, quality.

Everything comes from warehouse/report.py's frames (the views and the contract's tables);
pages are Jinja templates (templates/), charts Vega-Lite specs rendered in the browser by
the Vega bundle that vl-convert ships, written once beside the pages: no network at all.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import jinja2
import pandas as pd
import vl_convert

from zhibiao.expectations.context import docs_index_path
from zhibiao.report import labels
from zhibiao.report.charts import page_chart
from zhibiao.settings import Settings, served_url
from zhibiao.warehouse.report import read_report

PAGES = "pages"
PAGE_KEY = ["indicator_code", "page_label", "region"]


@dataclass(frozen=True)
class Report:
    """Where a written report is: its index, and how many indicator pages it has."""

    index: Path
    pages: int


def build_report(
    db_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    data_docs_url: str | None = None,
    region: str | None = None,
) -> Report:
    """Read the warehouse and write the site under out_dir; returns its index."""
    frames = read_report(db_path, region)
    return write_site(frames, Path(out_dir), region=region, data_docs_url=data_docs_url)


def data_docs_link(settings: Settings) -> str | None:
    """The Data Docs as the report links them, once the site exists: served under
    ZHIBIAO_DOCS_URL, else its file URL (the rule of the run's artifact, flows/steps.py)."""
    index = docs_index_path(settings.data_dir)
    return served_url(settings.docs_url, index) if index.exists() else None


def page_file(indicator_code: str, page_label: str, region: str) -> str:
    """pages/<code>-<hash>.html: the code for a reader, a hash of label and region for
    uniqueness without Chinese or unsafe characters in file names."""
    digest = hashlib.sha1(f"{page_label}|{region}".encode()).hexdigest()[:10]
    return f"{PAGES}/{indicator_code}-{digest}.html"


def write_site(
    frames: dict[str, pd.DataFrame],
    out: Path,
    region: str | None = None,
    data_docs_url: str | None = None,
) -> Report:
    env = _environment()
    pages = _records(frames["pages"])
    for page in pages:
        page["file"] = page_file(*(page[k] for k in PAGE_KEY))
    files = {tuple(p[k] for k in PAGE_KEY): p["file"] for p in pages}
    figures = _records(frames["points"])
    alerts = _records(frames["alerts"])
    common = {
        "region": region,
        "generated_at": pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"),
        "counts": _counts(frames),
        "bundle": _write_bundle(out / "assets"),
    }
    (out / PAGES).mkdir(parents=True, exist_ok=True)
    by_page: dict[tuple, list[dict]] = {}
    for figure in figures:
        by_page.setdefault(tuple(figure[k] for k in PAGE_KEY), []).append(figure)
    written = set()
    for key, page_figures in by_page.items():
        context = page_context(key, page_figures, alerts)
        _render(env, "page.html.j2", out / files[key], root="../", **common, **context)
        written.add(out / files[key])
    for stale in (out / PAGES).glob("*.html"):
        if stale not in written:  # a page of an indicator no longer in the warehouse
            stale.unlink()
    index = {"pages": pages, "regions": region_rows(pages)}
    _render(env, "index.html.j2", out / "index.html", root="", **index, **common)
    cards = target_cards(figures, files)
    _render(env, "targets.html.j2", out / "targets.html", root="", cards=cards, **common)
    _render(env, "alerts.html.j2", out / "alerts.html", root="", alerts=alerts, **common)
    quality = {
        "quarantine": _records(frames["quarantine"]),
        "runs": _records(frames["runs"]),
        "documents": _records(frames["documents"]),
        "data_docs_url": data_docs_url,
    }
    _render(env, "quality.html.j2", out / "quality.html", root="", **quality, **common)
    return Report(out / "index.html", len(written))


def page_context(key: tuple, figures: list[dict], alerts: list[dict]) -> dict:
    """What one indicator page shows: names, the chart, every figure, its open alerts."""
    code, _, region = key
    first = figures[0]
    order = ("measure", "series_label", "period", "realtime_start", "status")
    return {
        "code": code,
        "page_region": region,
        "name_zh": first["name_zh"],
        "name_en": first["name_en"] or "",
        "units": ", ".join(sorted({f["unit"] for f in figures})),
        "spec": page_chart(figures),
        "figures": sorted(figures, key=lambda f: tuple(str(f[k]) for k in order)),
        "alerts": [
            a
            for a in alerts
            if code != "unmapped" and a["indicator_code"] == code and a["region"] == region
        ],
    }


def region_rows(pages: list[dict]) -> list[dict]:
    """The index's table of regions: indicator pages, figures and open alerts of each."""
    rows: dict[str, dict] = {}
    for p in pages:
        row = rows.setdefault(p["region"], {"region": p["region"], "pages": 0, "figures": 0})
        row["pages"] += 1
        row["figures"] += p["figures"]
        row["open_alerts"] = row.get("open_alerts", 0) + p["open_alerts"]
    return sorted(rows.values(), key=lambda r: -r["figures"])


def target_cards(figures: list[dict], files: dict) -> list[dict]:
    """The scorecard of each document that set targets: its current targets and outcomes."""
    by_document: dict[str, list[dict]] = {}
    for f in figures:
        if f["status"] == "target" and f["is_current"]:
            by_document.setdefault(f["document_id"], []).append(f)
    cards = []
    for document_id, targets in by_document.items():
        first = targets[0]
        outcomes = [t["outcome"] or "pending" for t in targets]
        order = ("indicator_code", "page_label", "period", "measure")
        rows = [
            {**t, "file": files[tuple(t[k] for k in PAGE_KEY)]}
            for t in sorted(targets, key=lambda t: tuple(t[k] for k in order))
        ]
        cards.append(
            {
                "document_id": document_id,
                "title": first["document_title"] or document_id[:12],
                "published_on": labels.day(first["published_on"]),
                "url": first["document_url"],
                **{o: outcomes.count(o) for o in ("met", "missed", "pending")},
                "targets": rows,
            }
        )
    return sorted(cards, key=lambda c: c["published_on"], reverse=True)


def _counts(frames: dict[str, pd.DataFrame]) -> dict:
    pages = frames["pages"]
    return {
        "pages": len(pages),
        "figures": len(frames["points"]),
        "documents": len(frames["documents"]),
        "alerts": len(frames["alerts"]),
        "quarantined": int(frames["quarantine"]["rows"].sum()),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (Jinja tests `is none`, not NaN)."""
    return [
        {k: (None if _missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zhibiao.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=labels.day,
        number=labels.number,
        measure=lambda m: labels.MEASURES.get(m, m),
        status=lambda s: labels.STATUSES.get(s, s),
        outcome=lambda o: labels.OUTCOMES.get(o or "pending", o),
        qualifier=lambda q: labels.QUALIFIERS.get(q, q),
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


def _render(env: jinja2.Environment, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def _write_bundle(assets: Path) -> str:
    """Vega, Vega-Lite (the version altair writes) and vega-embed as one classic script in
    assets/, named by versions, written when missing; older ones are removed."""
    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    name = f"vega-embed-{vl_convert.__version__}-vl{vl_version}.js"
    assets.mkdir(parents=True, exist_ok=True)
    path = assets / name
    if not path.exists():
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(_bundle(vl_version), encoding="utf-8")
        os.replace(tmp, path)
    for old in assets.glob("vega-embed-*.js"):
        if old != path:
            old.unlink()
    return f"assets/{name}"


@functools.cache
def _bundle(vl_version: str) -> str:
    """~0.9 MB of JavaScript that vl-convert builds in ~2.5 s: once per process."""
    return vl_convert.javascript_bundle(vl_version=vl_version)
