"""Annif-compatible REST routes, so that systems already integrated with Annif (library and
archive systems, `annif-client`) can use the tagger as it is: one project, the served model.

Shapes follow Annif's OpenAPI document (`annif/openapi/annif.yaml`): `GET /v1/projects`,
`GET /v1/projects/{project_id}`, `POST /v1/projects/{project_id}/suggest` (form fields),
`POST /v1/projects/{project_id}/suggest-batch` (JSON, at most 32 documents) and
`POST /v1/projects/{project_id}/learn` (stored as editors' feedback). As in Annif, `limit` and
`threshold` pick the best-scoring tags (the model's learned per-tag thresholds do not apply).
A tag's subject `uri` is `urn:tagger:{model}:{tag}` and its `label` the tag itself.

Errors keep the server's JSON error body; an unknown project also carries Annif's problem
fields (`status`, `title`, `detail`), which `annif-client` reads.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Depends, FastAPI, Form, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tagger.api.app import Service, require_token
from tagger.api.errors import error_response
from tagger.api.schemas import ErrorResponse, Text, _not_blank, _text_field
from tagger.api.service import Draft, TaggerService
from tagger.feedback import Feedback
from tagger.types import Suggestion

MAX_DOCUMENTS = 32
INT32 = 2**31 - 1


class ProjectNotFound(Exception):
    """A project id other than the served model's name."""

    def __init__(self, project_id: str) -> None:
        super().__init__(project_id)
        self.project_id = project_id


def subject_uri(model: str, tag: str) -> str:
    """The stable URI of a tag of a model: `urn:tagger:{model}:{tag}` (percent-encoded)."""
    return f"urn:tagger:{quote(model, safe='')}:{quote(tag, safe='')}"


def tag_of(model: str, uri: str) -> str:
    """The tag a subject URI names (or the URI itself when it is not one of this model's:
    the feedback check then names it as unknown)."""
    prefix = f"urn:tagger:{quote(model, safe='')}:"
    return unquote(uri[len(prefix) :]) if uri.startswith(prefix) else uri


class Backend(BaseModel):
    """The backend of a project: always `tagger`."""

    backend_id: str


class Project(BaseModel):
    """A project: the served model (its name is the project id)."""

    project_id: str
    name: str
    language: str
    backend: Backend
    vocab_language: str | None
    is_trained: bool | None
    modification_time: str | None


class ProjectList(BaseModel):
    """Every project of the server: the one served model."""

    projects: list[Project]


class SubjectResult(BaseModel):
    """A candidate subject for a document, as Annif gives it."""

    uri: str
    label: str
    notation: str | None
    score: float = Field(..., description="Calibrated score, 0-1.")


class SuggestionResultList(BaseModel):
    """The subjects suggested for a document, best first."""

    results: list[SubjectResult]


class BatchResult(SuggestionResultList):
    """The subjects suggested for one document of a batch, with its id."""

    document_id: str | None


class SuggestForm(BaseModel):
    """Form fields of `suggest` (Annif also takes `language` and `metadata_*`: ignored)."""

    model_config = ConfigDict(extra="ignore")

    text: Text = _text_field("Input text, not blank.")
    limit: int = Field(10, ge=0, le=INT32, description="At most this many results.")
    threshold: float = Field(0.0, ge=0.0, le=1.0, description="Minimum score of a result.")

    _text = field_validator("text")(_not_blank)


