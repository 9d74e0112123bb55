"""The FastAPI app. `create_app(tagger, settings)` takes an already loaded Tagger (the `tagger
serve` command loads it at start-up; tests pass their own), so the model and spaCy are loaded
once, before the first request. Routes reach the service through a dependency.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from tagger import __version__
from tagger.api.errors import BodyLimit, install_error_handlers
from tagger.api.lanes import LONG_CHARS
from tagger.api.openapi import exact_openapi, without_paths
from tagger.api.schemas import (
    ArticleIn,
    BatchRequest,
    BatchResponse,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    HealthResponse,
    SuggestRequest,
    SuggestResponse,
)
from tagger.api.security import SecurityHeaders
from tagger.api.service import Draft, TaggerService, entities_cut
from tagger.feedback import Feedback, FeedbackStore
from tagger.pipeline import Tagger
from tagger.text.limits import DEFAULT_MAX_BYTES
from tagger.types import Suggestion

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class ApiSettings:
    """`feedback_db`: SQLite file for /v1/feedback (None: feedback off); `max_body_bytes`:
    larger request bodies get 413; `token`: when set, /v1/feedback needs it as a bearer token;
    `long_chars`: requests with more characters run in a process of their own (None: no such
    process, they share the model thread); `cors_origins`: web pages from these origins
    (`https://cms.example.org`) may call the API from the browser (none: same origin only)."""

    feedback_db: Path | None = None
    max_body_bytes: int = DEFAULT_MAX_BYTES
    token: str | None = None
    long_chars: int | None = LONG_CHARS
    cors_origins: tuple[str, ...] = ()


async def get_service(request: Request) -> TaggerService:
    """Dependency: the app's TaggerService (set by `create_app`)."""
    return cast(TaggerService, request.app.state.service)


async def get_settings(request: Request) -> ApiSettings:
    """Dependency: the app's ApiSettings (set by `create_app`)."""
    return cast(ApiSettings, request.app.state.settings)


# The dependencies are coroutines: FastAPI runs plain functions in a threadpool, and each such
# hop waits for the GIL held by the model thread (up to 5 ms a time under load).
Service = Annotated[TaggerService, Depends(get_service)]
Settings = Annotated[ApiSettings, Depends(get_settings)]


async def require_token(
    settings: Settings, authorization: Annotated[str | None, Header()] = None
) -> None:
    """With a token configured, the request must carry `Authorization: Bearer <token>`."""
    if settings.token is None:
        return
    given = (authorization or "").encode("utf-8")
    if not hmac.compare_digest(given, f"Bearer {settings.token}".encode()):
        raise HTTPException(
            401,
            "this endpoint needs the header `Authorization: Bearer <token>` "
            "with the server's TAGGER_API_TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )


router = APIRouter(
    prefix="/v1",
    responses={
        400: {"model": ErrorResponse, "description": "Request body is not text (UTF-8)"},
        413: {"model": ErrorResponse, "description": "Request body too large"},
        422: {"model": ErrorResponse, "description": "Invalid request"},
    },
)


@router.get("/health", response_model=HealthResponse)
async def health(service: Service) -> dict[str, Any]:
    """Liveness: the model is loaded and answering; "degraded" (with the problems) while an
    NER worker is being replaced or was in the last minute."""
    problems = service.problems()
    return {
        "status": "degraded" if problems else "ok",
        "model": service.model,
        "entities": service.entities,
        "feedback": service.feedback is not None,
        "problems": problems,
    }


@router.get("/model")
async def model(service: Service) -> dict[str, Any]:
    """The model bundle's manifest: tags, training settings, metrics, versions, checksums
    (file paths of the training machine shortened to their last part)."""
    return cast(dict[str, Any], without_paths(service.tagger.manifest))


def _draft(item: ArticleIn, source: str) -> Draft:
    return Draft(item.id, item.title, item.text, source)


def _results(suggestions: list[Suggestion], ids: list[str | None]) -> list[dict[str, Any]]:
    cuts = entities_cut(suggestions)
    return [
        {**s.to_dict(with_evidence=True), "id": item_id, "entities_truncated_at": cut}
        for s, item_id, cut in zip(suggestions, ids, cuts, strict=True)
    ]


@router.post("/suggest", response_model=SuggestResponse)
async def suggest(body: SuggestRequest, service: Service) -> dict[str, Any]:
    """Tags (with scores and evidence) and entities for one draft."""
    drafts = [_draft(body, "text")]
    suggestions = await service.suggest(
        drafts, body.limit, body.threshold, body.entities, body.candidates
    )
    [result] = _results(suggestions, [body.id])
    return {
        **result,
        "candidates": candidates(suggestions[0], body.candidates),
        "model": service.model,
    }


def candidates(suggestion: Suggestion, count: int) -> list[dict[str, Any]]:
    """The suggested tags, then the best runners-up, `count` in all (or the suggested ones)."""
    suggested = {t.tag for t in suggestion.tags}
    runners_up = [t for t in suggestion.candidates if t.tag not in suggested]
    ranked = [*suggestion.tags, *runners_up[: max(0, count - len(suggestion.tags))]]
    return [
        {"tag": t.tag, "score": round(t.score, 4), "suggested": t.tag in suggested} for t in ranked
    ]


@router.post("/suggest/batch", response_model=BatchResponse)
async def suggest_batch(body: BatchRequest, service: Service) -> dict[str, Any]:
    """Up to 64 drafts in one call; results in request order."""
    drafts = [_draft(item, f"articles[{i}].text") for i, item in enumerate(body.articles)]
    suggestions = await service.suggest(drafts, body.limit, body.threshold, body.entities)
    results = _results(suggestions, [item.id for item in body.articles])
    return {"results": results, "model": service.model}


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    status_code=201,
    dependencies=[Depends(require_token)],
    responses={401: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
async def feedback(body: FeedbackRequest, service: Service) -> dict[str, Any]:
    """Record an editor's decision on the suggestions for one article (for retraining)."""
    if service.feedback is None:
        raise HTTPException(503, "feedback is off: start the server with --feedback-db PATH")
    record = Feedback(
        text=body.text,
        title=body.title,
        article_id=body.article_id,
        accepted=tuple(body.accepted),
        rejected=tuple(body.rejected),
        added=tuple(body.added),
        model=f"{service.model['name']}@{service.model['version']}",
    )
    row = await service.add_feedback(record)
    return {"id": row, "article_id": body.article_id, "model": service.model}


def create_app(tagger: Tagger, settings: ApiSettings | None = None) -> FastAPI:
    """The app for one loaded Tagger. The feedback database is created here, at start-up."""
    settings = settings or ApiSettings()
    store = FeedbackStore(settings.feedback_db) if settings.feedback_db is not None else None
    service = TaggerService(tagger, store, settings.max_body_bytes, settings.long_chars)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    # /docs and /redoc with their scripts served by the app, not from a CDN: they work on an
    # intranet without internet access.
    app = FastAPIOffline(
        title="tagger",
        version=__version__,
        description="Tag suggestions with evidence, entities, and editors' feedback.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        # Outermost, so that refusals (413, 401) carry the headers too and the page can read them.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    app.include_router(router)
    exact_openapi(app, tagger.tags)
    from tagger.api import annif  # it builds on this module's dependencies

    annif.install(app, service.model["name"], tagger.tags)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def editor_page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app
