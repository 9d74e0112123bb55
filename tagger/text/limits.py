"""Input checks and text cleanup applied before anything else sees a draft."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from tagger.errors import InputError

DEFAULT_MAX_BYTES = 1_000_000


def decode_input(data: bytes, source: str) -> str:
    """Bytes from a file or stdin -> text; binary or non-UTF-8 input is a one-line error."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{source}: binary data, expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-encode as UTF-8"
        ) from None


def check_text(text: str, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse text that is empty or larger than the configured limit."""
    if not text.strip():
        raise InputError(f"{source}: empty text")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise InputError(
            f"{source}: text is {size:,} bytes, over the limit of {max_bytes:,} "
            "(raise it with --max-bytes / TAGGER_MAX_BYTES)"
        )


def clean_text(text: str) -> str:
    """Unicode NFC, no control characters, normalized line ends; offsets refer to this text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def find_lone_surrogate(value: Any) -> str | None:
    """Where a lone surrogate (U+D800-U+DFFF, e.g. from a JSON escape "\\ud800") sits in a
    string or a decoded JSON value: "" for the string itself, "title", "tags[2]",
    "meta.author"..., or None when there is none. Such text cannot be written as UTF-8, so
    everything that takes text from outside checks it. Iterative, so any nesting depth works."""
    # Each stack entry keeps a link to its parent's path; the path is spelled out only on a hit.
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return _spell_path(path)
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return _spell_path((path, key.encode("utf-8", "backslashreplace").decode()))
                stack.append((child, (path, key)))
        elif isinstance(item, list | tuple):
            stack.extend((child, (path, i)) for i, child in enumerate(item))
    return None


def _spell_path(path: tuple[Any, ...]) -> str:
    keys: list[Any] = []
    while path:
        path, key = path
        keys.append(key)
    spelled = ""
    for key in reversed(keys[-12:]):  # the outermost dozen levels are enough to find it
        spelled += f"[{key}]" if isinstance(key, int) else f".{key}"
    return spelled.lstrip(".") + ("..." if len(keys) > 12 else "")


def check_no_surrogates(value: Any, source: str) -> None:
    """Refuse text (or a decoded JSON value) holding a lone surrogate: InputError naming where."""
    where = find_lone_surrogate(value)
    if where is not None:
        field = f" in '{where}'" if where else ""
        raise InputError(
            f"{source}: invalid Unicode{field} (a lone surrogate such as \\ud800, which no "
            "UTF-8 text can hold); fix the text"
        )


def replace_surrogates(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD (for names, not for content)."""
    return _SURROGATE.sub("\ufffd", text)
