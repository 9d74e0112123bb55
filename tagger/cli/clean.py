"""`tagger clean`: show what the model reads in a draft (headline and article text)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from tagger.cli.common import fail, handle_errors, out
from tagger.errors import InputError
from tagger.text.clean import clean_draft
from tagger.text.limits import DEFAULT_MAX_BYTES, check_text, decode_input


@handle_errors
def clean_command(
    draft: str = typer.Argument(..., help="A draft file (text, HTML or Markdown) or '-'."),
    title: str = typer.Option("", help="The draft's title, when it comes apart from the text."),
    model: Path | None = typer.Option(
        None, "--model", "-m", help="Also strip the boilerplate this model bundle learned."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="JSON: title, text, kind, and what was removed and why."
    ),
    max_bytes: int = typer.Option(
        DEFAULT_MAX_BYTES, envvar="TAGGER_MAX_BYTES", help="Refuse drafts larger than this."
    ),
) -> None:
    """Print a draft as the model reads it: the headline, a blank line, the article text.

    Markup, site chrome (menus, promos, share lines, related lists, footers) and, with --model,
    the publisher's learned boilerplate are removed. Example: tagger clean --json page.html
    """
    if draft == "-":
        if sys.stdin.isatty():
            raise fail("give a draft file, or '-' and the draft on stdin")
        data, source = sys.stdin.buffer.read(), "stdin"
    else:
        try:
            data, source = Path(draft).read_bytes(), draft
        except FileNotFoundError:
            raise InputError(f"{draft}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{draft}: is a directory") from None
    text = decode_input(data, source)
    check_text(text, source, max_bytes)
    result = clean_draft(text, title, _learned(model) if model is not None else ())
    if not result.full_text.strip():
        raise InputError(f"{source}: no article text left after removing markup and boilerplate")
    if as_json:
        removed = [{"text": r.text, "reason": r.reason} for r in result.removed]
        row = {"title": result.title, "text": result.text, "kind": result.kind, "removed": removed}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        out.print(result.full_text, markup=False)


def _learned(path: Path) -> tuple[str, ...]:
    from tagger.model.bundle import load_bundle

    return tuple(getattr(load_bundle(path).model, "boilerplate", ()))
