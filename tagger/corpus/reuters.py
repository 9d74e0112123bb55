"""Reuters-21578 SGML (`reut2-*.sgm`) with its code lists and the ModApte split.

The files are ASCII except one stray 0xFC byte, so they are read as latin-1. Wire control
characters come as SGML numeric references (`&#3;` ...) and are dropped; `&lt;`/`&amp;` are
unescaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tagger.corpus.common import Record, open_binary
from tagger.errors import CorpusError, InvalidRecord
from tagger.types import Article

CODE_LISTS = ("topics", "places", "people", "orgs", "exchanges")

_DOC = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_D = re.compile(r"<D>(.*?)</D>", re.S)
_CONTROL_REF = re.compile(r"&#(\d+);")
_SIGNATURE = re.compile(r"\s*\b(?:Reuter|REUTER)\s*$")


def _clean(raw: str) -> str:
    def control(m: re.Match[str]) -> str:
        code = int(m.group(1))
        if code < 32 or code == 127:
            return ""
        # As HTML does: a surrogate or a number past Unicode is not a character.
        return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)

    text = html.unescape(_CONTROL_REF.sub(control, raw))
    return text.replace("\r", "")


def _element(body: str, name: str) -> str | None:
    m = re.search(rf"<{name}[^>]*>(.*?)</{name}>", body, re.S)
    return m.group(1) if m else None


def parse_reuters_doc(attrs_src: str, body: str) -> dict[str, Any]:
    """Turn one <REUTERS> element into a plain record (all fields as strings or lists)."""
    attrs = dict(_ATTR.findall(attrs_src))
    record: dict[str, Any] = {"id": attrs.get("NEWID", "")}
    text_el = re.search(r"<TEXT([^>]*)>(.*?)</TEXT>", body, re.S)
    text_type = ""
    title = dateline = text = ""
    if text_el:
        type_m = re.search(r'TYPE="(\w+)"', text_el.group(1))
        text_type = type_m.group(1) if type_m else "NORM"
        inner = text_el.group(2)
        if text_type == "UNPROC":
            text = _clean(inner).strip()
        else:
            title = " ".join(_clean(_element(inner, "TITLE") or "").split())
            dateline = _clean(_element(inner, "DATELINE") or "").strip()
            text = _SIGNATURE.sub("", _clean(_element(inner, "BODY") or "")).strip()
            if text_type == "BRIEF" or text.lower().startswith("blah blah"):
                text = ""
    record["title"] = title
    record["text"] = text
    for name in CODE_LISTS:
        block = _element(body, name.upper()) or ""
        record[name] = list(dict.fromkeys(d.strip() for d in _D.findall(block) if d.strip()))
    record["date"] = (_element(body, "DATE") or "").strip()
    record["dateline"] = dateline
    record["text_type"] = text_type
    record["lewissplit"] = attrs.get("LEWISSPLIT", "")
    record["cgisplit"] = attrs.get("CGISPLIT", "")
    record["topics_attr"] = attrs.get("TOPICS", "")
    return record


def iter_reuters_records(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the raw records of one .sgm file in file order."""
    with open_binary(path) as fh:
        data = fh.read().decode("latin-1")
    for m in _DOC.finditer(data):
        yield parse_reuters_doc(m.group("attrs"), m.group("body"))


def reuters_files(folder: Path) -> list[Path]:
    """The corpus's reut2-*.sgm files (plain, then gzipped) in a folder; CorpusError if none."""
    files = sorted(folder.glob("reut2-*.sgm")) + sorted(folder.glob("reut2-*.sgm.gz"))
    if not files:
        raise CorpusError(f"{folder}: no reut2-*.sgm files here")
    return files


def modapte_split(record: dict[str, Any]) -> str | None:
    """'train', 'test' or None (unused), per Lewis's ModApte definition."""
    if record["topics_attr"] != "YES":
        return None
    return {"TRAIN": "train", "TEST": "test"}.get(record["lewissplit"])


def read_reuters(path: Path, tags_field: str = "tags") -> Iterator[Record]:
    """Yield every Reuters document as an Article; tags come from TOPICS unless named."""
    field = "topics" if tags_field == "tags" else tags_field
    if field not in CODE_LISTS:
        raise CorpusError(
            f"{path}: Reuters has no list field '{tags_field}' ({', '.join(CODE_LISTS)})"
        )
    for record in iter_reuters_records(path):
        if not record["text"] and not record["title"]:
            yield InvalidRecord(str(path), None, f"document {record['id']} has no text")
            continue
        extra = {k: v for k, v in record.items() if k not in ("id", "title", "text", field)}
        yield Article(
            id=record["id"],
            title=record["title"],
            text=record["text"],
            tags=tuple(record[field]),
            extra=extra,
        )
