"""`tagger entities`: organizations, people, places and report titles, no model bundle needed."""

from __future__ import annotations

import json
import sys

import typer

from tagger.cli.common import fail, handle_errors, out
from tagger.cli.render import print_entities
from tagger.text.limits import DEFAULT_MAX_BYTES


@handle_errors
def entities_command(
    inputs: list[str] = typer.Argument(None, help="Draft files (.txt, .html, .jsonl) or '-'."),
    spacy_model: str | None = typer.Option(
        None, envvar="TAGGER_SPACY_MODEL", help="spaCy pipeline name or path."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines: one object per article."),
    max_bytes: int = typer.Option(
        DEFAULT_MAX_BYTES, envvar="TAGGER_MAX_BYTES", help="Refuse drafts larger than this."
    ),
) -> None:
    """Extract entities: organizations, people, places and report/publication titles.

    Acronyms are joined to their long forms (MIT = Massachusetts Institute of Technology).
    HTML and site boilerplate are removed first; offsets index the returned "text".
    Example: tagger entities --json draft.txt
    """
    from tagger.entities.extract import EntityExtractor
    from tagger.entities.pipeline import resolve_model
    from tagger.inputs import read_drafts
    from tagger.pipeline import clean_article
    from tagger.types import entity_to_dict

    paths = inputs or []
    if not paths:
        if sys.stdin.isatty():
            raise fail("give draft files, or '-' to read a draft from stdin")
        paths = ["-"]
    stdin_bytes = sys.stdin.buffer.read() if "-" in paths else None
    articles = [clean_article(a) for a in read_drafts(paths, stdin_bytes, max_bytes)]
    extractor = EntityExtractor(resolve_model(spacy_model))
    texts = [a.full_text for a in articles]
    for article, text, entities in zip(
        articles, texts, extractor.extract_batch(texts), strict=True
    ):
        if as_json:
            row = {
                "id": article.id,
                "entities": [entity_to_dict(e) for e in entities],
                "text": text,
            }
            sys.stdout.write(json.dumps(row) + "\n")
        else:
            out.print(f"[bold]{article.title or article.id}[/]")
            print_entities(entities)
