"""`tagger train`: fit a model on labeled corpora and save it as a bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from tagger.cli.common import DEFAULT_MODEL, err, handle_errors, out, progress_display


@handle_errors
def train_command(
    corpus: list[Path] = typer.Argument(
        ..., help="Corpus files or folders (.jsonl, .csv, digest .txt folders, Reuters .sgm)."
    ),
    out_dir: Path = typer.Option(DEFAULT_MODEL, "--out", "-o", help="Bundle folder to write."),
    tags_field: str = typer.Option("tags", help="Record field holding the tags (e.g. places)."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds for thresholds."),
    seed: int = typer.Option(0, help="Random seed; a fixed seed gives the same model."),
    kind: str = typer.Option("svc", help="Classifier kind: svc (LinearSVC) or logreg."),
    c: float = typer.Option(
        1.0, "--C", min=1e-6, help="Regularization strength (larger fits harder)."
    ),
    min_tag_docs: int = typer.Option(2, min=1, help="Drop tags used by fewer articles."),
    prefix_length: int = typer.Option(5, min=0, help="Word-prefix features length (0: off)."),
    jobs: int = typer.Option(-1, help="Threads for training (-1: all cores)."),
    skip_invalid: bool = typer.Option(False, help="Skip and count invalid records."),
    as_json: bool = typer.Option(False, "--json", help="Print the training report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Train a tagger on labeled articles and save the bundle (default models/default).

    Thresholds per tag are fitted on cross-validated scores; articles where no tag clears its
    threshold get their best tag. Example: tagger train corpus/ --out models/default
    """
    from tagger.bundle import save_bundle
    from tagger.classifier import ClassifierConfig
    from tagger.corpus import ReadStats, corpus_checksum, read_corpus
    from tagger.features import FeatureConfig
    from tagger.training import TrainConfig, train

    stats = ReadStats()
    articles = list(read_corpus(corpus, tags_field, skip_invalid, stats))
    config = TrainConfig(
        features=FeatureConfig(prefix_length=prefix_length),
        classifier=ClassifierConfig(kind=kind, C=c, seed=seed, n_jobs=jobs),
        folds=folds,
        min_tag_docs=min_tag_docs,
        tags_field=tags_field,
    )
    with progress_display(quiet or as_json) as progress:
        result = train(articles, config, progress)
    info: dict[str, Any] = {
        "training": config.to_dict(),
        "corpus": {
            "paths": [str(p) for p in corpus],
            "sha256": corpus_checksum(articles),
            "n_articles": len(articles),
            "skipped_invalid": stats.skipped,
        },
        "metrics": {"cross_validation": result.report["cv_metrics"]},
        "report": {k: v for k, v in result.report.items() if k != "cv_metrics"},
    }
    info["spacy_model"] = _spacy_model_info()
    path = save_bundle(result.model, out_dir, info)
    report = {"bundle": str(path), **result.report, "skipped_invalid": stats.skipped}
    if as_json:
        out.print_json(json.dumps(report))
        return
    cv = result.report["cv_metrics"]
    err.print(
        f"Trained on {result.report['n_articles_used']} articles, {result.report['n_tags']} tags "
        f"in {result.report['train_seconds']} s"
        + (f" ({stats.skipped} invalid records skipped)" if stats.skipped else "")
    )
    err.print(
        f"Cross-validated ({result.report['folds']} folds): micro-F1 {cv['micro_f1']:.3f}  "
        f"macro-F1 {cv['macro_f1']:.3f}  P@1 {cv['precision_at_1']:.3f}"
    )
    out.print(f"Saved model bundle: {path}")


def _spacy_model_info() -> dict[str, str | None] | None:
    """The spaCy pipeline suggestions will use for entities, recorded in the manifest."""
    from tagger.errors import NLPError
    from tagger.nlp import model_info, resolve_model

    try:
        return model_info(resolve_model())
    except NLPError:
        return None
