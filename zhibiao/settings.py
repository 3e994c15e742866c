"""Where zhibiao keeps its files and how far it trusts the network: one place, env-overridable."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MB = 1024 * 1024


class SettingsError(ValueError):
    """An environment variable holds a value zhibiao cannot use; the message names it."""


def _cwd_path(*parts: str) -> Callable[[], Path]:
    # Evaluated when Settings is built, not at import: the working directory is the project.
    return lambda: Path.cwd().joinpath(*parts)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about its surroundings, fixed for the whole run.

    Frozen so that a task cannot loosen a limit for the tasks that follow it; derive a
    variant with dataclasses.replace() instead (tests do this for small timeouts).
    """

    db_path: Path = field(default_factory=_cwd_path("data", "warehouse.duckdb"))
    sources_path: Path = field(default_factory=_cwd_path("sources.yaml"))
    data_dir: Path = field(default_factory=_cwd_path("data"))
    webhook_url: str | None = None
    # Where data_dir/gx/uncommitted/data_docs/local_site is served over HTTP (a browser
    # opens no file:// link from the Prefect UI); None: the artifact links the file.
    docs_url: str | None = None
    # Where `zhibiao report` and the nightly run write the static report (ZHIBIAO_REPORT_DIR,
    # default data_dir/report), and where that folder is served over HTTP, like docs_url.
    report_dir: Path = field(default_factory=_cwd_path("data", "report"))
    report_url: str | None = None
    # More than this share of a run's sources failing fails the run (flows/summary.py).
    max_failed_share: float = 0.5

    # Fetch limits. A government site that is slow tonight is retried tomorrow night, so
    # the limits favour giving up cleanly over waiting long.
    max_bytes: int = 50 * MB  # decoded body, after Content-Encoding
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence between two bytes
    total_timeout: float = 300.0  # whole fetch(): attempts, backoff sleeps, slow drips
    retries: int = 3  # attempts after the first
    backoff_factor: float = 0.5  # sleep ~ factor * 2**n seconds, jittered
    backoff_max: float = 30.0
    retry_after_max: float = 60.0  # a longer Retry-After means: give up until the next run
    max_redirects: int = 5
    allowed_hosts: tuple[str, ...] | None = None  # None: any host; "*.gov.cn" covers subdomains
    # Seconds between two requests to one host when following a listing's links (a robots.txt
    # Crawl-delay may ask for more): a nightly crawl of a small bureau's site must not look
    # like an attack on it.
    crawl_delay: float = 1.0

    # Per-document limits: a generated page or a data dump (one 2.9 MB line of 80,000
    # figures) is quarantined with the limit named, and the night goes on. A real release
    # decodes and extracts in seconds and states hundreds of figures, a yearbook thousands.
    document_timeout: float = 120.0  # wall-clock seconds to decode and extract one document
    max_figures: int = 20_000  # figures one document may state

    # Reading on Dask (flows/fanout.py, and in
    # docs/operations.md#dask-reading-on-several-processes-or-machines). A run with more new
    # documents than dask_min_documents decodes, extracts and validates them on Dask workers,
    # dask_batch documents a task: on the scheduler at dask_address when set, else on a
    # LocalCluster of dask_workers processes (0: one per CPU). Fewer documents are read in
    # the flow's own process: a cluster costs seconds to start, a small night does not.
    dask_address: str | None = None
    dask_workers: int = 0
    dask_min_documents: int = 8
    dask_batch: int = 25

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
        """Read ZHIBIAO_* variables; relative paths count from cwd (the project root)."""
        env = os.environ if env is None else env
        base = Path.cwd() if cwd is None else Path(cwd)
        values: dict[str, Any] = {
            "db_path": _path(env, "ZHIBIAO_DB", base, "data/warehouse.duckdb"),
            "sources_path": _path(env, "ZHIBIAO_SOURCES", base, "sources.yaml"),
            "data_dir": _path(env, "ZHIBIAO_DATA_DIR", base, "data"),
            "webhook_url": env.get("ZHIBIAO_WEBHOOK_URL") or None,
            "docs_url": env.get("ZHIBIAO_DOCS_URL") or None,
            "report_url": env.get("ZHIBIAO_REPORT_URL") or None,
            "allowed_hosts": _hosts(env.get("ZHIBIAO_ALLOWED_HOSTS")),
            "dask_address": env.get("ZHIBIAO_DASK_ADDRESS") or None,
        }
        values["report_dir"] = (
            _path(env, "ZHIBIAO_REPORT_DIR", base, "")
            if env.get("ZHIBIAO_REPORT_DIR")
            else values["data_dir"] / "report"
        )
        for name, (var, parse, minimum) in _NUMERIC.items():
            raw = env.get(var)
            if raw is not None and raw.strip():
                values[name] = _number(var, raw, parse, minimum)
        return cls(**values)


