"""The chart of one indicator page: Vega-Lite through altair, every figure a point.

Levels and growth rates get rows of their own (one y axis each, per unit); earlier vintages
stay on the chart, faded, joined to the current value by a dashed line (预计 → 初步核算 →
final); targets are diamonds coloured by outcome. Each point links to its evidence row.
"""

from __future__ import annotations

import functools

import altair as alt

from zhibiao.report.labels import MEASURES, OUTCOMES, STATUSES, day, display_scale

# Point classes of the legend, in order, and their colours (stated vintages in blues, from
# pale estimate to dark final; targets by outcome).
CLASSES = {
    STATUSES["estimate"]: "#9ecae1",
    STATUSES["preliminary"]: "#4292c6",
    STATUSES["actual"]: "#08306b",
    f"目标 {OUTCOMES['met']}": "#2ca25f",
    f"目标 {OUTCOMES['missed']}": "#de2d26",
    f"目标 {OUTCOMES['pending']}": "#969696",
}
WIDTH, ROW_HEIGHT = 640, 170
DATASET = "figures"
EVIDENCE_CHARS = 90  # of the sentence in a tooltip; the page's table has all of it


def point_class(figure: dict) -> str:
    if figure["status"] == "target":
        return f"目标 {OUTCOMES[figure['outcome'] or 'pending']}"
    return STATUSES[figure["status"]]


def chart_records(figures: list[dict]) -> list[dict]:
    """One record per figure of the page, its value scaled to its row's display unit."""
    rows: dict[tuple[str, str], list[dict]] = {}
    for f in figures:
        rows.setdefault((f["measure"], f["unit"]), []).append(f)
    records = []
    for (measure, unit), group in sorted(rows.items()):
        factor, shown = display_scale(unit, [f["value"] for f in group])
        row_title = f"{MEASURES.get(measure, measure)} · {shown}"
        for f in group:
            records.append(
                {
                    "id": f["observation_id"],
                    "row": row_title,
                    "period": f["period"],
                    "y": f["value"] / factor,
                    "series": f["series_label"] or f["indicator_label"],
                    "kind": "target" if f["status"] == "target" else "stated",
                    "class": point_class(f),
                    "current": f["is_current"],
                    "vintage": day(f["realtime_start"]),
                    "printed": f"{f['raw_value']}{f['raw_unit']}",
                    "document": f"{f['document_title'] or f['document_id'][:12]}"
                    f" ({day(f['published_on'])})",
                    "evidence": (f["evidence"] or "")[:EVIDENCE_CHARS],
                    "href": f"#obs-{f['observation_id']}",
                }
            )
    return records


def page_chart(figures: list[dict]) -> dict:
    """The Vega-Lite spec of one page: the shared chart with this page's figures as data."""
    return {**chart_template(), "datasets": {DATASET: chart_records(figures)}}


@functools.cache
def chart_template() -> dict:
    """The chart every page shares, validated once against the Vega-Lite schema; its data
    is the named dataset DATASET, which page_chart fills (~0.2 s saved a page)."""
    x = alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("y:Q", title=None, scale=alt.Scale(zero=False, padding=12))
    base = alt.Chart(alt.NamedData(DATASET)).properties(width=WIDTH, height=ROW_HEIGHT)
    current_line = (
        base.transform_filter("datum.current && datum.kind == 'stated'")
        .mark_line(color="#08306b", strokeWidth=1.5)
        .encode(x=x, y=y, detail="series:N")
    )
    vintage_path = (
        base.transform_filter("datum.kind == 'stated'")
        .mark_line(color="#6baed6", strokeDash=[4, 3], strokeWidth=1)
        .encode(x=x, y=y, detail=["period:O", "series:N"], order="vintage:T")
    )
    points_layer = base.mark_point(filled=True, size=80).encode(
        x=x,
        y=y,
        color=alt.Color(
            "class:N",
            title=None,
            scale=alt.Scale(domain=list(CLASSES), range=list(CLASSES.values())),
            legend=alt.Legend(orient="bottom", columns=3),
        ),
        shape=alt.Shape(
            "kind:N",
            scale=alt.Scale(domain=["stated", "target"], range=["circle", "diamond"]),
            legend=None,
        ),
        opacity=alt.condition("datum.current", alt.value(1.0), alt.value(0.5)),
        href="href:N",
        tooltip=[
            alt.Tooltip("period:O", title="period"),
            alt.Tooltip("printed:N", title="value"),
            alt.Tooltip("class:N", title="status"),
            alt.Tooltip("series:N", title="series"),
            alt.Tooltip("document:N", title="document"),
            alt.Tooltip("evidence:N", title="evidence"),
        ],
    )
    layered = alt.layer(current_line, vintage_path, points_layer)
    faceted = layered.facet(
        row=alt.Row("row:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
    ).resolve_scale(y="independent")
    return faceted.to_dict()
