"""The project's one door to the network: bounded, retried, conditional fetches of a source."""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import requests  # noqa: TID251 - the one module allowed to talk HTTP
import urllib3.exceptions

from zhibiao import __version__
from zhibiao.settings import Settings, host_allowed

USER_AGENT = f"zhibiao/{__version__}"
CHUNK = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Kept with each snapshot: enough to explain later where the bytes came from and how.
HEADERS_OF_INTEREST = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-disposition",
    "content-language",
    "etag",
    "last-modified",
    "date",
)


class FetchError(Exception):
    """A source could not be fetched; `transient` says whether trying later may help.

    The nightly flow records the message on the source and moves on, so it is one line a
    person can act on; `transient` lets the flow tell "site down tonight" from "fix the
    registry".
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        transient: bool = False,
        http_status: int | None = None,
        attempts: int = 1,
    ) -> None:
        self.url = url
        self.reason = " ".join(str(reason).split())
        self.transient = transient
        self.http_status = http_status
        self.attempts = attempts
        super().__init__(f"cannot fetch {url}: {self.reason}")

    def __reduce__(self) -> Any:
        # Keyword attributes survive pickling (Prefect moves exceptions between processes).
        state = (self.transient, self.http_status, self.attempts)
        return (_rebuild_fetch_error, (self.url, self.reason, *state))


def _rebuild_fetch_error(
    url: str, reason: str, transient: bool, http_status: int | None, attempts: int
) -> FetchError:
    return FetchError(url, reason, transient=transient, http_status=http_status, attempts=attempts)


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch; 'new' means a body was received, not that it changed.

    Whether the bytes differ from last night is decided by sha256 against the snapshot
    store, because many government sites send no validators at all.
    """

    status: Literal["new", "not_modified"]
    body: bytes | None
    sha256: str | None
    url: str
    final_url: str
    http_status: int | None  # None for local files
    content_type: str | None  # media type only, lowercased; parameters dropped
    charset: str | None  # as the Content-Type header declared it, possibly wrong
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    size: int | None
    attempts: int = 1
    headers: dict[str, str] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """The provenance that snapshots.store() keeps beside the bytes."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "fetched_at": self.fetched_at.isoformat(),
            "http_status": self.http_status,
            "headers": dict(self.headers),
            "size": self.size,
            "content_type": self.content_type,
            "charset": self.charset,
            "etag": self.etag,
            "last_modified": self.last_modified,
        }


@functools.cache
def session() -> requests.Session:
    """The shared session: one User-Agent, pooled connections, and no hidden retries.

    urllib3 is told to retry nothing, so that fetch() is the only layer that retries and
    a bad night costs at most settings.retries + 1 requests per source.
    """
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    adapter = requests.adapters.HTTPAdapter(
        max_retries=urllib3.Retry(total=0, read=False, redirect=False)
    )
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def fetch(
    source_url: str,
    *,
    settings: Settings,
    validators: dict[str, str | None] | None = None,
    http: requests.Session | None = None,
) -> FetchResult:
    """Fetch a source URL or a path under the data directory, within settings' limits.

    validators holds the previous response's {"etag", "last_modified"}; a 304 then
    returns status 'not_modified' and no body. A plain relative path counts from the
    working directory (load_sources() has already made registry paths absolute).
    """
    scheme = urlsplit(source_url).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch_http(source_url, settings, validators or {}, http or session())
    if scheme in ("", "file") or len(scheme) == 1:  # one letter: a Windows drive
        return _fetch_file(source_url, settings)
    raise FetchError(source_url, f"scheme {scheme!r} is not fetched (http, https, file or a path)")


# --- HTTP ------------------------------------------------------------------------------


class _Retryable(Exception):
    """Internal: this attempt failed in a way another attempt may not."""

    def __init__(
        self, reason: str, http_status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.retry_after = retry_after


class _Deadline:
    """Wall-clock budget of one fetch(): a drip-fed body must not hold a run for hours."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()


def _fetch_http(
    url: str, settings: Settings, validators: dict[str, str | None], http: requests.Session
) -> FetchResult:
    deadline = _Deadline(settings.total_timeout)
    attempt = 0
    while True:
        attempt += 1
        try:
            return _attempt(url, settings, validators, http, deadline, attempt)
        except _Retryable as exc:
            delay = _next_delay(url, exc, attempt, settings, deadline)
        except FetchError as exc:
            exc.attempts = attempt  # a 404 after two 503s took three requests
            raise
        time.sleep(delay)


