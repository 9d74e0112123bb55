"""`tagger evaluate`: multi-label metrics for a model on labeled articles, or cross-validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from tagger.cli.common import (
    DEFAULT_MODEL,
    JOBS_HELP,
    err,
    fail,
    handle_errors,
    out,
    progress_display,
    resolve_jobs,
)


@handle_errors
def evaluate_command(
    corpus: list[Path] = typer.Argument(..., help="Labeled corpus files or folders."),
    model: Path = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model bundle to evaluate."),
    cv: bool = typer.Option(
        False, "--cv", help="Instead of a model: cross-validate training on the corpus."
    ),
    split_date: str | None = typer.Option(
        None,
        "--split-date",
        help="Instead of a model: train on the articles dated before YYYY-MM-DD (a 'date' "
        "field), test on the rest.",
    ),
    folds: int = typer.Option(5, min=2, help="Folds for --cv (and for training's thresholds)."),
    jobs: int = typer.Option(-1, "--jobs", "-j", help=JOBS_HELP + " With --cv."),
    tags_field: str = typer.Option("tags", help="Record field holding the true tags."),
    seed: int = typer.Option(0, help="Seed for --cv folds and training."),
    top: int = typer.Option(30, help="Rows of the per-tag table (by support)."),
    skip_invalid: bool = typer.Option(False, help="Skip and count invalid records."),
    as_json: bool = typer.Option(False, "--json", help="Print all metrics as one JSON object."),
) -> None:
    """Micro/macro/sample F1, precision@1/3 and per-tag precision/recall/F1/support.

    Three ways: a trained --model on labeled articles; --cv: k-fold cross-validation of
    training on the corpus; --split-date: train on older articles, test on newer ones (how a
    newsroom uses a tagger; gold tags never seen in training are dropped and counted, macro-F1
    is over the tags in the test gold). Tags match across spellings (Open Data = open-data).

    Examples: tagger evaluate --model models/reuters test.jsonl  |  tagger evaluate --cv corpus/
    |  tagger evaluate --split-date 2017-01-01 --tags-field topics site/content/news
    """
    from tagger.corpus import ReadStats, read_corpus

    stats = ReadStats()
    articles = list(read_corpus(corpus, tags_field, skip_invalid, stats))
    if not articles:
        raise fail("no articles to evaluate")
    if not any(a.tags for a in articles):
        raise fail(f"no article has tags in '{tags_field}': evaluating needs the true tags")
    if cv and split_date:
        raise fail("give --cv or --split-date, not both")
    if cv or split_date:
        from tagger.model.classifier import ClassifierConfig
        from tagger.training import TrainConfig, cross_validate, time_split

        classifier = ClassifierConfig(seed=seed, n_jobs=resolve_jobs(jobs))
        config = TrainConfig(
            classifier=classifier, folds=folds, min_tag_docs=2, tags_field=tags_field
        )
        with progress_display(as_json) as progress:
            if split_date:
                result = time_split(articles, config, _iso_date(split_date), progress)
            else:
                result = cross_validate(articles, config, folds, progress)
    else:
        from tagger.evaluate import evaluate_model
        from tagger.model.bundle import load_bundle

        result = evaluate_model(load_bundle(model).model, articles)
    result["skipped_invalid"] = stats.skipped
    if as_json:
        out.print_json(json.dumps(result))
    else:
        render(result, top)


def _iso_date(value: str) -> str:
    """YYYY-MM-DD, or a one-line error."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise fail(f"--split-date {value!r}: give a date as YYYY-MM-DD") from None


def render(result: dict[str, Any], top: int) -> None:
    """The summary metrics and the per-tag table (the `top` tags by support)."""
    from rich.table import Table

    summary = Table(show_header=False, show_edge=False, box=None)
    keys = ["n_train", "n_test", "unseen_gold_tags_dropped", "n_docs", "micro_f1"]
    keys += ["micro_precision", "micro_recall", "macro_f1", "samples_f1"]
    for key in [*keys, "precision_at_1", "precision_at_3"]:
        if key in result:
            summary.add_row(key, str(result[key]))
    out.print(summary)
    table = Table(title="per tag (by support)", title_justify="left", show_edge=False)
    for col in ("tag", "precision", "recall", "f1", "support", "predicted"):
        table.add_column(col, justify="left" if col == "tag" else "right")
    rows = sorted(result["per_tag"].items(), key=lambda kv: -kv[1]["support"])
    for tag, m in rows[:top]:
        table.add_row(
            tag,
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            f"{m['f1']:.3f}",
            str(m["support"]),
            str(m["predicted"]),
        )
    out.print(table)
    if len(rows) > top:
        err.print(f"({len(rows) - top} more tags; --top N or --json for all)")
    if result.get("unknown_tags"):
        err.print(
            f"Tags the model does not know (counted as misses): {', '.join(result['unknown_tags'])}"
        )
