"""Running the app on uvicorn (the only place outside the app that knows the server), hardened:

* the listening socket is bound first (`bind`), so a busy port is a one-line error before the
  model and spaCy take seconds to load;
* a request's line and headers must arrive within `header_timeout` of its first byte (or of the
  connection: an idle new connection is closed too), and its body must keep coming, with no gap
  longer than `body_timeout`: a client that stops sending or lies about Content-Length gets 408
  and the connection is closed instead of being held forever;
* at most `max_connections` connections at once (more get 503), no `server` banner.
"""

from __future__ import annotations

import asyncio
import errno
import json
import signal
import socket
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tagger.errors import TaggerError


class ServeError(TaggerError):
    """The server cannot start (its port is taken, its address does not exist)."""

    code = "E800"


@dataclass(frozen=True)
class ServerLimits:
    """Timeouts (seconds) and limits of the HTTP server; see the module docstring."""

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    keep_alive: int = 5
    max_connections: int = 1000
    graceful_shutdown: int = 10


def bind(host: str, port: int) -> socket.socket:
    """The listening socket on host:port; ServeError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            why += "; another program listens there: stop it or choose another --port"
        raise ServeError(f"cannot listen on {host}:{port}: {why}") from None
    return sock


def _timeout_response(message: str) -> bytes:
    body = json.dumps({"error": {"code": "E408", "message": message}}).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nx-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with the header and body timeouts of the module docstring
    (uvicorn has none: it waits for a request, or for the rest of one, forever)."""

    header_timeout = ServerLimits.header_timeout
    body_timeout = ServerLimits.body_timeout

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """A new connection: its first request must arrive in time."""
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm(self.header_timeout, "no complete request line and headers")

    def on_message_begin(self) -> None:
        """A request starts (also the next one on a kept-alive connection)."""
        super().on_message_begin()
        self._arm(self.header_timeout, "no complete request line and headers")

    def on_headers_complete(self) -> None:
        """Headers are in; the body (if any) must keep coming."""
        super().on_headers_complete()
        self._arm(self.body_timeout, "the request body stopped arriving")

    def on_body(self, body: bytes) -> None:
        """A piece of body: the gap timer starts again."""
        super().on_body(body)
        self._arm(self.body_timeout, "the request body stopped arriving")

    def on_message_complete(self) -> None:
        """The whole request is in: no timer while the app works on it."""
        super().on_message_complete()
        self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection closed: drop the timer."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, seconds: float, reason: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire, seconds, reason)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            assert self._deadline is not None
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, seconds: float, reason: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_timeout_response(f"{reason} within {seconds:g} s"))
        self.transport.close()


def build_server(app: Any, log_level: str, limits: ServerLimits | None = None) -> uvicorn.Server:
    """A uvicorn server for `app` with the protections of the module docstring."""
    limits = limits or ServerLimits()
    protocol = type(
        "Guarded",
        (GuardedHttpTools,),
        {"header_timeout": limits.header_timeout, "body_timeout": limits.body_timeout},
    )
    config = uvicorn.Config(
        app,
        log_level=log_level.lower(),
        http=protocol,
        ws="none",  # no websocket routes; and no websockets import
        lifespan="on",
        server_header=False,
        timeout_keep_alive=limits.keep_alive,
        limit_concurrency=limits.max_connections,
        timeout_graceful_shutdown=limits.graceful_shutdown,
    )
    return uvicorn.Server(config)


class _Stop(Exception):
    """SIGTERM, once uvicorn has shut down gracefully."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop


def run_server(app: Any, sock: socket.socket, log_level: str) -> None:
    """Serve `app` on the bound socket until SIGINT or SIGTERM, then return, after a graceful
    shutdown, so that the caller's cleanup runs (stopping worker processes, releasing their
    semaphores). uvicorn re-raises the signal once it is done, and SIGTERM's default action
    would end the process on the spot: here it becomes an exception caught below."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        build_server(app, log_level).run(sockets=[sock])
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
