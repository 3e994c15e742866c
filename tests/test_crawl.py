"""The polite crawler: robots.txt honoured, a delay between two requests to one host."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.http_fault_server import respond, running, sleep_then
from zhibiao.discovery import crawl
from zhibiao.fetch import FetchError
from zhibiao.settings import Settings


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The crawler's waits, recorded instead of slept: what it waits, not how long it took."""
    waited: list[float] = []
    monkeypatch.setattr(crawl.time, "sleep", waited.append)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    return waited


def _settings(tmp_path: Path, **kw) -> Settings:
    limits = dict(read_timeout=0.3, total_timeout=2.0, retries=0, crawl_delay=5.0)
    return Settings(data_dir=tmp_path, **(limits | kw))


def test_two_requests_to_one_host_are_a_delay_apart_and_other_hosts_do_not_wait(tmp_path, sleeps):
    with running() as one, running() as other:
        one.route("/a.html", respond(200, b"a"))
        one.route("/b.html", respond(200, b"b"))
        other.route("/c.html", respond(200, b"c"))
        crawler = crawl.Crawler(_settings(tmp_path))
        crawler.get(one.url("/a.html"))  # after robots.txt (404: all allowed), on one host
        crawler.get(other.url("/c.html"))
        crawler.get(one.url("/b.html"))
    waits = [round(s) for s in sleeps]
    assert waits == [5, 5, 5], sleeps  # before a.html, before other's c.html, before b.html
    assert one.hits["/robots.txt"] == 1 and other.hits["/robots.txt"] == 1


def test_robots_txt_refuses_a_path_and_its_crawl_delay_is_kept(tmp_path, sleeps):
    with running() as site:
        robots = b"User-agent: zhibiao\nDisallow: /private/\nCrawl-delay: 30\n"
        site.route("/robots.txt", respond(200, robots))
        site.route("/open.html", respond(200, b"ok"))
        crawler = crawl.Crawler(_settings(tmp_path, crawl_delay=0.0))
        with pytest.raises(FetchError, match="refused by the site's robots.txt") as info:
            crawler.get(site.url("/private/x.html"))
        assert not info.value.transient
        assert crawler.get(site.url("/open.html")).body == b"ok"
    assert site.hits["/private/x.html"] == 0
    assert [round(s) for s in sleeps] == [30]


def test_a_robots_txt_that_does_not_answer_stops_the_host_for_tonight(tmp_path, sleeps):
    with running() as site:
        site.route("/robots.txt", sleep_then(2, respond(200, b"")))
        site.route("/page.html", respond(200, b"ok"))
        crawler = crawl.Crawler(_settings(tmp_path))
        for _ in range(2):
            with pytest.raises(FetchError, match="robots.txt unreachable") as info:
                crawler.get(site.url("/page.html"))
            assert info.value.transient  # tried again next night
    assert site.hits["/robots.txt"] == 1 and site.hits["/page.html"] == 0