# field -> (environment variable, parser, smallest accepted value)
_NUMERIC: dict[str, tuple[str, Callable[[str], Any], float]] = {
    "max_bytes": ("ZHIBIAO_MAX_BYTES", int, 1),
    "connect_timeout": ("ZHIBIAO_CONNECT_TIMEOUT", float, 0.001),
    "read_timeout": ("ZHIBIAO_READ_TIMEOUT", float, 0.001),
    "total_timeout": ("ZHIBIAO_TOTAL_TIMEOUT", float, 0.001),
    "retries": ("ZHIBIAO_RETRIES", int, 0),
    "backoff_factor": ("ZHIBIAO_BACKOFF_FACTOR", float, 0),
    "backoff_max": ("ZHIBIAO_BACKOFF_MAX", float, 0),
    "retry_after_max": ("ZHIBIAO_RETRY_AFTER_MAX", float, 0),
    "max_redirects": ("ZHIBIAO_MAX_REDIRECTS", int, 0),
    "crawl_delay": ("ZHIBIAO_CRAWL_DELAY", float, 0),
    "document_timeout": ("ZHIBIAO_DOCUMENT_TIMEOUT", float, 0.001),
    "max_figures": ("ZHIBIAO_MAX_FIGURES", int, 1),
    "max_failed_share": ("ZHIBIAO_MAX_FAILED_SHARE", float, 0),
    "dask_workers": ("ZHIBIAO_DASK_WORKERS", int, 0),
    "dask_min_documents": ("ZHIBIAO_DASK_MIN_DOCUMENTS", int, 0),
    "dask_batch": ("ZHIBIAO_DASK_BATCH", int, 1),
}


def _path(env: Mapping[str, str], var: str, base: Path, default: str) -> Path:
    raw = env.get(var) or default
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base / path


def _number(var: str, raw: str, parse: Callable[[str], Any], minimum: float) -> Any:
    try:
        value = parse(raw.strip())
    except ValueError:
        kind = "an integer" if parse is int else "a number"
        raise SettingsError(f"{var} must be {kind}; got {raw!r}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{var} must be a finite number; got {raw!r}")
    if value < minimum:
        raise SettingsError(f"{var} must be at least {minimum:g}; got {raw!r}")
    return value


def _hosts(raw: str | None) -> tuple[str, ...] | None:
    # An empty variable means "no allowlist", the same as an unset one.
    if raw is None:
        return None
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    return hosts or None


def served_url(served_at: str | None, index: Path) -> str:
    """The link a browser opens for a site's index.html: under served_at when its folder is
    served over HTTP (a browser opens no file:// link from the Prefect UI), else its file URL."""
    if served_at:
        return served_at.rstrip("/") + "/" + index.name
    return Path(index).resolve().as_uri()


def host_allowed(host: str, allowed: tuple[str, ...] | None) -> bool:
    """Decide a host against the allowlist; "*.gov.cn" admits gov.cn and every subdomain."""
    if allowed is None:
        return True
    host = host.lower().rstrip(".")
    for pattern in allowed:
        if pattern.startswith("*."):
            suffix = pattern[2:]
            if host == suffix or host.endswith("." + suffix):
                return True
        elif host == pattern:
            return True
    return False
