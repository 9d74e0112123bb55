"""Editors' feedback on suggestions: stored in SQLite by the HTTP API, read back for training.

A record says, for one article, which suggested tags an editor accepted, which they rejected
and which they added. For training (`tagger train --feedback DB`), the article's tags become
its corpus tags (when the corpus holds the same article, by id or by text) plus the accepted
and added ones, minus the rejected ones; one-vs-rest training then learns every rejected tag as
a negative for that article. When an article got feedback more than once, the latest wins.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tagger.errors import FeedbackError, InputError
from tagger.text.clean import clean_document
from tagger.text.limits import check_no_surrogates
from tagger.types import Article

_CREATE = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    article_id TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    accepted TEXT NOT NULL,
    rejected TEXT NOT NULL,
    added TEXT NOT NULL,
    model TEXT
)
"""
_COLUMNS = "id, created, article_id, title, text, accepted, rejected, added, model"


@dataclass(frozen=True)
class Feedback:
    """One editor decision. Tag lists are JSON arrays in the database; `model` names the
    model (name@version) whose suggestions the editor judged."""

    text: str
    title: str = ""
    article_id: str | None = None
    accepted: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    model: str | None = None
    id: int | None = None
    created: str | None = None


def _unique(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))


def check_feedback(feedback: Feedback, known_tags: Collection[str]) -> Feedback:
    """The record with tags trimmed and de-duplicated; InputError for an empty text, tags the
    model does not know (named), or a tag both rejected and accepted/added."""
    if not feedback.text.strip():
        raise InputError("text: empty text")
    for field in ("text", "title", "article_id", "accepted", "rejected", "added"):
        check_no_surrogates(getattr(feedback, field), field)
    accepted, rejected, added = (
        _unique(feedback.accepted),
        _unique(feedback.rejected),
        _unique(feedback.added),
    )
    unknown = sorted({*accepted, *rejected, *added} - set(known_tags))
    if unknown:
        raise InputError(f"unknown tags (not in the model's tag set): {', '.join(unknown)}")
    both = sorted(set(rejected) & {*accepted, *added})
    if both:
        raise InputError(f"tags both rejected and accepted or added: {', '.join(both)}")
    return replace(feedback, accepted=accepted, rejected=rejected, added=added)


@contextmanager
def _connection(path: Path, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    # closing() closes the connection; `with db` makes the work one transaction (committed on
    # success, rolled back on error).
    with closing(sqlite3.connect(uri, uri=read_only, timeout=10.0)) as db, db:
        yield db


class FeedbackStore:
    """Append-only feedback table. Each call opens its own short connection, so the store can
    be used from several threads; SQLite's WAL journal lets training read while a server
    writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _connection(path) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_CREATE)
        except (OSError, sqlite3.Error) as exc:
            raise FeedbackError(f"{path}: cannot create the feedback database ({exc})") from None

    def add(self, feedback: Feedback) -> int:
        """Store one record; returns its row id."""
        created = feedback.created or datetime.now(UTC).isoformat(timespec="seconds")
        row = (
            created,
            feedback.article_id,
            feedback.title,
            feedback.text,
            json.dumps(list(feedback.accepted)),
            json.dumps(list(feedback.rejected)),
            json.dumps(list(feedback.added)),
            feedback.model,
        )
        try:
            with _connection(self.path) as db:
                cursor = db.execute(
                    f"INSERT INTO feedback ({_COLUMNS.removeprefix('id, ')}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        except sqlite3.Error as exc:
            raise FeedbackError(f"{self.path}: cannot store feedback ({exc})") from None
        return int(cursor.lastrowid or 0)


def read_feedback(path: Path) -> list[Feedback]:
    """Every record of a feedback database, oldest first."""
    if not path.is_file():
        raise FeedbackError(f"{path}: no such feedback database")
    try:
        with _connection(path, read_only=True) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM feedback ORDER BY id").fetchall()
    except sqlite3.Error as exc:
        raise FeedbackError(f"{path}: not a tagger feedback database ({exc})") from None
    return [_record(path, row) for row in rows]


def _tag_list(value: Any) -> tuple[str, ...]:
    tags = json.loads(value) if isinstance(value, str) else None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("a tag column is not a JSON array of strings")
    return tuple(tags)


def _record(path: Path, row: Sequence[Any]) -> Feedback:
    """One database row as a Feedback; FeedbackError naming the row when it is damaged."""
    try:
        if not isinstance(row[4], str) or not isinstance(row[3], str):
            raise ValueError("title or text is not text")
        record = Feedback(
            id=row[0],
            created=row[1],
            article_id=None if row[2] is None else str(row[2]),
            title=row[3],
            text=row[4],
            accepted=_tag_list(row[5]),
            rejected=_tag_list(row[6]),
            added=_tag_list(row[7]),
            model=row[8],
        )
        for field in ("accepted", "rejected", "added"):
            check_no_surrogates(getattr(record, field), field)
    except (ValueError, RecursionError, InputError) as exc:
        reason = exc.message if isinstance(exc, InputError) else str(exc)
        raise FeedbackError(f"{path}: row {row[0]} is damaged ({reason})") from None
    return record


def _text_key(title: str, text: str) -> str:
    """Identity of an article's content, blind to markup and whitespace."""
    cleaned = f"{clean_document(title).text}\n{clean_document(text).text}"
    return hashlib.sha1(" ".join(cleaned.split()).encode("utf-8")).hexdigest()


def apply_feedback(
    articles: Sequence[Article], records: Sequence[Feedback]
) -> tuple[list[Article], dict[str, int]]:
    """Training articles: the corpus with feedback applied, plus the articles only feedback
    knows. Counts say how many records and articles were used and how."""
    latest: dict[str, Feedback] = {}
    for fb in sorted(records, key=lambda r: r.id or 0):
        latest[fb.article_id or _text_key(fb.title, fb.text)] = fb
    by_id = {a.id: i for i, a in enumerate(articles)}
    by_text = {_text_key(a.title, a.text): i for i, a in enumerate(articles)}
    out = list(articles)
    counts: Counter[str] = Counter(records=len(records), articles=len(latest))
    for fb in latest.values():
        index = by_id.get(fb.article_id) if fb.article_id else None
        if index is None:
            index = by_text.get(_text_key(fb.title, fb.text))
        base = out[index] if index is not None else None
        rejected = set(fb.rejected)
        tags = tuple(
            t
            for t in _unique([*(base.tags if base else ()), *fb.accepted, *fb.added])
            if t not in rejected
        )
        title = clean_document(fb.title).text if fb.title else ""
        text = clean_document(fb.text).text
        if base is not None and index is not None:
            out[index] = Article(base.id, title or base.title, text, tags, base.extra)
            counts["updated_corpus_articles"] += 1
        elif tags:
            out.append(Article(fb.article_id or f"feedback-{fb.id}", title, text, tags))
            counts["new_articles"] += 1
        else:
            counts["skipped_without_tags"] += 1
    return out, dict(counts)
