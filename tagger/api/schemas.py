"""Request and response bodies of the HTTP API (pydantic), validated at the edge.

Field descriptions end up in the OpenAPI document served at /docs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from tagger.text.limits import find_lone_surrogate

MAX_BATCH = 64
MAX_LIMIT = 100
MAX_ID_CHARS = 500
# A text must hold a character that is whitespace neither to Python (str.strip) nor to the
# regular expressions of JSON Schema (ECMA-262 \s, which also counts U+FEFF but not U+001C-1F
# or U+0085): the document's pattern and the server's check then agree on every string.
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"
ECMA_ONLY_SPACE = "\ufeff"


def _valid_unicode(value: str) -> str:
    # JSON escapes can spell a lone surrogate ("\ud800"), which no UTF-8 text can hold.
    if find_lone_surrogate(value) is not None:
        raise ValueError("invalid Unicode: a lone surrogate such as \\ud800; fix the text")
    return value


Text = Annotated[str, AfterValidator(_valid_unicode)]


class _Strict(BaseModel):
    # A misspelt field ("txt") is an error, not a silently ignored extra; and types are exact,
    # as the OpenAPI document says ("5" is no integer, "yes" no boolean).
    model_config = ConfigDict(extra="forbid", strict=True)


def _not_blank(text: str) -> str:
    if not text.replace(ECMA_ONLY_SPACE, " ").strip():
        raise ValueError("empty text")
    return text


def _integral(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer; strict pydantic would not.
    return int(value) if isinstance(value, float) and value.is_integer() else value


TagLimit = Annotated[
    int,
    BeforeValidator(_integral),
    Field(ge=1, le=MAX_LIMIT),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
]


def _text_field(description: str) -> Any:
    # Documented, not validated by pydantic: the check is `_not_blank`, with its own message.
    return Field(
        ..., description=description, json_schema_extra={"minLength": 1, "pattern": NOT_BLANK}
    )


class ArticleIn(_Strict):
    """One article to tag: its body, an optional headline and your id for it."""

    id: Text | None = Field(None, max_length=MAX_ID_CHARS, description="Your id; echoed back.")
    title: Text = Field("", description="Headline (optional).")
    text: Text = _text_field("Article body: plain text or HTML, not blank.")

    _text = field_validator("text")(_not_blank)


class _Options(_Strict):
    limit: TagLimit | None = Field(5, description="At most this many tags.")
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


CandidateCount = Annotated[
    int,
    BeforeValidator(_integral),
    Field(ge=0, le=MAX_LIMIT),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}),
]


class SuggestRequest(ArticleIn, _Options):
    """One article to tag, with how many tags to suggest, an optional score threshold,
    whether to find entities too and how many ranked candidates to list."""

    candidates: CandidateCount = Field(
        10,
        description="List this many candidates in all: the suggested tags, then the best "
        "runners-up (the suggested tags are always listed).",
    )


class BatchRequest(_Options):
    """Up to 64 articles to tag with the same options; results come back in request order."""

    articles: list[ArticleIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class TagOut(BaseModel):
    """A suggested tag, its calibrated score and the words that raised the score most."""

    tag: str
    score: float = Field(..., description="Calibrated score, 0-1.")
    evidence: list[str] = Field(..., description="Words and phrases that raised the score most.")


class EntityOut(BaseModel):
    """An organization, person, place or report title named in the article.

    `text` is its fullest name, `aliases` the other forms it appears in (an acronym, a surname
    alone) and `count` its number of mentions. `salience` (0-1) mixes how often it is mentioned,
    against the most mentioned entity, and how early it first appears; entities come most
    salient first.
    """

    text: str
    label: str = Field(..., description="ORG, PERSON, GPE, LOC or REPORT (report titles).")
    count: int
    salience: float
    aliases: list[str]
    mentions: list[tuple[int, int]] = Field(
        ..., description="Character offsets [start, end) into the response's `text`."
    )


class ModelInfo(BaseModel):
    """The model that answered: its bundle name and a version that differs for every model."""

    name: str
    version: str = Field(..., description="First 12 hex digits of the model artifact's sha256.")


class ArticleResult(BaseModel):
    """Suggestions for one article: tags best first, entities most salient first and, when
    entities were asked for, the cleaned text their offsets refer to."""

    id: str | None
    tags: list[TagOut]
    entities: list[EntityOut]
    text: str | None = Field(
        None, description="Cleaned title + blank line + text; entity offsets refer to it."
    )
    entities_truncated_at: int | None = Field(
        None,
        description="Entities were looked for in `text` up to this offset only (a request "
        "reads at most 100,000 characters for entities); null: in the whole text.",
    )


class CandidateOut(BaseModel):
    """A candidate tag for an editor to choose: suggested (pre-selected) or a runner-up."""

    tag: str
    score: float = Field(..., description="Calibrated score, 0-1.")
    suggested: bool = Field(..., description="Among the suggested tags (`tags`).")


class SuggestResponse(ArticleResult):
    """Suggestions for one article, ranked candidates (the suggested tags first, then the
    runners-up by score) and the model that made them."""

    candidates: list[CandidateOut]
    model: ModelInfo


class BatchResponse(BaseModel):
    """Suggestions for each article of a batch, in request order, and the model that made them."""

    results: list[ArticleResult]
    model: ModelInfo


class FeedbackRequest(_Strict):
    """An editor's decision on the tags suggested for one article: which were kept, which
    removed and which added. It is stored for retraining; every tag must be one of the model's."""

    article_id: Text | None = Field(None, max_length=MAX_ID_CHARS)
    title: Text = ""
    text: Text = _text_field("Article body, not blank.")
    accepted: list[Text] = Field([], description="Suggested tags the editor kept.")
    rejected: list[Text] = Field([], description="Suggested tags the editor removed.")
    added: list[Text] = Field([], description="Tags of the model's tag set the editor added.")

    _text = field_validator("text")(_not_blank)


class FeedbackResponse(BaseModel):
    """The stored feedback: its row id, the article's id and the model that was serving."""

    id: int = Field(..., description="Row id in the feedback database.")
    article_id: str | None
    model: ModelInfo


class HealthResponse(BaseModel):
    """Server status: "ok" once the model is loaded, "degraded" while it answers slower or with
    less than it should (an NER worker replaced: `problems` says what); `entities` and
    `feedback` say whether entity extraction and /v1/feedback are available."""

    status: Literal["ok", "degraded"]
    model: ModelInfo
    entities: bool
    feedback: bool
    problems: list[str] = Field([], description="What degrades the service, if anything.")


class ErrorBody(BaseModel):
    """What went wrong: a stable code (E413 body too large, E422 invalid request...) and a
    one-line message."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody
