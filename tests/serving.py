"""A real uvicorn server on a free loopback port, run in a thread, for API and browser tests:
the same server (protocol, timeouts, limits) as `tagger serve` runs."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from tagger.api.server import ServerLimits, build_server


@contextmanager
def running_server(app: FastAPI, limits: ServerLimits | None = None) -> Iterator[str]:
    """Serve `app` until the block ends; yields the base URL (http://127.0.0.1:PORT)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; no race with other tests
    port = sock.getsockname()[1]
    server = build_server(app, "warning", limits)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def wait_for_health(url: str, server: subprocess.Popen[Any], seconds: float = 120) -> Any:
    """Wait until `tagger serve` (the `server` subprocess) answers /v1/health; its answer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(f"{url}/v1/health", timeout=2).json()
        except httpx.TransportError:
            assert server.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.1)
