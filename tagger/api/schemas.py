"""Request and response bodies of the HTTP API (pydantic), validated at the edge.

Field descriptions end up in the OpenAPI document served at /docs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_BATCH = 64
MAX_LIMIT = 100


class _Strict(BaseModel):
    # A misspelt field ("txt") is an error, not a silently ignored extra.
    model_config = ConfigDict(extra="forbid")


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("empty text")
    return text


class ArticleIn(_Strict):
    id: str | None = Field(None, max_length=500, description="Your id; echoed back.")
    title: str = Field("", description="Headline (optional).")
    text: str = Field(..., description="Article body: plain text or HTML.")

    _text = field_validator("text")(_not_blank)


class _Options(_Strict):
    limit: int | None = Field(5, ge=1, le=MAX_LIMIT, description="At most this many tags.")
    threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Suggest every tag scoring at least this instead of the learned "
        "per-tag thresholds.",
    )
    entities: bool = Field(
        True, description="Also find entities (spaCy, most of the time); false: tags only."
    )


class SuggestRequest(ArticleIn, _Options):
    pass


class BatchRequest(_Options):
    articles: list[ArticleIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class TagOut(BaseModel):
    tag: str
    score: float = Field(..., description="Calibrated score, 0-1.")
    evidence: list[str] = Field(..., description="Words and phrases that raised the score most.")


class EntityOut(BaseModel):
    text: str
    label: str = Field(..., description="ORG, PERSON, GPE, LOC or REPORT (report titles).")
    count: int
    salience: float
    aliases: list[str]
    mentions: list[tuple[int, int]] = Field(
        ..., description="Character offsets [start, end) into the response's `text`."
    )


class ModelInfo(BaseModel):
    name: str
    version: str = Field(..., description="First 12 hex digits of the model artifact's sha256.")


class ArticleResult(BaseModel):
    id: str | None
    tags: list[TagOut]
    entities: list[EntityOut]
    text: str | None = Field(
        None, description="Cleaned title + blank line + text; entity offsets refer to it."
    )


class SuggestResponse(ArticleResult):
    model: ModelInfo


class BatchResponse(BaseModel):
    results: list[ArticleResult]
    model: ModelInfo


class FeedbackRequest(_Strict):
    article_id: str | None = Field(None, max_length=500)
    title: str = ""
    text: str
    accepted: list[str] = Field([], description="Suggested tags the editor kept.")
    rejected: list[str] = Field([], description="Suggested tags the editor removed.")
    added: list[str] = Field([], description="Tags of the model's tag set the editor added.")

    _text = field_validator("text")(_not_blank)


class FeedbackResponse(BaseModel):
    id: int = Field(..., description="Row id in the feedback database.")
    article_id: str | None
    model: ModelInfo


class HealthResponse(BaseModel):
    status: str
    model: ModelInfo
    entities: bool
    feedback: bool


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody
