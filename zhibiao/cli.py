"""The `zhibiao` command: the contract of README.md#the-command, one subcommand per verb."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from zhibiao.watchdog import guard_children

# Prefect's ephemeral server needs ~20 s to start on a fresh PREFECT_HOME here, its own
# default timeout (STACK-NOTES): give it room before prefect is imported anywhere.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


class _App(typer.Typer):
    """The command, with every expected failure (`_expected`) as one line and an exit code."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            code = _expected(exc)
            if code is None or _debug():
                raise
            typer.echo(f"zhibiao: {' '.join(str(exc).split())}", err=True)
            sys.exit(code)


def _expected(exc: BaseException) -> int | None:
    """The exit code of an expected failure, None for a bug (its traceback is wanted):
    2 for a file, entry or setting at fault, 3 for a warehouse another process holds.
    Each of these exceptions' messages names what is at fault."""
    import duckdb

    from zhibiao.notify import NotifyError
    from zhibiao.registry import RegistryError
    from zhibiao.settings import SettingsError
    from zhibiao.warehouse.db import WarehouseBusyError, WarehouseLockedError
    from zhibiao.warehouse.migrate import SchemaError

    if isinstance(exc, (WarehouseBusyError, WarehouseLockedError)):
        return 3
    # ServeError only once `serve` imported its module (which imports Prefect, seconds).
    serve = sys.modules.get("zhibiao.flows.serve")
    known = (SettingsError, RegistryError, NotifyError, OSError, duckdb.Error, SchemaError)
    if isinstance(exc, known) or (serve and isinstance(exc, serve.ServeError)):
        return 2
    return None


def _debug() -> bool:
    return os.environ.get("ZHIBIAO_DEBUG", "") not in ("", "0")


app = _App(add_completion=False, no_args_is_help=True, help=__doc__)


@app.callback()
def _global(
    debug: bool = typer.Option(
        False, "--debug", help="full tracebacks instead of one-line errors (or ZHIBIAO_DEBUG=1)"
    ),
) -> None:
    if debug:
        os.environ["ZHIBIAO_DEBUG"] = "1"


SourcesOpt = typer.Option(None, "--sources", help="sources.yaml (default $ZHIBIAO_SOURCES)")
DbOpt = typer.Option(None, "--db", help="DuckDB file (default $ZHIBIAO_DB)")


@app.command()
def run(sources: Path | None = SourcesOpt, db: Path | None = DbOpt) -> None:
    """One pipeline run now, as a Prefect flow run."""
    _preflight(sources, db)
    guard_children()
    from zhibiao import progress
    from zhibiao.flows.nightly import nightly

    with progress.shown():
        state = nightly(sources=_str(sources), db=_str(db), return_state=True)
    _finish(state)


@app.command()
def backfill(
    sources: Path | None = SourcesOpt,
    db: Path | None = DbOpt,
    reextract: bool = typer.Option(
        False, "--reextract", help="re-extract every stored snapshot, fetch nothing"
    ),
) -> None:
    """Every source again; with --reextract, every stored snapshot by the current extractor."""
    _preflight(sources, db)
    guard_children()
    from zhibiao import progress
    from zhibiao.flows.backfill import backfill as backfill_flow

    with progress.shown():
        state = backfill_flow(
            sources=_str(sources), db=_str(db), reextract=reextract, return_state=True
        )
    _finish(state)


def _finish(state) -> None:
    """Print the run's summary; exit 1 when the run failed (run_status of zhibiao/flows/summary.py)."""
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise summary
    _print_summary(summary)
    if summary["documents_failed"]:
        typer.echo(f"{summary['status']}: {summary['status_message']}")
    if state.is_failed():
        raise typer.Exit(1)


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="documents"),
    fmt: str = typer.Option("csv", "--format", help="csv or jsonl"),
    region: str | None = typer.Option(None, help="default region (else from the title)"),
    year: int | None = typer.Option(None, help="reference year when the text has none"),
) -> None:
    """Figures of local files, no database: the observations columns plus `document`."""
    import pandas as pd

    from zhibiao.transforms.decode import DecodeError
    from zhibiao.transforms.read import SourceHints, read_document

    if fmt not in ("csv", "jsonl"):
        raise typer.BadParameter("--format must be csv or jsonl")
    frames, failed = [], 0
    for path in files:
        try:
            hints = SourceHints(region=region, year=year, name=path.name)
            _, figures = read_document(path.read_bytes(), hints)
        except OSError as exc:
            typer.echo(f"zhibiao extract: {path}: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        except DecodeError as exc:
            typer.echo(f"zhibiao extract: {path}: {exc}", err=True)
            failed += 1
            continue
        figures.insert(0, "document", str(path))
        frames.append(figures)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if fmt == "csv":
        out.to_csv(sys.stdout, index=False)
    else:
        out.to_json(sys.stdout, orient="records", lines=True, force_ascii=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL, or a table or view name to export"),
    db: Path | None = DbOpt,
    out: Path | None = typer.Option(None, help="write the result to .csv or .parquet"),
) -> None:
    """SQL against the warehouse, printed as a table (read-only)."""
    from zhibiao.warehouse.query import export, run_query

    path = _db(db)
    if out:
        export(path, sql, out)
        typer.echo(f"wrote {out}")
        return
    _print_frame(run_query(path, sql))


@app.command()
def sources(sources: Path | None = SourcesOpt, db: Path | None = DbOpt) -> None:
    """The registry with each source's last fetch, its documents and its state."""
    from zhibiao.registry import load_sources
    from zhibiao.settings import Settings
    from zhibiao.warehouse.db import connect
    from zhibiao.warehouse.source_state import overview

    registry = load_sources(sources or Settings.from_env().sources_path)
    with connect(_db(db), read_only=True) as con:
        frame = overview(con, registry)
    _print_frame(frame.drop(columns=["last_error"]).astype(object).fillna(""))
    for row in frame[frame["last_error"].notna()].itertuples():
        typer.echo(f"{row.source_id}: {row.last_error}")


@app.command()
def describe(
    name: str | None = typer.Argument(None, help="a table or view; omit for the list"),
    db: Path | None = DbOpt,
) -> None:
    """What each table, view and column means (the warehouse's data dictionary)."""
    from zhibiao.warehouse import dictionary
    from zhibiao.warehouse.db import connect

    with connect(_db(db), read_only=True) as con:
        try:
            typer.echo(dictionary.describe(con, name))
        except dictionary.UnknownNameError as exc:
            typer.echo(f"zhibiao describe: {exc}", err=True)
            raise typer.Exit(2) from None


alerts_app = typer.Typer(
    invoke_without_command=True,
    help="Open alerts, most severe first, with their delivery; `close` records a decision.",
)
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    db: Path | None = DbOpt,
    closed: bool = typer.Option(False, "--closed", help="closed alerts, with who closed them"),
) -> None:
    """Open alerts, most severe first, each with its delivery state."""
    if ctx.invoked_subcommand is not None:
        return
    from zhibiao.warehouse import alerts as alert_store
    from zhibiao.warehouse.db import connect

    with connect(_db(db), read_only=True) as con:
        frame = (alert_store.closed_alerts if closed else alert_store.open_alerts)(con)
    if frame.empty:
        typer.echo("no closed alerts" if closed else "no open alerts")
        return
    frame["heading"] = frame.get("heading_zh", frame["rule"]).fillna(frame["rule"])
    if closed:
        frame["closed"] = [_closed_state(r) for r in frame.to_dict("records")]
        _print_frame(frame[["alert_id", "severity", "heading", "closed"]])
    else:
        frame["delivery"] = [_delivery_state(r) for r in frame.to_dict("records")]
        _print_frame(frame[["alert_id", "severity", "heading", "delivery"]])


