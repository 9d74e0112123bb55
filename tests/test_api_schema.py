"""The API against its own OpenAPI document: schemathesis generates valid and invalid requests
from /openapi.json (200 per operation, both kinds) and checks each answer (no 500, documented
status, content type and body schema; invalid requests refused, valid ones accepted). A real
uvicorn server, the model trained on the embedded corpus, the real spaCy pipeline.

Also: text that no UTF-8 can hold (lone surrogates spelt as JSON escapes) gets 422, never 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tagger.api import ApiSettings, create_app
from tagger.pipeline import Tagger

from .serving import running_server

TOKEN = "schema-secret"
# Rules about content that the document cannot state: a draft that is all markup or site
# chrome, and a tag both rejected and accepted. A valid request refused for these is fine.
UNSTATABLE = ("no article text left", "tags both rejected and accepted or added")


@pytest.fixture(scope="module")
def api(digest_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tagger = Tagger.load(digest_model)  # entities on: spaCy in this process
    db = tmp_path_factory.mktemp("schema") / "feedback.db"
    app = create_app(tagger, ApiSettings(feedback_db=db, token=TOKEN, long_chars=None))
    with running_server(app) as url:
        yield url
    tagger.close()


@pytest.fixture(scope="module")
def api_schema(api: str) -> Any:
    return schemathesis.openapi.from_url(f"{api}/openapi.json")


OPERATIONS = [
    ("GET", "/v1/health"),
    ("GET", "/v1/model"),
    ("POST", "/v1/suggest"),
    ("POST", "/v1/suggest/batch"),
    ("POST", "/v1/feedback"),
    ("GET", "/v1/projects"),
    ("GET", "/v1/projects/{project_id}"),
    ("POST", "/v1/projects/{project_id}/suggest"),
    ("POST", "/v1/projects/{project_id}/suggest-batch"),
    ("POST", "/v1/projects/{project_id}/learn"),
]


def valid_requests_are_accepted(ctx: Any, response: Any, case: Any) -> None:
    """schemathesis check: a request the document calls valid gets 2xx (or one of the 422s
    the document cannot foresee, see UNSTATABLE)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 300:
        return
    if response.status_code == 422 and any(reason in response.text for reason in UNSTATABLE):
        return
    raise AssertionError(f"valid request refused: {response.status_code} {response.text[:300]}")


def test_the_document_lists_every_operation(api_schema: Any) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS]
    # A GET without parameters has no invalid request to make.
    + [(m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if m == "POST" or "{" in p],
)
def test_api_answers_as_its_openapi_document_says(
    api: str, api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    """Up to 200 generated requests of this operation and kind, each answer checked."""

    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(
        max_examples=200,
        deadline=None,
        derandomize=True,  # the same cases on every run: a CI failure reproduces
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(
            base_url=api,
            headers={"Authorization": f"Bearer {TOKEN}"},
            excluded_checks=[positive_data_acceptance],
            additional_checks=[valid_requests_are_accepted],
        )

    check()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/suggest", '{"text": "Factories \\ud800 hire."}'),
        ("/v1/suggest", '{"title": "\\udfff", "text": "Factories hire."}'),
        ("/v1/suggest", '{"id": "a\\ud800", "text": "Factories hire."}'),
        ("/v1/suggest/batch", '{"articles": [{"text": "ok"}, {"text": "\\ud83d"}]}'),
        ("/v1/feedback", '{"text": "Factories hire.", "accepted": ["\\ud800"]}'),
        ("/v1/feedback", '{"text": "Factories hire.", "article_id": "\\udc80x"}'),
        ("/v1/suggest", '{"text": "ok", "\\ud800": 1}'),
    ],
)
def test_lone_surrogates_get_422_not_500(api: str, path: str, body: str) -> None:
    response = httpx.post(
        f"{api}{path}",
        content=body.encode(),
        headers={"content-type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "E422"


def test_openapi_document_states_the_rules(api: str) -> None:
    document = httpx.get(f"{api}/openapi.json").json()
    parts = document["components"]["schemas"]
    text = parts["ArticleIn"]["properties"]["text"]
    assert text["minLength"] == 1 and text["pattern"] == r"[^\s\x1c-\x1f\x85]"
    tags = parts["FeedbackRequest"]["properties"]["accepted"]["items"]["enum"]
    assert "manufacturing" in tags and len(tags) == 20
    assert parts["HealthResponse"]["properties"]["status"]["enum"] == ["ok", "degraded"]
