"""The HTTP API against a real uvicorn server on loopback, with the model trained on the
embedded corpus and the real spaCy pipeline; then app-level checks with a tiny model passed
straight into the app factory."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tagger.api import ApiSettings, create_app
from tagger.model.bundle import Bundle
from tagger.pipeline import Tagger
from tagger.training import TrainConfig, train
from tagger.types import Article

from .conftest import CORPUS, SAMPLE_DRAFT
from .serving import running_server, wait_for_health

TOKEN = "editor-secret"


@pytest.fixture(scope="module")
def feedback_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api") / "feedback.db"


@pytest.fixture(scope="module")
def base_url(digest_model: Path, feedback_db: Path) -> Iterator[str]:
    tagger = Tagger.load(digest_model)  # entities on: the real spaCy pipeline
    app = create_app(tagger, ApiSettings(feedback_db=feedback_db, token=TOKEN))
    with running_server(app) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


def draft() -> dict[str, str]:
    title, _, text = SAMPLE_DRAFT.read_text().partition("\n\n")
    return {"title": title, "text": text}


def error_message(response: httpx.Response) -> str:
    body = response.json()
    assert set(body["error"]) == {"code", "message"}, body
    return str(body["error"]["message"])


def test_suggest_returns_tags_evidence_entities_and_model(client: httpx.Client) -> None:
    response = client.post("/v1/suggest", json={**draft(), "limit": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"manufacturing", "regions"} <= {t["tag"] for t in body["tags"]}
    text = body["text"]
    for tag in body["tags"]:
        assert 0.0 <= tag["score"] <= 1.0
        assert tag["evidence"], tag
        assert all(term in text.lower() for term in tag["evidence"]), tag
    mit = next(e for e in body["entities"] if e["text"] == "Massachusetts Institute of Technology")
    assert mit["label"] == "ORG" and "MIT" in mit["aliases"]
    assert {text[s:e] for s, e in mit["mentions"]} <= {mit["text"], *mit["aliases"]}
    reports = [e["text"] for e in body["entities"] if e["label"] == "REPORT"]
    assert "Production in the Innovation Economy" in reports
    assert body["model"]["name"] == "digest" and len(body["model"]["version"]) == 12


def test_entities_can_be_skipped_per_request(client: httpx.Client) -> None:
    response = client.post("/v1/suggest", json={**draft(), "entities": False})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["entities"] == [] and body["text"] is None
    assert {"manufacturing", "regions"} <= {t["tag"] for t in body["tags"]}


def test_batch_keeps_order_and_ids(client: httpx.Client) -> None:
    articles = [
        {"id": "vc", "text": "Venture capital firms led a seed round for two startups."},
        {"id": "fab", "title": "New plant", "text": "A factory added a production line."},
        {"text": "Rural broadband grants will reach farm towns across the state."},
    ]
    response = client.post("/v1/suggest/batch", json={"articles": articles, "limit": 2})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["vc", "fab", None]
    assert results[0]["tags"][0]["tag"] == "venture-capital"
    assert results[1]["tags"][0]["tag"] == "manufacturing"
    assert all(len(r["tags"]) <= 2 for r in results)


def test_batch_over_64_articles_is_refused(client: httpx.Client) -> None:
    articles = [{"text": f"Article number {i} about factories."} for i in range(65)]
    response = client.post("/v1/suggest/batch", json={"articles": articles})
    assert response.status_code == 422
    assert "at most 64" in error_message(response)


def test_feedback_is_stored_in_sqlite(client: httpx.Client, feedback_db: Path) -> None:
    body = {
        "article_id": "cms-42",
        **draft(),
        "accepted": ["manufacturing"],
        "rejected": ["regions"],
        "added": ["university-research"],
    }
    response = client.post("/v1/feedback", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    with sqlite3.connect(feedback_db) as db:
        row = db.execute(
            "SELECT article_id, accepted, rejected, added, model FROM feedback WHERE id = ?",
            (row_id,),
        ).fetchone()
    assert row[0] == "cms-42"
    assert [json.loads(x) for x in row[1:4]] == [
        ["manufacturing"],
        ["regions"],
        ["university-research"],
    ]
    assert row[4].startswith("digest@")


def test_feedback_needs_the_token(client: httpx.Client) -> None:
    body = {"text": "A factory opened.", "accepted": ["manufacturing"]}
    missing = client.post("/v1/feedback", json=body)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in error_message(missing)
    wrong = client.post("/v1/feedback", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = client.post("/v1/feedback", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 201
    # suggestions stay open without a token
    assert client.post("/v1/suggest", json={"text": "A factory opened."}).status_code == 200


def test_feedback_with_unknown_tags_names_them(client: httpx.Client) -> None:
    body = {"text": "A factory opened.", "accepted": ["manufacturing", "knitting", "astrology"]}
    response = client.post("/v1/feedback", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert "astrology, knitting" in error_message(response)


def test_bodies_over_the_limit_get_413(client: httpx.Client) -> None:
    big = json.dumps({"text": "factory " * 130_000}).encode()  # about 1.04 MB
    response = client.post("/v1/suggest", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "1,000,000 bytes" in error_message(response)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        for _ in range(20):
            yield b"x" * 60_000

    streamed = client.post("/v1/suggest", content=chunks())
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b'{"text": ', "not valid JSON"),
        (b'{"title": "no body"}', "text: Field required"),
        (b'{"text": "   "}', "text: empty text"),
        (b'{"text": "ok", "limit": 0}', "limit: Input should be greater than or equal to 1"),
        (b'{"text": "ok", "threshold": "high"}', "threshold: Input should be a valid number"),
        (b'{"txt": "typo"}', "txt: Extra inputs are not permitted"),
        (b'{"text": "<nav>Home</nav>"}', "no article text left"),
        (b"[1, 2]", "Input should be a valid dictionary"),
    ],
)
def test_bad_requests_get_422_with_a_readable_message(
    client: httpx.Client, body: bytes, needle: str
) -> None:
    response = client.post(
        "/v1/suggest", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert needle in error_message(response)


def test_batch_errors_name_the_article(client: httpx.Client) -> None:
    body = {"articles": [{"text": "fine"}, {"text": ""}]}
    response = client.post("/v1/suggest/batch", json=body)
    assert response.status_code == 422
    assert "articles[1].text: empty text" in error_message(response)


def test_health_model_docs_and_page(client: httpx.Client) -> None:
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["entities"] and health["feedback"]
    manifest = client.get("/v1/model").json()
    assert "manufacturing" in manifest["tags"] and "artifacts" in manifest
    assert "/v1/suggest" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert client.get("/static/app.js").status_code == 200
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and error_message(missing)


def test_model_work_does_not_block_the_event_loop(base_url: str) -> None:
    """While a long batch is being tagged, health checks and other requests are answered."""
    long_text = " ".join(p.read_text() for p in sorted(CORPUS.glob("*.txt"))[:6])
    batch = {"articles": [{"text": long_text}] * 12}
    done: dict[str, float] = {}

    def run_batch() -> None:
        with httpx.Client(base_url=base_url, timeout=120) as c:
            started = time.perf_counter()
            assert c.post("/v1/suggest/batch", json=batch).status_code == 200
            done["batch"] = time.perf_counter() - started

    worker = threading.Thread(target=run_batch)
    worker.start()
    time.sleep(0.3)
    with httpx.Client(base_url=base_url, timeout=30) as c:
        started = time.perf_counter()
        assert c.get("/v1/health").status_code == 200
        health_seconds = time.perf_counter() - started
    worker.join()
    assert health_seconds < 0.5 < done["batch"], (health_seconds, done)


def test_concurrent_requests_all_succeed(base_url: str) -> None:
    texts = [p.read_text() for p in sorted(CORPUS.glob("*.txt"))[:16]]
    results: list[int] = []

    def post(text: str) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as c:
            results.append(c.post("/v1/suggest", json={"text": text}).status_code)

    threads = [threading.Thread(target=post, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * len(texts)


# App-level checks: any Tagger can be passed to the app factory (here a tiny model, no spaCy).


@pytest.fixture(scope="module")
def tiny_tagger() -> Tagger:
    rows = [
        ("Factory output rises", "The plant added a production line for machined parts."),
        ("New machining plant", "A supplier opened a factory making precision parts."),
        ("Seed fund closes", "Venture investors closed a seed fund for startups."),
        ("Startups raise money", "Venture capital firms led a funding round for startups."),
    ]
    tags = [("manufacturing",), ("manufacturing",), ("venture-capital",), ("venture-capital",)]
    articles = [
        Article(f"a{i}", t, x, g) for i, ((t, x), g) in enumerate(zip(rows, tags, strict=True))
    ]
    model = train(articles, TrainConfig(folds=2)).model
    return Tagger(Bundle(Path("tiny"), {"name": "tiny"}, model))


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_feedback_off_and_unexpected_errors(
    tiny_tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    app = create_app(tiny_tagger)  # no feedback database, no token
    with TestClient(app, raise_server_exceptions=False) as c:
        ok = c.post("/v1/suggest", json={"text": "The factory makes parts."})
        assert ok.status_code == 200 and ok.json()["tags"][0]["tag"] == "manufacturing"
        assert ok.json()["entities"] == [] and ok.json()["model"]["version"] == "unknown"
        off = c.post("/v1/feedback", json={"text": "x", "accepted": ["manufacturing"]})
        assert off.status_code == 503 and "--feedback-db" in off.json()["error"]["message"]

        def boom(*args: object, **kwargs: object) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(tiny_tagger, "suggest_batch", boom)
        crash = c.post("/v1/suggest", json={"text": "The factory makes parts."})
        assert crash.status_code == 500
        assert "disk on fire" not in crash.text and crash.json()["error"]["code"] == "E500"
        assert c.get("/v1/health").status_code == 200


# The command itself: `tagger serve` in a subprocess, configured by its options and env.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_tagger_serve_command(digest_model: Path, tmp_path: Path) -> None:
    port, db = free_port(), tmp_path / "fb" / "feedback.db"
    command = [sys.executable, "-m", "tagger", "serve", "--model", str(digest_model)]
    command += ["--port", str(port), "--feedback-db", str(db), "--no-entities"]
    command += ["--max-body-bytes", "5000", "--log-level", "warning"]
    env = {**os.environ, "TAGGER_API_TOKEN": "t0k"}
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        health = wait_for_health(url, server)
        assert health["feedback"] and not health["entities"]
        assert db.exists()  # created at start-up
        body = {"text": "A factory opened.", "accepted": ["manufacturing"]}
        assert httpx.post(f"{url}/v1/feedback", json=body).status_code == 401
        auth = {"Authorization": "Bearer t0k"}
        assert httpx.post(f"{url}/v1/feedback", json=body, headers=auth).status_code == 201
        big = {"text": "factory " * 1000}
        assert httpx.post(f"{url}/v1/suggest", json=big).status_code == 413
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Serving digest (20 tags)" in stderr and "token required" in stderr
    assert "Traceback" not in stderr and "leaked" not in stderr
    assert server.returncode == 0  # SIGTERM: a graceful stop, not death by signal


def test_tagger_serve_without_a_model_is_a_user_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tagger.cli.app import app

    result = CliRunner().invoke(app, ["serve", "--model", str(tmp_path / "none"), "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: [E200]") and "no such model" in result.stderr