def _delivery_state(a: dict) -> str:
    """sent 2025-06-01 03:00; pending (2 attempts: why); pending (no channel tried yet)."""
    import pandas as pd

    if not pd.isna(a["notified_at"]):
        return f"sent {a['notified_at']:%Y-%m-%d %H:%M}"
    attempts = int(a["notify_attempts"] or 0)
    if not attempts:
        return "pending: not sent yet (set ZHIBIAO_WEBHOOK_URL or ZHIBIAO_PREFECT_BLOCK)"
    return f"pending: {attempts} attempt(s) failed, last: {a['notify_error']}"


def _closed_state(a: dict) -> str:
    when = f"{a['closed_at']:%Y-%m-%d %H:%M}"
    if isinstance(a.get("closed_by"), str):
        return f"{when} by {a['closed_by']}: {a['close_note']}"
    return f"{when} by a run (the anomaly went away)"


@alerts_app.command("close")
def alerts_close(
    fingerprint: str = typer.Argument(..., help="the alert_id, or 8+ leading hex digits"),
    note: str = typer.Option(..., "--note", help="why: kept with the alert for the next person"),
    by: str | None = typer.Option(None, "--by", help="who decided (default: $USER)"),
    db: Path | None = DbOpt,
) -> None:
    """Close an alert for good: the same facts do not reopen it; changed facts alert anew."""
    import getpass

    from zhibiao.warehouse import alerts as alert_store
    from zhibiao.warehouse.db import connect

    with connect(_db(db)) as con:
        try:
            row = alert_store.close(con, fingerprint, note, by or getpass.getuser())
        except (alert_store.AlertNotFoundError, ValueError) as exc:
            typer.echo(f"zhibiao alerts close: {exc}", err=True)
            raise typer.Exit(2) from None
    typer.echo(
        f"closed {row['alert_id']}: {row['heading_zh'] or row['rule']} ({row['close_note']})"
    )


@alerts_app.command("detect")
def alerts_detect(
    full: bool = typer.Option(
        False, "--full", help="read every series, not only those loaded since the last detection"
    ),
    db: Path | None = DbOpt,
) -> None:
    """Run the anomaly rules now, as a run does after loading; --full judges every series
    again (after a re-extraction took a series' rows away, or to check the whole warehouse).
    Alerts are recorded, not sent: the next run delivers them."""
    import datetime as dt

    from zhibiao.warehouse import alerts as alert_store
    from zhibiao.warehouse.db import connect, run_lock

    path = _db(db)
    with run_lock(path), connect(path) as con:
        new = alert_store.detect_and_record(con, None, dt.datetime.now(), full=full)
        how = alert_store.last_detection(con)
    scope = (
        "every series"
        if how["full_scan"]
        else f"the {how['scope_pairs']} indicator-region pair(s) loaded since the last detection"
    )
    typer.echo(
        f"read {scope}: {how['observations_read']} latest value(s); "
        f"{how['alerts_found']} anomalies, {len(new)} new"
    )


@app.command()
def upgrade(db: Path | None = DbOpt) -> None:
    """Bring the warehouse's schema up to date now (any write would): its migrations once
    each, then the views; and its analysts' copy, which read-only commands would otherwise
    refuse until the next run. Back the file up first (docs/operations.md#upgrading-zhibiao)."""
    from zhibiao.warehouse import migrate
    from zhibiao.warehouse.db import connect, publish_copy, published_path, run_lock
    from zhibiao.warehouse.sql_files import load_sql

    path = _db(db)
    with run_lock(path):
        with connect(path) as con:
            history = con.execute(load_sql("history", "migrate")).df()
        if published_path(path).is_file():
            typer.echo(f"published {publish_copy(path)}")
    _print_frame(history.assign(applied_at=history["applied_at"].astype(str)))
    typer.echo(f"schema_version {len(history)}, fingerprint {migrate.fingerprint()}")