def _next_delay(
    url: str, exc: _Retryable, attempt: int, settings: Settings, deadline: _Deadline
) -> float:
    """Seconds to wait before the next attempt, or the final FetchError if there is none."""

    def give_up(why: str) -> FetchError:
        reason = f"{exc.reason} ({why}; {attempt} attempt{'s' if attempt > 1 else ''})"
        return FetchError(
            url, reason, transient=True, http_status=exc.http_status, attempts=attempt
        )

    if attempt > settings.retries:
        raise give_up("retries exhausted")
    if exc.retry_after is not None:
        if exc.retry_after > settings.retry_after_max:
            cap = settings.retry_after_max
            raise give_up(f"Retry-After {exc.retry_after:g} s is over the {cap:g} s cap")
        delay = exc.retry_after
    else:
        backoff = min(settings.backoff_max, settings.backoff_factor * 2 ** (attempt - 1))
        delay = random.uniform(backoff / 2, backoff)  # jitter: spread out synchronized retries
    if delay >= deadline.remaining():
        raise give_up(f"no time left within the {deadline.seconds:g} s deadline")
    return delay


def _attempt(
    url: str,
    settings: Settings,
    validators: dict[str, str | None],
    http: requests.Session,
    deadline: _Deadline,
    attempt: int,
) -> FetchResult:
    """One try: the redirect chain from the source URL to a final response."""
    headers = _conditional_headers(validators)
    current = url
    for _ in range(settings.max_redirects + 1):
        _check_target(url, current, settings)
        response = _send(url, current, headers, settings, http, deadline)
        if response.status_code in REDIRECT_STATUSES and "Location" in response.headers:
            location = response.headers["Location"]
            response.close()
            current = urljoin(current, location)
            continue
        return _interpret(url, current, response, validators, settings, deadline, attempt)
    raise FetchError(url, f"more than {settings.max_redirects} redirects (last to {current})")


def _conditional_headers(validators: dict[str, str | None]) -> dict[str, str]:
    headers = {}
    if validators.get("etag"):
        headers["If-None-Match"] = str(validators["etag"])
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = str(validators["last_modified"])
    return headers


def _check_target(url: str, target: str, settings: Settings) -> None:
    """Refuse, before connecting, any hop that leaves http(s) or the allowed hosts.

    A redirect is chosen by the remote site, so it is checked like a URL from a stranger:
    a redirect to file:// must never read local files, one to ftp:// nothing at all.
    """
    parts = urlsplit(target)
    hop = "" if target == url else f"redirect to {target}: "
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "no scheme"
        raise FetchError(url, f"{hop}scheme {scheme!r} refused (only http and https)")
    if not parts.hostname:
        raise FetchError(url, f"{hop}no host")
    if not host_allowed(parts.hostname, settings.allowed_hosts):
        raise FetchError(url, f"{hop}host {parts.hostname!r} is not in the allowed hosts")


def _send(
    url: str,
    target: str,
    headers: dict[str, str],
    settings: Settings,
    http: requests.Session,
    deadline: _Deadline,
) -> requests.Response:
    remaining = deadline.remaining()
    if remaining <= 0:
        raise FetchError(
            url, f"not done within the {deadline.seconds:g} s deadline", transient=True
        )
    timeout = (min(settings.connect_timeout, remaining), min(settings.read_timeout, remaining))
    try:
        return http.get(
            target, headers=headers, timeout=timeout, stream=True, allow_redirects=False
        )
    except requests.exceptions.SSLError as exc:
        raise FetchError(url, f"TLS failed: {_root_cause(exc)}") from None
    except requests.exceptions.ConnectTimeout:
        raise _Retryable(f"connect timed out after {timeout[0]:g} s") from None
    except requests.exceptions.ReadTimeout:
        raise _Retryable(f"no response within the {timeout[1]:g} s read timeout") from None
    except requests.exceptions.ConnectionError as exc:
        raise _Retryable(f"connection failed: {_root_cause(exc)}") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(url, f"request refused: {_root_cause(exc)}") from None


def _interpret(
    url: str,
    final_url: str,
    response: requests.Response,
    validators: dict[str, str | None],
    settings: Settings,
    deadline: _Deadline,
    attempt: int,
) -> FetchResult:
    """Turn a final (non-redirect) response into a result, a retry, or a refusal."""
    status = response.status_code
    if status == 304 and (validators.get("etag") or validators.get("last_modified")):
        response.close()
        return _result(url, final_url, response, None, validators, attempt)
    if 200 <= status < 300:
        body = _read_body(url, response, settings, deadline)
        return _result(url, final_url, response, body, validators, attempt)
    response.close()
    what = f"HTTP {status} {response.reason or ''}".strip()
    if status == 429 or status >= 500:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise _Retryable(what, http_status=status, retry_after=retry_after)
    if status in REDIRECT_STATUSES:
        what += " without a Location header"
    elif status == 304:
        what += " to a request that was not conditional"
    raise FetchError(url, what, http_status=status, attempts=attempt)


