"""Close a run: detect anomalies, notify, record the `runs` row, publish a reader's copy."""

from __future__ import annotations

import datetime as dt
import time

from zhibiao.flows import steps
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.settings import Settings
from zhibiao.transforms import catalog
from zhibiao.warehouse import db, load


def finish(
    settings: Settings, run_id: str, outcomes: list[DocumentOutcome], started: float
) -> dict:
    """Counts for the runs row and the artifact; alerts run over the whole warehouse."""
    alerts_raised, notified, notify_failed = _alerts(settings)
    counts = {
        "documents_seen": len(outcomes),
        "documents_new": sum(o.status in ("new", "reextracted") for o in outcomes),
        "documents_unchanged": sum(o.status == "unchanged" for o in outcomes),
        "documents_failed": sum(
            o.status in ("failed", "quarantined", "rejected") for o in outcomes
        ),
        "figures_loaded": sum(o.figures_loaded for o in outcomes),
        "figures_quarantined": sum(o.figures_quarantined for o in outcomes),
        "alerts_raised": alerts_raised,
    }
    docs = (
        steps.data_docs(settings) if counts["documents_new"] or counts["documents_failed"] else None
    )
    seconds = round(time.monotonic() - started, 2)
    status = "completed" if counts["documents_failed"] == 0 else "completed_with_failures"
    with db.connect(settings.db_path) as con:
        summary = {
            "run_id": run_id,
            **counts,
            "refused_by_reason": load.refused_by_reason(con, run_id),
            "alerts_notified": notified,
            "notifications_failed": notify_failed,
            "duration_s": seconds,
            "data_docs": docs,
            "documents": [o.as_dict() for o in outcomes],
        }
        load.finish_run(con, run_id, status=status, summary=render_summary(summary), **counts)
        con.execute("checkpoint")
    db.publish_copy(settings.db_path)
    return summary


def _alerts(settings: Settings) -> tuple[int, int, int]:
    from zhibiao import notify
    from zhibiao.warehouse import alerts

    with db.connect(settings.db_path) as con:
        new = alerts.detect_and_record(con, catalog.load_catalog(), dt.datetime.now())
        sent, failed = notify.deliver_pending(con, settings)
    return len(new), sent, failed


def render_summary(summary: dict) -> str:
    """Markdown for the Prefect artifact and the runs row: one line a document."""
    head = (
        f"# zhibiao run {summary['run_id']}\n\n"
        f"| documents seen | new | unchanged | failed | figures loaded | quarantined | alerts |"
        f" duration |\n|---|---|---|---|---|---|---|---|\n"
        f"| {summary['documents_seen']} | {summary['documents_new']} | "
        f"{summary['documents_unchanged']} | {summary['documents_failed']} | "
        f"{summary['figures_loaded']} | {summary['figures_quarantined']} | "
        f"{summary['alerts_raised']} | {summary['duration_s']} s |\n\n"
    )
    lines = ["| source | status | figures | quarantined | detail |", "|---|---|---|---|---|"]
    for d in summary["documents"]:
        detail = d["error"] or "; ".join(d["notes"]) or ""
        if d["stage"]:
            detail = f"{d['stage']}: {detail}"
        lines.append(
            f"| {d['source_id']} | {d['status']} | {d['figures_loaded']} | "
            f"{d['figures_quarantined']} | {detail.replace('|', '/')[:200]} |"
        )
    refused = summary.get("refused_by_reason") or []
    if refused:
        lines += [
            "",
            "Figures refused, by rule:",
            "",
            "| stage | rule | figures |",
            "|---|---|---|",
        ]
        lines += [f"| {r['stage']} | {r['rule']} | {r['figures']} |" for r in refused]
    docs = summary.get("data_docs")
    tail = f"\n\nGreat Expectations Data Docs: {docs}\n" if docs else "\n"
    return head + "\n".join(lines) + tail
