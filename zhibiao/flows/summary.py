"""Close a run: detect anomalies, notify, record the `runs` row, publish a reader's copy."""

from __future__ import annotations

import datetime as dt
import time

from zhibiao.flows import steps
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.settings import Settings
from zhibiao.transforms import catalog
from zhibiao.warehouse import db, links, load

FAILED = ("failed", "quarantined", "rejected")  # outcomes that count as a failed source


def finish(
    settings: Settings, run_id: str, outcomes: list[DocumentOutcome], started: float
) -> dict:
    """Counts for the runs row and the artifact; alerts run over the whole warehouse."""
    delivery = _alerts(settings)
    counts = {
        "documents_seen": len(outcomes),
        "documents_new": sum(o.status in ("new", "reextracted") for o in outcomes),
        "documents_unchanged": sum(o.status == "unchanged" for o in outcomes),
        "documents_failed": sum(o.status in FAILED for o in outcomes),
        "figures_loaded": sum(o.figures_loaded for o in outcomes),
        "figures_quarantined": sum(o.figures_quarantined for o in outcomes),
        "alerts_raised": delivery["raised"],
    }
    docs = (
        steps.data_docs(settings) if counts["documents_new"] or counts["documents_failed"] else None
    )
    seconds = round(time.monotonic() - started, 2)
    status = run_status(counts["documents_failed"], counts["documents_seen"], settings)
    with db.connect(settings.db_path) as con:
        summary = {
            "run_id": run_id,
            "database": str(settings.db_path),
            "status": status,
            "status_message": status_message(outcomes),
            **counts,
            "refused_by_reason": load.refused_by_reason(con, run_id),
            "links": links.counts(con, run_id),
            "alerts_notified": delivery["sent"],
            "notifications_failed": delivery["failed"],
            "alerts_pending": delivery["pending"],
            "warnings": delivery["warnings"],
            "duration_s": seconds,
            "data_docs": docs,
            "data_docs_url": steps.data_docs_url(settings, docs),
            "documents": [o.as_dict() for o in outcomes],
        }
        load.finish_run(con, run_id, status=status, summary=render_summary(summary), **counts)
        con.execute("checkpoint")
    db.publish_copy(settings.db_path)
    summary["report_url"], warning = steps.write_report(settings)
    summary["warnings"] += [warning] if warning else []
    return summary


def run_status(failed: int, seen: int, settings: Settings) -> str:
    """The one rule for how a run ended, read by the runs row and the Prefect state.

    Some failed sources are the normal night of a pipeline over government sites (one is
    slow, one moved a page): the run completes, under a name that says so. More than
    max_failed_share of them failing is a broken run (the network, the extractor, the
    registry), and Failed is what an operator and a Prefect automation act on.
    """
    if failed == 0:
        return "completed"
    if failed > settings.max_failed_share * seen:
        return "failed"
    return "completed_with_failures"


def status_message(outcomes: list[DocumentOutcome]) -> str:
    """One line for the Prefect state: how many sources failed, and which."""
    failed = [o for o in outcomes if o.status in FAILED]
    if not failed:
        return f"{len(outcomes)} source(s), none failed"
    names = ", ".join(dict.fromkeys(o.source_id for o in failed))  # a listing's links: once
    return f"{len(failed)} of {len(outcomes)} source(s) failed: {names}"[:500]


def failure_lines(documents: list[dict]) -> list[str]:
    """Which sources failed and why, one line each."""
    return [
        f"- {d['source_id']}: {d['status']} at {d['stage'] or '?'}: "
        + " ".join(str(d["error"] or "").split())[:300]
        for d in documents
        if d["status"] in FAILED
    ]


def _alerts(settings: Settings) -> dict:
    """Detect, deliver, and say in the run's words what delivery left behind."""
    from zhibiao import notify
    from zhibiao.warehouse import alerts

    with db.connect(settings.db_path) as con:
        new = alerts.detect_and_record(con, catalog.load_catalog(), dt.datetime.now())
        sent, failed = notify.deliver_pending(con, settings)
        pending = alerts.pending_notifications(con)
    errors = [e for e in pending.get("notify_error", []) if isinstance(e, str) and e]
    warnings = []
    if failed:
        warnings.append(
            f"{failed} alert(s) not delivered ({errors[0] if errors else 'no reason recorded'});"
            f" {len(pending)} alert(s) pending, retried next run"
        )
    return {
        "raised": len(new),
        "sent": sent,
        "failed": failed,
        "pending": len(pending),
        "warnings": warnings,
    }


def render_summary(summary: dict) -> str:
    """Markdown for the Prefect artifact and the runs row: one line a document."""
    head = (
        f"# zhibiao run {summary['run_id']}\n\n"
        f"{_status_line(summary)}\n\n"
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
    found = summary.get("links") or {}
    if found:
        counts = ", ".join(f"{status} {n}" for status, n in found.items())
        lines += ["", f"Links and files found by listings and folders: {counts}"]
    failures = failure_lines(summary["documents"])
    if failures:
        lines += ["", "Failed sources:", "", *failures]
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
    lines += ["", *(f"Warning: {w}" for w in summary.get("warnings") or [])]
    docs = summary.get("data_docs_url") or summary.get("data_docs")
    tail = f"\n\nGreat Expectations Data Docs: {docs}\n" if docs else "\n"
    if summary.get("report_url"):
        tail += f"\nReport: {summary['report_url']}\n"
    return head + "\n".join(lines) + tail


def _status_line(summary: dict) -> str:
    where = f" on {summary['database']}" if summary.get("database") else ""
    status = summary.get("status", "completed")
    return f"**{status}**{where}: {summary.get('status_message', '')}"
