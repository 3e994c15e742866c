"""A real HTTP server on 127.0.0.1 that misbehaves on cue, so fetch is tested against sockets."""

from __future__ import annotations

import socket
import struct
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# A behaviour answers one request. It gets the handler and writes (or refuses) a response.
Behaviour = Callable[["_Handler"], None]


@dataclass
class Seen:
    """One request as the server received it: tests assert on the headers fetch sent."""

    path: str
    headers: dict[str, str]


@dataclass
class FaultServer:
    """Routes map a path to a script of behaviours: request n gets behaviour n, the last repeats.

    Scripts make "500 then 200" a one-liner, and per-path hit counts prove how many
    attempts the client really made.
    """

    routes: dict[str, list[Behaviour]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    seen: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, path: str, *script: Behaviour) -> str:
        """Install a script on path and return its absolute URL."""
        self.routes[path] = list(script)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def next_behaviour(self, handler: _Handler) -> Behaviour:
        path = urlsplit(handler.path).path
        with self._lock:
            n = self.hits[path]
            self.hits[path] += 1
            self.seen.append(Seen(path, {k.lower(): v for k, v in handler.headers.items()}))
        script = self.routes.get(path) or [respond(404, b"no route")]
        return script[min(n, len(script) - 1)]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping must not hold up the next test

    def __init__(self, faults: FaultServer) -> None:
        self.faults = faults
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hang up on purpose in these tests (caps, deadlines); that is not an error.
        if not isinstance(sys.exc_info()[1], OSError | ValueError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.close_connection = True  # one request per connection: no pool surprises
        self.server.faults.next_behaviour(self)(self)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def wait(self, seconds: float) -> bool:
        """Sleep, but wake at shutdown; True if the server is stopping."""
        return self.server.faults.stopping.wait(seconds)


# --- behaviours --------------------------------------------------------------------------


def respond(
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    length: str = "content-length",
) -> Behaviour:
    """A response; length is 'content-length', 'chunked', or 'close' (ended by hang-up)."""

    def behaviour(h: _Handler) -> None:
        h.send_response(status)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        if length == "content-length":
            h.send_header("Content-Length", str(len(body)))
        elif length == "chunked":
            h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Connection", "close")
        h.end_headers()
        if status == 304 or status < 200:
            return
        if length == "chunked":
            for start in range(0, len(body), 1024):
                piece = body[start : start + 1024]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            h.wfile.write(b"0\r\n\r\n")
        else:
            h.wfile.write(body)

    return behaviour


def conditional(
    body: bytes, etag: str, last_modified: str, content_type: str = "text/plain"
) -> Behaviour:
    """200 with validators, or 304 when the request's validators match (RFC 9110 13.1)."""

    def behaviour(h: _Handler) -> None:
        validators = {"ETag": etag, "Last-Modified": last_modified}
        inm = h.headers.get("If-None-Match")
        ims = h.headers.get("If-Modified-Since")
        unchanged = inm == etag if inm is not None else ims == last_modified
        if unchanged:
            respond(304, headers=validators)(h)
        else:
            respond(200, body, {**validators, "Content-Type": content_type})(h)

    return behaviour


def redirect(location: str, status: int = 302) -> Behaviour:
    return respond(status, headers={"Location": location})


def sleep_then(seconds: float, then: Behaviour) -> Behaviour:
    """Say nothing for a while (past the client's read timeout), then answer."""

    def behaviour(h: _Handler) -> None:
        if not h.wait(seconds):
            then(h)

    return behaviour


def reset(partial: bytes | None = None) -> Behaviour:
    """Abort with a TCP RST (SO_LINGER 0): before any response, or after part of the body."""

    def behaviour(h: _Handler) -> None:
        if partial is not None:
            h.send_response(200)
            h.send_header("Content-Length", str(len(partial) * 10))
            h.end_headers()
            h.wfile.write(partial)
            h.wait(0.05)  # let the client read the headers and the first bytes
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()

    return behaviour


def drip(body: bytes, interval: float, headers: dict[str, str] | None = None) -> Behaviour:
    """Trickle the body a byte at a time: each byte beats the read timeout, the whole never ends."""

    def behaviour(h: _Handler) -> None:
        h.send_response(200)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.flush()
        for i in range(len(body)):
            h.wfile.write(body[i : i + 1])
            h.wfile.flush()
            if h.wait(interval):
                return

    return behaviour


@contextmanager
def running() -> Iterator[FaultServer]:
    """Serve on 127.0.0.1, port chosen by the OS, in a daemon thread for the block's length."""
    faults = FaultServer()
    server = _Server(faults)
    faults.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    try:
        yield faults
    finally:
        faults.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
