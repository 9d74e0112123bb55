"""`tagger corpus ...`: import and inspect corpora."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tagger.cli.common import handle_errors, out

app = typer.Typer(help="Import and inspect corpora.", no_args_is_help=True)


@app.command("import-reuters")
@handle_errors
def import_reuters_command(
    folder: Path = typer.Argument(..., help="Folder holding reut2-*.sgm (Reuters-21578)."),
    out_dir: Path = typer.Argument(..., help="Folder to write train.jsonl and test.jsonl into."),
) -> None:
    """Convert Reuters-21578 SGML to JSON Lines with the ModApte split.

    ModApte: train = LEWISSPLIT TRAIN with TOPICS="YES", test = LEWISSPLIT TEST with
    TOPICS="YES". Tags are TOPICS; places, people, orgs and exchanges are kept as fields
    (train on them with --tags-field places).
    """
    from tagger.corpus.export import import_reuters

    counts = import_reuters(folder, out_dir)
    out.print(
        f"Wrote {out_dir / 'train.jsonl'} ({counts['train']} articles) and "
        f"{out_dir / 'test.jsonl'} ({counts['test']} articles); {counts['unused']} unused"
    )


@app.command("stats")
@handle_errors
def stats_command(
    paths: list[Path] = typer.Argument(..., help="Corpus files or folders."),
    tags_field: str = typer.Option("tags", help="Record field holding the tags."),
    top: int = typer.Option(25, help="Tags to list in the frequency table."),
    min_tag_docs: int = typer.Option(
        2, min=1, help="Tags on fewer documents are listed as too rare to learn."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON."),
) -> None:
    """Documents, tags, tag frequencies, empty/invalid and duplicate documents.

    Tags are counted once per document after merging spelling variants ("Open Data",
    "open_data" and "open-data" are one tag, shown in its most frequent spelling); the merged
    variants and the tags too rare to learn are listed.
    """
    from rich.table import Table

    from tagger.corpus import iter_records
    from tagger.corpus.stats import corpus_stats

    stats = corpus_stats(iter_records(paths, tags_field), min_tag_docs)
    if as_json:
        out.print_json(json.dumps(stats))
        return
    summary = Table(show_header=False, show_edge=False, box=None)
    for key in (
        "documents",
        "invalid_records",
        "distinct_tags",
        "tag_assignments",
        "untagged_documents",
        "mean_words",
        "duplicate_ids",
        "duplicate_texts",
    ):
        summary.add_row(key.replace("_", " "), str(stats[key]))
    per_doc = ", ".join(f"{k}: {v}" for k, v in stats["tags_per_document"].items())
    summary.add_row("tags per document", per_doc)
    out.print(summary)
    table = Table(title="tag frequencies", title_justify="left", show_edge=False)
    table.add_column("tag")
    table.add_column("documents", justify="right")
    for tag, n in list(stats["tag_frequencies"].items())[:top]:
        table.add_row(tag, str(n))
    out.print(table)
    for tag, variants in stats["merged_tag_variants"].items():
        out.print(f"merged: {tag} <- {', '.join(variants)}")
    if stats["rare_tags"]:
        out.print(
            f"too rare to learn (< {min_tag_docs} documents): {', '.join(stats['rare_tags'])}"
        )
    for problem in stats["invalid_examples"]:
        out.print(f"invalid: {problem}")
    for row in stats["repeated_paragraphs"]:
        out.print(f"repeated in {row['articles']} articles: {row['text'][:120]}", markup=False)