def _read_body(
    url: str, response: requests.Response, settings: Settings, deadline: _Deadline
) -> bytes:
    """Read the body within the byte cap and the deadline, counting decoded bytes.

    read1 returns whatever one socket read brings, so a body trickled a byte at a time
    still reaches the deadline check; counting after Content-Encoding caps gzip bombs.
    """
    cap = settings.max_bytes
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > cap:
        response.close()
        raise FetchError(url, f"Content-Length {declared} is over the {cap} byte cap")
    decoded = " after decompression" if response.headers.get("Content-Encoding") else ""
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            size += len(chunk)
            if size > cap:
                raise FetchError(url, f"body is over the {cap} byte cap{decoded}")
            if deadline.remaining() <= 0:
                why = f"body not received within the {deadline.seconds:g} s deadline"
                raise FetchError(url, f"{why} ({size} bytes so far)", transient=True)
            chunks.append(chunk)
    except urllib3.exceptions.DecodeError as exc:
        raise FetchError(url, f"body could not be decompressed: {_root_cause(exc)}") from None
    except urllib3.exceptions.ReadTimeoutError:
        silence = f"{settings.read_timeout:g} s"
        raise _Retryable(f"no data for {silence} after {size} bytes of the body") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _Retryable(f"connection broke after {size} bytes: {_root_cause(exc)}") from None
    finally:
        response.close()
    return b"".join(chunks)


def _result(
    url: str,
    final_url: str,
    response: requests.Response,
    body: bytes | None,
    validators: dict[str, str | None],
    attempt: int,
) -> FetchResult:
    content_type, charset = _parse_content_type(response.headers.get("Content-Type"))
    # A 304 may omit the validators; the ones we sent are still the current ones then.
    etag = response.headers.get("ETag") or (None if body is not None else validators.get("etag"))
    last_modified = response.headers.get("Last-Modified") or (
        None if body is not None else validators.get("last_modified")
    )
    return FetchResult(
        status="new" if body is not None else "not_modified",
        body=body,
        sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
        url=url,
        final_url=final_url,
        http_status=response.status_code,
        content_type=content_type,
        charset=charset,
        etag=etag,
        last_modified=last_modified,
        fetched_at=datetime.now(UTC),
        size=len(body) if body is not None else None,
        attempts=attempt,
        headers={k: response.headers[k] for k in HEADERS_OF_INTEREST if k in response.headers},
    )


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Split 'text/html; charset="GBK"' into ('text/html', 'GBK'), keeping the charset as said."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset" and raw.strip().strip("\"'"):
            charset = raw.strip().strip("\"'")
    return media.strip().lower() or None, charset


def _retry_after(value: str | None) -> float | None:
    """Seconds the server asked us to wait: a number, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _root_cause(exc: BaseException) -> str:
    """The innermost useful reason ('Connection reset by peer'), not the pool's wrapper text."""
    current: BaseException | None = exc
    innermost = exc
    for _ in range(10):
        if current is None:
            break
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        innermost = current
        nested = [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            nested.insert(0, reason)
        current = nested[0] if nested else (current.__cause__ or current.__context__)
    text = " ".join(str(innermost).split()) or " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


# --- local files -----------------------------------------------------------------------


def _fetch_file(source_url: str, settings: Settings) -> FetchResult:
    """Read a local source, but only from inside the data directory.

    sources.yaml may be edited by many hands; confining reads to data_dir means a bad
    entry (or a symlink planted in data/) cannot pull /etc/passwd into the warehouse.
    """
    resolved = inside_data_dir(source_url, settings)
    if not resolved.is_file():
        raise FetchError(source_url, f"{resolved} is not a regular file")
    cap = settings.max_bytes
    try:
        with resolved.open("rb") as handle:
            body = handle.read(cap + 1)  # one byte more than allowed tells "too big" apart
    except OSError as exc:
        raise FetchError(source_url, f"cannot read {resolved}: {_root_cause(exc)}") from None
    if len(body) > cap:
        raise FetchError(source_url, f"file is over the {cap} byte cap")
    return FetchResult(
        status="new",
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        url=source_url,
        final_url=resolved.as_uri(),
        http_status=None,
        content_type=_guess_type(resolved),
        charset=None,
        etag=None,
        last_modified=None,
        fetched_at=datetime.now(UTC),
        size=len(body),
    )


def inside_data_dir(source_url: str, settings: Settings) -> Path:
    """The existing file or folder a local URL names, resolved; FetchError when it is missing
    or lies outside the data directory (symlinks followed)."""
    path = local_path(source_url)
    root = settings.data_dir.resolve()
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise FetchError(source_url, f"cannot open {path}: {_root_cause(exc)}") from None
    if not resolved.is_relative_to(root):
        raise FetchError(source_url, f"{resolved} is outside the data directory {root}")
    return resolved


def local_path(source_url: str) -> Path:
    """The path a file URL or a bare path names (no check that it exists or where)."""
    parts = urlsplit(source_url)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(source_url, f"file URL names a remote host {parts.netloc!r}")
        return Path(url2pathname(parts.path))  # url2pathname also undoes %-escapes
    return Path(source_url).expanduser()


def _guess_type(path: Path) -> str | None:
    return mimetypes.guess_type(path.name)[0]