@app.command()
def report(
    db: Path | None = DbOpt,
    out: Path | None = typer.Option(
        None, "--out", help="directory (default $ZHIBIAO_REPORT_DIR, else data/report)"
    ),
    region: str | None = typer.Option(None, "--region", help="one region only, e.g. 林芝市"),
) -> None:
    """The warehouse as a static site that opens offline: indicators, targets, alerts, quality."""
    from zhibiao.report import build_report, data_docs_link
    from zhibiao.settings import Settings

    settings = Settings.from_env()
    written = build_report(_db(db), out or settings.report_dir, data_docs_link(settings), region)
    typer.echo(f"wrote {written.pages} indicator pages: {written.index.resolve().as_uri()}")


@app.command()
def serve() -> None:
    """The nightly schedule in this process (02:00 Asia/Shanghai), for setups without a worker."""
    from zhibiao.flows.serve import serve_nightly

    serve_nightly()


automations_app = typer.Typer(no_args_is_help=True, help="Prefect automations of zhibiao.")
app.add_typer(automations_app, name="automations")


@automations_app.command("apply")
def automations_apply(
    file: Path = typer.Option(None, "--file", help="default: automations.yaml of the project"),
) -> None:
    """Create the automations of automations.yaml on the Prefect server (PREFECT_API_URL)."""
    from zhibiao.automations import AUTOMATIONS_FILE, apply
    from zhibiao.notify import NotifyError

    try:
        created = apply(file or AUTOMATIONS_FILE)
    except (NotifyError, OSError) as exc:
        typer.echo(f"zhibiao automations apply: {exc}", err=True)
        raise typer.Exit(2) from None
    for name, automation_id in created:
        typer.echo(f"automation {name}: {automation_id}")


def _preflight(sources: Path | None, db: Path | None) -> None:
    """A registry that cannot be used, or a warehouse another run holds, fails here in one
    line, before Prefect's server starts (20 s and a process to clean up for an answer
    known in milliseconds). The flow checks both again: this is for the person at the prompt.
    """
    from zhibiao.registry import load_sources
    from zhibiao.settings import Settings
    from zhibiao.warehouse.db import run_lock

    settings = Settings.from_env()  # SettingsError names the variable
    warehouse = db or settings.db_path
    load_sources(sources or settings.sources_path)
    _writable_dir(warehouse.parent)
    with run_lock(warehouse):
        pass


def _writable_dir(directory: Path) -> None:
    """The warehouse's directory, created if missing (a first run), or OSError naming it."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"{directory}: cannot create the warehouse directory: {exc.strerror}"
        ) from None
    if not os.access(directory, os.W_OK):
        raise PermissionError(f"{directory}: the warehouse directory is not writable")


def _str(path: Path | None) -> str | None:
    return str(path) if path else None


def _db(db: Path | None) -> Path:
    """An existing warehouse to read: a missing one is named, not created empty."""
    from zhibiao.settings import Settings

    path = db or Settings.from_env().db_path
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no warehouse there (zhibiao run creates it; or --db)")
    return path


def _print_frame(frame) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(width=200).print(table)
    typer.echo(f"({len(frame)} rows)")


def _print_summary(summary: dict) -> None:
    keys = (
        "documents_seen",
        "documents_new",
        "documents_unchanged",
        "documents_failed",
        "figures_loaded",
        "figures_quarantined",
        "alerts_raised",
        "duration_s",
    )
    typer.echo(" ".join(f"{k}={summary[k]}" for k in keys))
    if summary.get("data_docs"):
        typer.echo(f"Data Docs: {summary['data_docs']}")
    if summary.get("report_url"):
        typer.echo(f"Report: {summary['report_url']}")
    for d in summary["documents"]:
        line = f"  {d['source_id']}: {d['status']}, {d['figures_loaded']} figures"
        if d["error"]:
            line += f" ({d['stage']}: {d['error']})"
        typer.echo(line)


if __name__ == "__main__":
    app()
