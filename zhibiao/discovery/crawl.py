"""A polite crawler over fetch(): one request at a time per host, a delay between them,
robots.txt honoured, and fetch()'s limits (size cap, schemes, redirects) on every link."""

from __future__ import annotations

import time
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from zhibiao.fetch import FetchError, FetchResult, fetch
from zhibiao.settings import Settings

ROBOTS_AGENT = "zhibiao"  # the product token of fetch.USER_AGENT, which robots.txt names
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay beyond this is not waited for, per request


class Crawler:
    """The fetches of one run's listings. Requests go one after another, so "one at a time
    per host" holds by construction; the delay is kept per host, from the end of one
    request to the start of the next, and a host's robots.txt is read once a run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | FetchError | None] = {}

    def get(self, url: str, validators: dict[str, str | None] | None = None) -> FetchResult:
        """fetch(url) once robots.txt allows it and the host's delay has passed."""
        robots = self._rules(url)
        if robots is not None and not robots.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(url, "refused by the site's robots.txt")
        return self._fetch(url, validators, robots)

    def _fetch(
        self, url: str, validators: dict[str, str | None] | None, robots: RobotFileParser | None
    ) -> FetchResult:
        host = urlsplit(url).netloc
        delay = self.settings.crawl_delay
        if robots is not None and robots.crawl_delay(ROBOTS_AGENT):
            delay = max(delay, min(float(robots.crawl_delay(ROBOTS_AGENT)), MAX_CRAWL_DELAY))
        if host in self._last:
            time.sleep(max(0.0, self._last[host] + delay - time.monotonic()))
        try:
            return fetch(url, settings=self.settings, validators=validators)
        finally:
            self._last[host] = time.monotonic()

    def _rules(self, url: str) -> RobotFileParser | None:
        """The host's robots.txt; None (everything allowed) when it has none (a 4xx).
        A robots.txt that cannot be reached (5xx, timeout) stops the host for tonight, as
        RFC 9309 asks: the site may be down, or may be saying no."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, FetchError):
            raise FetchError(url, f"robots.txt unreachable: {rules.reason}", transient=True)
        return rules

    def _read_robots(self, origin: str) -> RobotFileParser | FetchError | None:
        try:
            fetched = self._fetch(f"{origin}/robots.txt", None, None)
        except FetchError as exc:
            return None if exc.http_status and 400 <= exc.http_status < 500 else exc
        rules = RobotFileParser()
        rules.parse((fetched.body or b"").decode("utf-8", "replace").splitlines())
        return rules
