"""The Annif-compatible routes against a real uvicorn server, called with the real
`annif-client` from PyPI, as a library system integrated with Annif would call them."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from annif_client import AnnifClient

from tagger.api import ApiSettings, create_app
from tagger.api.annif import subject_uri
from tagger.pipeline import Tagger

from .conftest import SAMPLE_DRAFT
from .serving import running_server, wait_for_health

FACTORY = "The factory added a production line and hired machinists for precision parts."


@pytest.fixture(scope="module")
def feedback_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("annif") / "feedback.db"


@pytest.fixture(scope="module")
def server(digest_model: Path, feedback_db: Path) -> Iterator[str]:
    tagger = Tagger.load(digest_model, entities=False)
    app = create_app(tagger, ApiSettings(feedback_db=feedback_db, long_chars=None))
    with running_server(app) as url:
        yield url


@pytest.fixture
def annif(server: str) -> AnnifClient:
    return AnnifClient(api_base=f"{server}/v1/")


def test_the_client_lists_the_project(annif: AnnifClient) -> None:
    [project] = annif.projects
    assert project["project_id"] == "digest" and project["language"] == "en"
    assert project["backend"] == {"backend_id": "tagger"}
    assert annif.get_project("digest") == project


def test_an_unknown_project_is_a_404_the_client_understands(
    annif: AnnifClient, server: str
) -> None:
    with pytest.raises(ValueError, match="Project 'nope' not found"):
        annif.get_project("nope")
    with pytest.raises(ValueError, match="not found"):
        annif.suggest("nope", FACTORY)
    body = httpx.get(f"{server}/v1/projects/nope").json()
    assert body["error"]["code"] == "E404"  # the server's own error body too


def test_suggestions_are_ranked_with_labels_and_uris(annif: AnnifClient) -> None:
    results = annif.suggest("digest", SAMPLE_DRAFT.read_text())
    assert len(results) == 10  # Annif's default limit, threshold 0: the 10 best
    labels = [r["label"] for r in results]
    assert {"manufacturing", "regions"} <= set(labels[:4])
    for r in results:
        assert r["uri"] == subject_uri("digest", r["label"]) == f"urn:tagger:digest:{r['label']}"
        assert r["notation"] is None and 0.0 <= r["score"] <= 1.0
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_limit_and_threshold(annif: AnnifClient) -> None:
    assert len(annif.suggest("digest", FACTORY, limit=3)) == 3
    high = annif.suggest("digest", FACTORY, threshold=0.5)
    assert all(r["score"] >= 0.5 for r in high)
    assert high and high[0]["label"] == "manufacturing"


def test_a_batch_of_32_documents_comes_back_in_order(annif: AnnifClient) -> None:
    texts = [FACTORY, "Venture investors closed a seed fund for startups."] * 16
    documents = [{"document_id": f"doc-{i}", "text": t} for i, t in enumerate(texts)]
    results = annif.suggest_batch("digest", documents, limit=2, threshold=0.0)
    assert [r["document_id"] for r in results] == [f"doc-{i}" for i in range(32)]
    assert all(len(r["results"]) == 2 for r in results)
    single = annif.suggest("digest", FACTORY, limit=2)
    assert results[0]["results"] == results[30]["results"] == single


def test_a_batch_over_32_documents_is_refused(server: str) -> None:
    documents = [{"text": FACTORY}] * 33
    response = httpx.post(
        f"{server}/v1/projects/digest/suggest-batch", json={"documents": documents}
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "E422"


def test_a_blank_text_is_a_422_error(server: str) -> None:
    response = httpx.post(f"{server}/v1/projects/digest/suggest", data={"text": "  "})
    assert response.status_code == 422 and "empty text" in response.json()["error"]["message"]


def test_learn_stores_feedback(annif: AnnifClient, server: str, feedback_db: Path) -> None:
    uri = subject_uri("digest", "manufacturing")
    documents = [{"text": FACTORY, "subjects": [{"uri": uri, "label": "manufacturing"}]}]
    assert annif.learn("digest", documents).status_code == 204
    with sqlite3.connect(feedback_db) as db:
        text, added = db.execute(
            "SELECT text, added FROM feedback ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert text == FACTORY and json.loads(added) == ["manufacturing"]
    bad = [{"text": FACTORY, "subjects": [{"uri": "urn:tagger:digest:no-such-tag"}]}]
    response = httpx.post(f"{server}/v1/projects/digest/learn", json=bad)
    assert response.status_code == 422 and "no-such-tag" in response.text


@pytest.mark.slow
def test_tagger_serve_speaks_annif_and_cors(digest_model: Path, tmp_path: Path) -> None:
    """The command itself: `tagger serve --cors-origin ...`, called by annif-client."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "tagger", "serve", "--model", str(digest_model)]
    command += ["--port", str(port), "--feedback-db", str(tmp_path / "fb.db"), "--no-entities"]
    command += ["--cors-origin", "https://a.example", "--cors-origin", "https://b.example"]
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, server)
        client = AnnifClient(api_base=f"{url}/v1/")
        assert [p["project_id"] for p in client.projects] == ["digest"]
        [best, *_] = client.suggest("digest", FACTORY, limit=3)
        assert best["label"] == "manufacturing" and best["uri"] == "urn:tagger:digest:manufacturing"
        for origin, allowed in [("https://b.example", True), ("https://c.example", False)]:
            headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
            response = httpx.options(f"{url}/v1/suggest", headers=headers)
            assert (response.headers.get("access-control-allow-origin") == origin) is allowed
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr and server.returncode == 0
