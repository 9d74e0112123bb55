"""Drafts from files or stdin: plain text, the digest layout, or JSON Lines of articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tagger.corpus import iter_records
from tagger.corpus.common import article_from_mapping
from tagger.corpus.digest import parse_digest
from tagger.errors import InputError, InvalidRecord
from tagger.text.clean import clean_document
from tagger.text.limits import (
    DEFAULT_MAX_BYTES,
    check_no_surrogates,
    check_text,
    decode_input,
    replace_surrogates,
)
from tagger.types import Article


def _looks_like_jsonl(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip().startswith("{")


def articles_from_text(text: str, source: str, max_bytes: int) -> Iterator[Article]:
    """One draft (plain or digest layout), or many if the text is JSON Lines."""
    if not _looks_like_jsonl(text):
        check_text(text, source, max_bytes)
        cleaned = clean_document(text).text
        if not cleaned.strip():
            raise InputError(
                f"{source}: no article text left after removing markup and boilerplate"
            )
        yield parse_digest(cleaned, source)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("expected a JSON object")
            check_no_surrogates(obj, f"{source}:{number}")
            article = article_from_mapping(obj, f"{source}:{number}", "tags")
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}:{number}: malformed JSON ({exc.msg})") from None
        except RecursionError:
            raise InputError(f"{source}:{number}: JSON nested too deeply") from None
        except ValueError as exc:
            raise InputError(f"{source}:{number}: {exc}") from None
        check_text(article.full_text, f"{source}:{number}", max_bytes)
        yield article


def read_drafts(
    paths: list[str], stdin_bytes: bytes | None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article]:
    """Articles from each path ('-' is stdin); corpus files (.jsonl/.csv/.sgm) read as corpora."""
    for raw in paths:
        if raw == "-":
            data = stdin_bytes or b""
            yield from articles_from_text(decode_input(data, "<stdin>"), "stdin", max_bytes)
            continue
        path = Path(raw)
        if path.is_dir() or path.suffix.lower() in (".jsonl", ".ndjson", ".csv", ".sgm", ".gz"):
            yield from _corpus_drafts(path, max_bytes)
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory") from None
        if len(data) > max_bytes * 4:
            raise InputError(
                f"{path}: file is {len(data):,} bytes, over the limit of {max_bytes:,}"
            )
        name = replace_surrogates(path.name.removesuffix(".txt"))  # undecodable file names
        yield from articles_from_text(decode_input(data, str(path)), name, max_bytes)


def _corpus_drafts(path: Path, max_bytes: int) -> Iterator[Article]:
    """The articles of a corpus file or folder given as drafts; none at all is an error."""
    found = False
    for record in iter_records([path]):
        if isinstance(record, InvalidRecord):
            raise InputError(record.message)
        check_text(record.full_text, record.id, max_bytes)
        found = True
        safe_id = replace_surrogates(record.id)  # ids from undecodable file names
        yield record if safe_id == record.id else replace(record, id=safe_id)
    if not found:
        raise InputError(f"{path}: no articles in it (the file is empty)")


def draft_article(
    article_id: str, title: str, text: str, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Article:
    """One draft from an API request; InputError when markup and boilerplate are all it has."""
    check_text(text, source, max_bytes)
    if not clean_document(text).text.strip():
        raise InputError(f"{source}: no article text left after removing markup and boilerplate")
    return Article(article_id, title, text)