class Document(BaseModel):
    """A document of a batch: its text and an optional id, echoed back."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: Text = _text_field("Document text, not blank.")
    document_id: Text | None = None
    metadata: dict[str, str] | None = None

    _text = field_validator("text")(_not_blank)


class BatchRequest(BaseModel):
    """Up to 32 documents; results come back in the same order."""

    model_config = ConfigDict(extra="forbid", strict=True)

    documents: list[Document] = Field(..., max_length=MAX_DOCUMENTS)


class Subject(BaseModel):
    """A known good subject of a document, by URI (see `subject_uri`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    uri: Text
    label: str | None = None


class IndexedDocument(BaseModel):
    """A document with its subjects, stored as an editor's feedback (the subjects as added
    tags) for the next training."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: Text = _text_field("Document text, not blank.")
    metadata: dict[str, str] | None = None
    subjects: list[Subject] = []

    _text = field_validator("text")(_not_blank)


def project(service: Service, project_id: Annotated[str, Path()]) -> TaggerService:
    """Dependency: the service, when `project_id` is the served model's name."""
    if project_id != service.model["name"]:
        raise ProjectNotFound(project_id)
    return service


Project_ = Annotated[TaggerService, Depends(project)]
Limit = Annotated[int, Query(ge=0, le=INT32, description="At most this many results.")]
Threshold = Annotated[float, Query(ge=0.0, le=1.0, description="Minimum score of a result.")]

router = APIRouter(
    prefix="/v1/projects",
    tags=["Annif-compatible"],
    responses={
        400: {"model": ErrorResponse, "description": "Request body is not text (UTF-8)"},
        413: {"model": ErrorResponse, "description": "Request body too large"},
        422: {"model": ErrorResponse, "description": "Invalid request"},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Project not found"}
}


def _project(service: TaggerService) -> dict[str, Any]:
    name = service.model["name"]
    return {
        "project_id": name,
        "name": f"tagger {name} ({service.model['version']})",
        "language": "en",
        "backend": {"backend_id": "tagger"},
        "vocab_language": "en",
        "is_trained": True,
        "modification_time": None,
    }


def _subjects(service: TaggerService, suggestion: Suggestion) -> list[dict[str, Any]]:
    name = service.model["name"]
    return [
        {"uri": subject_uri(name, t.tag), "label": t.tag, "notation": None, "score": t.score}
        for t in suggestion.tags
    ]


@router.get("", response_model=ProjectList)
async def list_projects(service: Service) -> dict[str, Any]:
    """The projects: one, the served model."""
    return {"projects": [_project(service)]}


@router.get("/{project_id}", response_model=Project, responses=NOT_FOUND)
async def show_project(service: Project_) -> dict[str, Any]:
    """The project of the served model."""
    return _project(service)


@router.post("/{project_id}/suggest", response_model=SuggestionResultList, responses=NOT_FOUND)
async def suggest(service: Project_, form: Annotated[SuggestForm, Form()]) -> dict[str, Any]:
    """Subjects for one text: the `limit` best scoring at least `threshold`."""
    [result] = await service.rank([Draft(None, "", form.text, "text")], form.limit, form.threshold)
    return {"results": _subjects(service, result)}


@router.post("/{project_id}/suggest-batch", response_model=list[BatchResult], responses=NOT_FOUND)
async def suggest_batch(
    service: Project_, body: BatchRequest, limit: Limit = 10, threshold: Threshold = 0.0
) -> list[dict[str, Any]]:
    """Subjects for up to 32 documents, in request order."""
    drafts = [
        Draft(d.document_id, "", d.text, f"documents[{i}].text")
        for i, d in enumerate(body.documents)
    ]
    results = await service.rank(drafts, limit, threshold) if drafts else []
    return [
        {"document_id": d.document_id, "results": _subjects(service, r)}
        for d, r in zip(body.documents, results, strict=True)
    ]


@router.post(
    "/{project_id}/learn",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(require_token)],
    responses={**NOT_FOUND, 401: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
async def learn(service: Project_, documents: list[IndexedDocument]) -> Response:
    """Store manually indexed documents as editors' feedback (their subjects as added tags),
    learned at the next `tagger train --feedback`."""
    if service.feedback is None:
        return error_response(503, "E503", "feedback is off: start with --feedback-db PATH")
    name = service.model["name"]
    for document in documents:
        record = Feedback(
            text=document.text,
            added=tuple(tag_of(name, s.uri) for s in document.subjects),
            model=f"{name}@{service.model['version']}",
        )
        await service.add_feedback(record)
    return Response(status_code=204)


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProjectNotFound)
    message = f"Project '{exc.project_id}' not found"
    body = {
        "error": {"code": "E404", "message": message},
        "status": 404,
        "title": "Project not found",
        "detail": message,
    }
    return JSONResponse(body, status_code=404)


def install(app: FastAPI, model: str, tags: list[str]) -> None:
    """Add the routes to the app, and to its OpenAPI document the project id and the subject
    URIs it accepts (so that generated requests name the served model)."""
    app.include_router(router)
    app.add_exception_handler(ProjectNotFound, _not_found)
    build = app.openapi
    uris = [subject_uri(model, t) for t in tags]

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        schema = build()
        if first:
            for path, item in schema["paths"].items():
                for operation in item.values() if path.startswith("/v1/projects/") else ():
                    for parameter in operation.get("parameters", []):
                        if parameter["name"] == "project_id":
                            parameter["schema"]["enum"] = [model]
            parts = schema["components"]["schemas"]
            parts["Subject"]["properties"]["uri"]["enum"] = uris
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
