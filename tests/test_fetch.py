"""fetch() against a real HTTP server on 127.0.0.1 that injects faults, and against local files."""

from __future__ import annotations

import gzip
import hashlib
import pickle
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.http_fault_server import (
    FaultServer,
    conditional,
    drip,
    redirect,
    reset,
    respond,
    running,
    sleep_then,
)
from zhibiao import __version__
from zhibiao.fetch import FetchError, fetch
from zhibiao.settings import Settings, SettingsError, host_allowed

LAST_MODIFIED = "Mon, 15 Jan 2024 08:00:00 GMT"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> FaultServer:
    # A proxy configured in the environment must not see (or swallow) loopback traffic.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with running() as faults:
        yield faults


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Small limits so that every fault shows within a fraction of a second."""
    return Settings(
        data_dir=tmp_path / "data",
        connect_timeout=1.0,
        read_timeout=0.3,
        total_timeout=3.0,
        retries=3,
        backoff_factor=0.01,
        backoff_max=0.05,
        retry_after_max=2.0,
        max_redirects=5,
        max_bytes=64 * 1024,
    )


def fetch_error(url: str, settings: Settings, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, settings=settings, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


# --- retries -------------------------------------------------------------------------------


def test_500_then_200_succeeds_on_the_second_attempt(server, settings):
    url = server.route("/flaky", respond(500, b"oops"), respond(200, b"ok"))
    result = fetch(url, settings=settings)
    assert (result.status, result.body, result.http_status) == ("new", b"ok", 200)
    assert server.hits["/flaky"] == 2
    assert result.attempts == 2


def test_5xx_every_time_gives_up_after_retries_plus_one_attempts(server, settings):
    url = server.route("/down", respond(503, b"busy"))
    err = fetch_error(url, settings)
    assert server.hits["/down"] == settings.retries + 1
    assert err.transient and err.http_status == 503 and err.attempts == 4
    assert "HTTP 503" in str(err) and "retries exhausted" in str(err)


def test_404_is_not_retried(server, settings):
    url = server.route("/gone", respond(404, b"not here"))
    err = fetch_error(url, settings)
    assert server.hits["/gone"] == 1
    assert not err.transient and err.http_status == 404
    assert str(err) == f"cannot fetch {url}: HTTP 404 Not Found"


def test_a_4xx_after_a_5xx_stops_the_retries(server, settings):
    url = server.route("/moved", respond(502), respond(410))
    err = fetch_error(url, settings)
    assert (err.http_status, err.attempts, err.transient) == (410, 2, False)
    assert server.hits["/moved"] == 2


def test_429_waits_for_retry_after_then_succeeds(server, settings):
    url = server.route("/busy", respond(429, headers={"Retry-After": "1"}), respond(200, b"ok"))
    start = time.monotonic()
    result = fetch(url, settings=settings)
    assert result.body == b"ok" and server.hits["/busy"] == 2
    assert time.monotonic() - start >= 0.95


def test_503_with_retry_after_as_a_past_http_date_retries_at_once(server, settings):
    past = {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    url = server.route("/maint", respond(503, headers=past), respond(200, b"ok"))
    start = time.monotonic()
    assert fetch(url, settings=settings).body == b"ok"
    assert time.monotonic() - start < 0.5


def test_429_with_retry_after_over_the_cap_gives_up_at_once(server, settings):
    url = server.route("/later", respond(429, headers={"Retry-After": "3600"}))
    start = time.monotonic()
    err = fetch_error(url, settings)
    assert time.monotonic() - start < 1
    assert server.hits["/later"] == 1
    assert err.transient and err.http_status == 429
    assert "Retry-After 3600 s is over the 2 s cap" in str(err)


def test_read_timeout_is_retried(server, settings):
    url = server.route("/slow", sleep_then(2.0, respond(200, b"late")), respond(200, b"ok"))
    result = fetch(url, settings=settings)
    assert result.body == b"ok" and server.hits["/slow"] == 2


def test_read_timeout_every_time_is_a_transient_error(server, settings):
    url = server.route("/asleep", sleep_then(2.0, respond(200, b"late")))
    err = fetch_error(url, replace(settings, retries=1))
    assert err.transient and server.hits["/asleep"] == 2
    assert "no response within the 0.3 s read timeout" in str(err)


def test_connection_reset_is_retried(server, settings):
    url = server.route("/rst", reset(), respond(200, b"ok"))
    assert fetch(url, settings=settings).body == b"ok"
    assert server.hits["/rst"] == 2


def test_connection_reset_every_time_is_a_transient_error(server, settings):
    url = server.route("/rst", reset())
    err = fetch_error(url, settings)
    assert err.transient and server.hits["/rst"] == 4
    assert "connection failed" in str(err)


def test_connection_reset_in_the_middle_of_the_body_is_retried(server, settings):
    url = server.route("/half", reset(partial=b"x" * 100), respond(200, b"whole"))
    assert fetch(url, settings=settings).body == b"whole"
    assert server.hits["/half"] == 2


def test_connection_reset_in_the_middle_of_the_body_every_time(server, settings):
    url = server.route("/half", reset(partial=b"x" * 100))
    err = fetch_error(url, replace(settings, retries=1))
    assert err.transient and "connection broke after 100 bytes" in str(err)


def test_connection_refused_is_a_transient_error(settings):
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    err = fetch_error(f"http://127.0.0.1:{port}/", replace(settings, retries=1))
    assert err.transient and "connection failed" in str(err)


def test_slow_drip_hits_the_total_deadline(server, settings):
    # Each byte arrives well within the read timeout; only the total deadline stops it.
    url = server.route("/drip", drip(b"x" * 1000, interval=0.05))
    start = time.monotonic()
    err = fetch_error(url, replace(settings, total_timeout=0.8))
    elapsed = time.monotonic() - start
    assert err.transient and 0.7 < elapsed < 1.5
    assert "not received within the 0.8 s deadline" in str(err)
    assert server.hits["/drip"] == 1  # no time left for another attempt


# --- conditional GET -------------------------------------------------------------------------


def test_etag_and_last_modified_round_trip_to_304(server, settings):
    url = server.route("/doc", conditional(b"report", '"v1"', LAST_MODIFIED))
    first = fetch(url, settings=settings)
    assert (first.status, first.body, first.etag) == ("new", b"report", '"v1"')
    assert first.last_modified == LAST_MODIFIED
    assert "if-none-match" not in server.seen[0].headers

    second = fetch(
        url,
        settings=settings,
        validators={"etag": first.etag, "last_modified": first.last_modified},
    )
    assert (second.status, second.body, second.sha256, second.size) == (
        "not_modified",
        None,
        None,
        None,
    )
    assert (second.http_status, second.etag, second.last_modified) == (304, '"v1"', LAST_MODIFIED)
    sent = server.seen[1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == LAST_MODIFIED


def test_if_modified_since_alone_gives_304(server, settings):
    url = server.route("/doc", conditional(b"report", '"v1"', LAST_MODIFIED))
    result = fetch(
        url, settings=settings, validators={"etag": None, "last_modified": LAST_MODIFIED}
    )
    assert result.status == "not_modified"
    assert "if-none-match" not in server.seen[0].headers


def test_changed_etag_gives_the_new_body(server, settings):
    url = server.route("/doc", conditional(b"revised", '"v2"', LAST_MODIFIED))
    result = fetch(url, settings=settings, validators={"etag": '"v1"'})
    assert (result.status, result.body, result.etag) == ("new", b"revised", '"v2"')


def test_304_to_an_unconditional_request_is_refused(server, settings):
    url = server.route("/odd", respond(304))
    err = fetch_error(url, settings)
    assert not err.transient and "not conditional" in str(err)


# --- size caps -------------------------------------------------------------------------------


def test_body_over_cap_refused_by_content_length_before_reading(server, settings):
    url = server.route("/big", respond(200, b"x" * 100_000))
    err = fetch_error(url, settings)
    assert not err.transient and server.hits["/big"] == 1
    assert "Content-Length 100000 is over the 65536 byte cap" in str(err)


@pytest.mark.parametrize("length", ["chunked", "close"])
def test_body_over_cap_without_content_length_is_cut_while_reading(server, settings, length):
    url = server.route("/big", respond(200, b"x" * 1_000_000, length=length))
    start = time.monotonic()
    err = fetch_error(url, settings)
    assert time.monotonic() - start < 1
    assert not err.transient and str(err).endswith("body is over the 65536 byte cap")


def test_body_at_the_cap_is_accepted(server, settings):
    url = server.route("/exact", respond(200, b"x" * 65536, length="chunked"))
    assert fetch(url, settings=settings).size == 65536


def test_gzip_bomb_is_capped_on_decoded_bytes(server, settings):
    bomb = gzip.compress(b"\0" * 10_000_000)  # ~10 KB on the wire, 10 MB decoded
    url = server.route("/bomb", respond(200, bomb, {"Content-Encoding": "gzip"}))
    err = fetch_error(url, settings)
    assert len(bomb) < settings.max_bytes
    assert str(err).endswith("body is over the 65536 byte cap after decompression")


def test_gzip_body_is_stored_decoded(server, settings):
    text = "林芝市地区生产总值增长10%左右".encode()
    url = server.route("/gz", respond(200, gzip.compress(text), {"Content-Encoding": "gzip"}))
    result = fetch(url, settings=settings)
    assert result.body == text and result.size == len(text)
    assert result.headers["content-encoding"] == "gzip"


# --- redirects -------------------------------------------------------------------------------


def test_redirects_are_followed_and_the_final_url_recorded(server, settings):
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect(server.url("/c"), 307))
    server.route("/c", respond(200, b"here"))
    result = fetch(server.url("/a"), settings=settings)
    assert (result.body, result.url, result.final_url) == (
        b"here",
        server.url("/a"),
        server.url("/c"),
    )


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/report.pdf"])
def test_redirect_to_a_disallowed_scheme_is_refused(server, settings, target):
    url = server.route("/evil", redirect(target))
    err = fetch_error(url, settings)
    scheme = target.split(":")[0]
    assert str(err) == (
        f"cannot fetch {url}: redirect to {target}: scheme '{scheme}' refused (only http and https)"
    )
    assert not err.transient and server.hits["/evil"] == 1


def test_redirect_to_a_host_outside_the_allowlist_is_refused(server, settings):
    url = server.route("/away", redirect("http://example.invalid/report"))
    err = fetch_error(url, replace(settings, allowed_hosts=("127.0.0.1",)))
    assert "host 'example.invalid' is not in the allowed hosts" in str(err)
    assert not err.transient


def test_too_many_redirects(server, settings):
    url = server.route("/loop", redirect("/loop"))
    err = fetch_error(url, settings)
    assert "more than 5 redirects" in str(err) and not err.transient
    assert server.hits["/loop"] == settings.max_redirects + 1


# --- what is recorded ------------------------------------------------------------------------


def test_wrong_declared_charset_is_recorded_and_the_bytes_kept(server, settings):
    # GB18030 bytes declared as UTF-8: decoding is decode's job; fetch keeps both facts.
    body = "2023年林芝市地区生产总值增长9.5%".encode("gb18030")
    headers = {"Content-Type": 'text/HTML; charset="UTF-8"'}
    url = server.route("/gbk", respond(200, body, headers))
    result = fetch(url, settings=settings)
    assert result.body == body
    assert (result.content_type, result.charset) == ("text/html", "UTF-8")


def test_charset_is_none_when_the_header_has_none(server, settings):
    url = server.route("/pdf", respond(200, b"%PDF-1.7", {"Content-Type": "application/pdf"}))
    result = fetch(url, settings=settings)
    assert (result.content_type, result.charset) == ("application/pdf", None)


def test_result_fields_and_user_agent(server, settings):
    url = server.route("/ok", respond(200, b"abc", {"ETag": '"e"', "Server": "nginx"}))
    result = fetch(url, settings=settings)
    assert result.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert result.fetched_at.tzinfo is not None and result.size == 3
    assert result.headers["etag"] == '"e"' and "server" not in result.headers
    assert server.seen[0].headers["user-agent"] == f"zhibiao/{__version__}"


def test_a_url_outside_http_is_refused_without_traffic(server, settings):
    err = fetch_error(f"ftp://127.0.0.1:{server.port}/x", settings)
    assert "scheme 'ftp' is not fetched" in str(err)
    assert not server.seen


def test_the_source_url_itself_must_be_on_an_allowed_host(server, settings):
    url = server.route("/ok", respond(200, b"ok"))
    err = fetch_error(url, replace(settings, allowed_hosts=("*.gov.cn",)))
    assert "host '127.0.0.1' is not in the allowed hosts" in str(err)
    assert not server.seen


def test_fetch_error_survives_pickling():
    err = FetchError("http://x.gov.cn/", "HTTP 503", transient=True, http_status=503, attempts=4)
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.transient, back.http_status, back.attempts) == (str(err), True, 503, 4)


# --- local files -----------------------------------------------------------------------------


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    (settings.data_dir / "sources").mkdir(parents=True)
    (settings.data_dir / "sources" / "report.txt").write_bytes("林芝市".encode())
    return settings.data_dir


def test_local_path_and_file_url_inside_the_data_dir(data_dir, settings):
    path = data_dir / "sources" / "report.txt"
    for url in (str(path), path.as_uri()):
        result = fetch(url, settings=settings)
        assert (result.status, result.body, result.http_status) == ("new", "林芝市".encode(), None)
        assert result.final_url == path.resolve().as_uri()
        assert result.content_type == "text/plain"


def test_path_escaping_the_data_dir_is_refused(data_dir, settings, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not a source")
    (data_dir / "sources" / "link.txt").symlink_to(secret)
    for url in (
        str(data_dir / "sources" / ".." / ".." / "secret.txt"),
        str(data_dir / "sources" / "link.txt"),
        secret.as_uri(),
    ):
        err = fetch_error(url, settings)
        assert "is outside the data directory" in str(err) and not err.transient


def test_local_file_over_the_cap_is_refused(data_dir, settings):
    big = data_dir / "sources" / "big.txt"
    big.write_bytes(b"x" * (settings.max_bytes + 1))
    assert "over the 65536 byte cap" in str(fetch_error(str(big), settings))


def test_missing_local_file(data_dir, settings):
    err = fetch_error(str(data_dir / "nope.txt"), settings)
    assert "No such file or directory" in str(err) and not err.transient


# --- settings --------------------------------------------------------------------------------


def test_settings_defaults_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({})
    assert s.db_path == tmp_path / "data" / "warehouse.duckdb"
    assert s.sources_path == tmp_path / "sources.yaml"
    assert s.data_dir == tmp_path / "data"
    assert (s.max_bytes, s.connect_timeout, s.read_timeout) == (50 * 1024 * 1024, 10.0, 30.0)
    assert (s.retries, s.max_redirects, s.allowed_hosts, s.webhook_url) == (3, 5, None, None)
    assert Settings() == s


def test_settings_from_env_overrides(tmp_path):
    env = {
        "ZHIBIAO_DB": "/srv/z.duckdb",
        "ZHIBIAO_DATA_DIR": "var/data",
        "ZHIBIAO_WEBHOOK_URL": "https://hooks.example/x",
        "ZHIBIAO_MAX_BYTES": "1000",
        "ZHIBIAO_READ_TIMEOUT": "2.5",
        "ZHIBIAO_RETRIES": "0",
        "ZHIBIAO_ALLOWED_HOSTS": "*.gov.cn, stats.example.org",
    }
    s = Settings.from_env(env, cwd=tmp_path)
    assert (s.db_path, s.data_dir) == (Path("/srv/z.duckdb"), tmp_path / "var" / "data")
    assert (s.max_bytes, s.read_timeout, s.retries) == (1000, 2.5, 0)
    assert s.allowed_hosts == ("*.gov.cn", "stats.example.org")
    assert s.webhook_url == "https://hooks.example/x"


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("ZHIBIAO_MAX_BYTES", "50MB", "ZHIBIAO_MAX_BYTES must be an integer; got '50MB'"),
        ("ZHIBIAO_RETRIES", "-1", "ZHIBIAO_RETRIES must be at least 0; got '-1'"),
        ("ZHIBIAO_READ_TIMEOUT", "nan", "ZHIBIAO_READ_TIMEOUT must be a finite number; got 'nan'"),
    ],
)
def test_settings_bad_values_name_the_variable(var, value, message):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({var: value})
    assert str(info.value) == message


def test_host_allowlist_patterns():
    allowed = ("*.gov.cn", "example.org")
    assert host_allowed("www.linzhi.gov.cn", allowed) and host_allowed("gov.cn", allowed)
    assert host_allowed("EXAMPLE.org", allowed) and host_allowed("anything", None)
    assert not host_allowed("evilgov.cn", allowed) and not host_allowed("a.example.org", allowed)
