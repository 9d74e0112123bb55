"""Input checks and text cleanup applied before anything else sees a draft."""

from __future__ import annotations

import unicodedata

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
