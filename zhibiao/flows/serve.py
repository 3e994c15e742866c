"""`zhibiao serve`: the nightly schedule in this process, for operators who run no worker."""

from __future__ import annotations

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType
from prefect.schedules import Cron, Schedule
from prefect.settings import get_current_settings

# The same schedule as the `nightly` deployment of prefect.yaml (a test holds the two
# together). Local time: Prefect applies the zone, 02:00 here is 18:00 UTC the day before.
NIGHTLY_CRON = "0 2 * * *"
NIGHTLY_TIMEZONE = "Asia/Shanghai"

# Not "nightly": the prefect.yaml deployment of the same flow is nightly/nightly, and a
# served deployment of that name would take it over (and lose its work pool).
SERVED_DEPLOYMENT = "nightly-serve"


class ServeError(RuntimeError):
    """`zhibiao serve` cannot do its job here; the message says what to set."""


def nightly_schedule() -> Schedule:
    """One object for the cron and its zone: a bare cron string would be read as UTC."""
    return Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)


def nightly_limit() -> ConcurrencyLimitConfig:
    """One run at a time (DuckDB has one writer); a run asked for meanwhile waits its turn."""
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)


def require_api_server() -> str:
    """Refuse the ephemeral API: it runs no scheduler service, so a schedule served against
    it would never produce a run, and nothing would say so."""
    url = get_current_settings().api.url
    if not url:
        raise ServeError(
            "zhibiao serve needs a running Prefect server: start one with "
            "`prefect server start` and set PREFECT_API_URL (e.g. "
            "http://127.0.0.1:4200/api); see docs/operations.md"
        )
    return url


def serve_nightly() -> None:
    """Serve until SIGTERM or Ctrl-C.

    pause_on_shutdown=False: Prefect's default pauses the schedule when this process stops,
    so a restart by systemd or a reboot would leave the nightly run silently off. The module
    entrypoint (not a file path) lets the run processes import the flow whatever the
    directory this was started in. Parameters stay unset: each run reads ZHIBIAO_* from
    this process's environment, as `zhibiao run` does.
    """
    require_api_server()
    from zhibiao.flows.nightly import nightly

    nightly.serve(
        name=SERVED_DEPLOYMENT,
        schedules=[nightly_schedule()],
        global_limit=nightly_limit(),
        limit=1,
        pause_on_shutdown=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
        tags=["zhibiao"],
    )
