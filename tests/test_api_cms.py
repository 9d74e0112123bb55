"""The API for a CMS: cross-origin calls from allowed origins only (CORS), and ranked
candidates (the suggested tags, then the runners-up) in /v1/suggest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tagger.api import ApiSettings, create_app
from tagger.pipeline import Tagger

from .serving import running_server

CMS = "https://cms.example.org"
TEXT = "The factory added a production line and hired machinists for precision parts."


@pytest.fixture(scope="module")
def base_url(digest_model: Path) -> Iterator[str]:
    tagger = Tagger.load(digest_model, entities=False)
    app = create_app(tagger, ApiSettings(long_chars=None, cors_origins=(CMS,)))
    with running_server(app) as url:
        yield url


def preflight(url: str, origin: str) -> httpx.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    return httpx.options(f"{url}/v1/suggest", headers=headers)


def test_an_allowed_origin_passes_the_preflight_and_reads_the_answer(base_url: str) -> None:
    response = preflight(base_url, CMS)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == CMS
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()
    answer = httpx.post(f"{base_url}/v1/suggest", json={"text": TEXT}, headers={"Origin": CMS})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == CMS


def test_another_origin_gets_no_cors_headers(base_url: str) -> None:
    other = "https://evil.example.com"
    response = preflight(base_url, other)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    answer = httpx.post(f"{base_url}/v1/suggest", json={"text": TEXT}, headers={"Origin": other})
    assert "access-control-allow-origin" not in answer.headers


def test_without_cors_origins_a_preflight_is_not_allowed(digest_model: Path) -> None:
    tagger = Tagger.load(digest_model, entities=False)
    with running_server(create_app(tagger, ApiSettings(long_chars=None))) as url:
        response = preflight(url, CMS)
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers


def test_candidates_list_the_suggested_tags_then_the_runners_up(base_url: str) -> None:
    body = httpx.post(f"{base_url}/v1/suggest", json={"text": TEXT}, timeout=60).json()
    tags = [t["tag"] for t in body["tags"]]
    candidates = body["candidates"]
    assert len(candidates) == 10  # the default
    assert [c["tag"] for c in candidates[: len(tags)]] == tags
    assert all(c["suggested"] for c in candidates[: len(tags)])
    runners_up = candidates[len(tags) :]
    assert runners_up and not any(c["suggested"] for c in runners_up)
    scores = [c["score"] for c in runners_up]
    assert scores == sorted(scores, reverse=True)
    assert all(set(c) == {"tag", "score", "suggested"} for c in candidates)
    assert len({c["tag"] for c in candidates}) == 10
    assert set(body["tags"][0]) == {"tag", "score", "evidence"}  # `tags` as before


@pytest.mark.parametrize("count", [0, 1, 3, 20])
def test_the_request_sets_how_many_candidates(base_url: str, count: int) -> None:
    request = {"text": TEXT, "candidates": count, "limit": 2}
    body = httpx.post(f"{base_url}/v1/suggest", json=request, timeout=60).json()
    suggested = len(body["tags"])
    assert len(body["candidates"]) == max(count, suggested)
    assert sum(c["suggested"] for c in body["candidates"]) == suggested


def test_a_bad_candidates_count_is_a_422_error(base_url: str) -> None:
    response = httpx.post(f"{base_url}/v1/suggest", json={"text": TEXT, "candidates": -1})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E422"
    assert "candidates" in response.json()["error"]["message"]
