"""The HTTP server against slow and lying clients, its headers, what it says about the training
machine, and how it starts and stops: a real uvicorn server (in a thread, or `tagger serve` in a
subprocess)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tagger.api import ApiSettings, create_app
from tagger.api.server import ServerLimits
from tagger.model.bundle import Bundle, load_bundle
from tagger.pipeline import Tagger

from .serving import running_server, wait_for_health

LIMITS = ServerLimits(header_timeout=1.0, body_timeout=1.0)


@pytest.fixture(scope="module")
def url(digest_model: Path) -> Iterator[str]:
    """A server without spaCy whose manifest names folders of the machine it was trained on."""
    bundle = load_bundle(digest_model)
    manifest = {
        **bundle.manifest,
        "corpus": {"paths": ["/home/alice/private/corpus", "C:\\Users\\alice\\news.jsonl"]},
        "spacy_model": "/opt/alice/models/en_core_web_sm",
    }
    tagger = Tagger(Bundle(Path("/home/alice/models/digest"), manifest, bundle.model))
    with running_server(create_app(tagger, ApiSettings(long_chars=None)), LIMITS) as base:
        yield base


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    return sock


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or 5 s pass)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects and says nothing
        b"POST /v1/suggest HTTP/1.1\r\nHost: x\r\n",  # headers never end
        # Content-Length lies: 1000 announced, 12 sent
        b"POST /v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"text": "a',
    ],
)
def test_slow_or_lying_clients_get_408_and_are_disconnected(url: str, sent: bytes) -> None:
    with connect(url) as sock:
        sock.sendall(sent)
        started = time.monotonic()
        reply = answer(sock)  # before: nothing, ever (the socket times out after 5 s)
        assert time.monotonic() - started < 3
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert b'"E408"' in reply


def test_many_half_open_connections_are_all_closed(url: str) -> None:
    sockets = [connect(url) for _ in range(200)]
    try:
        for sock in sockets[::2]:
            sock.sendall(b"GET /v1/health HTTP/1.1\r\n")  # the other half sends nothing
        time.sleep(LIMITS.header_timeout + 1.0)
        for sock in sockets:
            sock.settimeout(0.5)
            assert answer(sock).startswith(b"HTTP/1.1 408")
        assert httpx.get(f"{url}/v1/health").status_code == 200
    finally:
        for sock in sockets:
            sock.close()


def test_a_slow_but_steady_body_is_read(url: str) -> None:
    body = b'{"text": "Factories hire machinists."}'
    with connect(url) as sock:
        sock.sendall(
            b"POST /v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        for i in range(0, len(body), 10):
            time.sleep(0.3)  # 1.2 s in all, each gap well under the 1 s body timeout
            sock.sendall(body[i : i + 10])
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 200"), reply


def test_security_headers_and_no_server_banner(url: str) -> None:
    with httpx.Client(base_url=url) as c:
        page = c.get("/")
        api = c.get("/v1/health")
        docs = c.get("/docs")
        error = c.post("/v1/suggest", json={"text": ""})
        for response in (page, api, docs, error, c.get("/static/app.js")):
            assert "server" not in response.headers, response.headers
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "no-referrer"
    page_csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in page_csp and "unsafe-inline" not in page_csp
    assert "frame-ancestors 'none'" in page_csp
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert error.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src 'self' 'unsafe-inline'" in docs.headers["content-security-policy"]


def test_model_answer_names_no_folder_of_the_training_machine(url: str) -> None:
    manifest = httpx.get(f"{url}/v1/model").json()
    text = str(manifest)
    assert "alice" not in text and "/home" not in text and "C:" not in text, manifest
    assert manifest["corpus"]["paths"] == ["corpus", "news.jsonl"]
    assert manifest["spacy_model"] == "en_core_web_sm"
    assert "manufacturing" in manifest["tags"]


def test_serve_on_a_busy_port_fails_before_loading_anything(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        # The model does not exist either: the port is what is checked first.
        command = [sys.executable, "-m", "tagger", "serve", "--model", str(tmp_path / "none")]
        result = subprocess.run(
            [*command, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"Error: [E800] cannot listen on 127.0.0.1:{port}")
    assert "choose another --port" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 10  # before: seconds of loading, then the error


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_after_a_worker_was_replaced(
    digest_model: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    """Before: SIGTERM ended the process on the spot after uvicorn's shutdown, so workers were
    never stopped and the resource tracker warned of leaked semaphores."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "tagger", "serve", "--model", str(digest_model)]
    command += ["--port", str(port), "--feedback-db", str(tmp_path / "fb.db")]
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, server)
        text = {"text": "Factories in Ohio hired machinists. " * 60}
        assert httpx.post(f"{url}/v1/suggest", json=text, timeout=60).status_code == 200
        workers = children(server.pid)
        for pid in workers:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        assert httpx.post(f"{url}/v1/suggest", json=text, timeout=60).status_code == 200
        workers = children(server.pid)
        server.send_signal(stop)
        _, stderr = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode == 0, stderr
    assert "leaked" not in stderr and "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 10
    while [pid for pid in workers if running(pid)]:  # no orphans
        assert time.monotonic() < deadline, [pid for pid in workers if running(pid)]
        time.sleep(0.1)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
