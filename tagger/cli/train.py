"""`tagger train`: fit a model on labeled corpora and save it as a bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tagger.cli.common import (
    DEFAULT_MODEL,
    JOBS_HELP,
    WORKERS_ALIAS_HELP,
    err,
    handle_errors,
    out,
    progress_display,
    resolve_jobs,
)
from tagger.types import Article

if TYPE_CHECKING:  # training imports scikit-learn; `tagger --help` must stay fast
    from tagger.text.boilerplate import LearnedBoilerplate
    from tagger.training import TrainConfig


@handle_errors
def train_command(
    corpus: list[Path] = typer.Argument(
        ..., help="Corpus files or folders (.jsonl, .csv, digest .txt folders, Reuters .sgm)."
    ),
    out_dir: Path = typer.Option(
        DEFAULT_MODEL,
        "--out",
        "-o",
        help="Bundle folder to write; an existing one is replaced only if it is a model bundle.",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="--out is a folder of other files: write the bundle's two files into it "
        "(nothing else in it is deleted or changed).",
    ),
    tags_field: str = typer.Option("tags", help="Record field holding the tags (e.g. places)."),
    folds: int = typer.Option(5, min=2, help="Cross-validation folds for thresholds."),
    seed: int = typer.Option(
        0, help="Random seed; with --jobs 1 a fixed seed gives exactly the same model."
    ),
    kind: str = typer.Option("svc", help="Classifier kind: svc (LinearSVC) or logreg."),
    svm_c: float = typer.Option(
        1.0, "--svm-c", help="The linear model's C: larger fits the training tags harder."
    ),
    min_tag_docs: int = typer.Option(2, min=1, help="Drop tags used by fewer articles."),
    prefix_length: int = typer.Option(5, min=0, help="Word-prefix features length (0: off)."),
    jobs: int = typer.Option(-1, "--jobs", "-j", help=JOBS_HELP),
    workers: int | None = typer.Option(None, "--workers", hidden=True, help=WORKERS_ALIAS_HELP),
    skip_invalid: bool = typer.Option(False, help="Skip and count invalid records."),
    feedback: Path | None = typer.Option(
        None,
        "--feedback",
        help="Editors' feedback database (from `tagger serve`): accepted and added tags "
        "become training tags, rejected tags negatives for their article.",
    ),
    gazetteer: bool = typer.Option(
        False,
        "--gazetteer/--no-gazetteer",
        help="Also learn the organization names the archive keeps naming (runs spaCy over "
        "every article: slower) and find them in drafts.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the training report as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Train a tagger on labeled articles and save the bundle (default models/default).

    Thresholds per tag are fitted on cross-validated scores; articles where no tag clears its
    threshold get their best tag. Example: tagger train corpus/ --out models/default
    (add --feedback feedback.db to learn from editors' decisions recorded by `tagger serve`)
    """
    from tagger.corpus import ReadStats, corpus_checksum, read_corpus
    from tagger.model.bundle import check_out, save_bundle
    from tagger.model.classifier import ClassifierConfig
    from tagger.model.features import FeatureConfig
    from tagger.training import TrainConfig, train

    n_jobs = resolve_jobs(jobs, workers)
    # Checked before the corpus is read: a wrong --kind or --svm-c fails at once.
    classifier = ClassifierConfig(kind=kind, C=svm_c, seed=seed, n_jobs=n_jobs)
    stats = ReadStats()
    articles = list(read_corpus(corpus, tags_field, skip_invalid, stats))
    feedback_info = None
    if feedback is not None:
        articles, feedback_info = _apply_feedback(articles, feedback)
    check_out(out_dir, force)  # before training: never after minutes of work, never data loss
    config = TrainConfig(
        features=FeatureConfig(prefix_length=prefix_length),
        classifier=classifier,
        folds=folds,
        min_tag_docs=min_tag_docs,
        tags_field=tags_field,
    )
    articles, learned = _learn_boilerplate(articles)
    with progress_display(quiet or as_json) as progress:
        result = train(articles, config, progress)
    result.model.boilerplate = learned.keys
    corpus_info = {
        "paths": [str(p) for p in corpus],
        "sha256": corpus_checksum(articles),
        "n_articles": len(articles),
        "skipped_invalid": stats.skipped,
    }
    info = _manifest_info(config, corpus_info, feedback_info, result.report)
    info["boilerplate"] = learned.to_dict()
    if gazetteer:
        info["gazetteer"] = _learn_gazetteer(result.model, articles)
    path = save_bundle(result.model, out_dir, info, force=force)
    report = {"bundle": str(path), **result.report, "skipped_invalid": stats.skipped}
    if feedback_info is not None:
        report["feedback"] = feedback_info
    if as_json:
        out.print_json(json.dumps(report))
    else:
        _print_summary(report)


def _learn_gazetteer(model: Any, articles: list[Article]) -> dict[str, Any]:
    """Store the archive's organization names in the model; what the manifest records."""
    from tagger.entities.gazetteer import learn_gazetteer
    from tagger.entities.pipeline import resolve_model
    from tagger.pipeline import clean_article

    spacy_model = resolve_model(None)
    texts = [clean_article(a).full_text for a in articles]  # as drafts are read
    model.gazetteer = learn_gazetteer(texts, spacy_model)
    return {
        "names": len(model.gazetteer),
        "spacy_model": spacy_model,
        "examples": list(model.gazetteer[:20]),
    }


def _manifest_info(
    config: TrainConfig,
    corpus: dict[str, Any],
    feedback: dict[str, Any] | None,
    report: dict[str, Any],
) -> dict[str, Any]:
    """What the bundle's manifest records about how it was trained."""
    return {
        "training": config.to_dict(),
        "corpus": corpus,
        "feedback": feedback,
        "metrics": {"cross_validation": report["cv_metrics"]},
        "report": {k: v for k, v in report.items() if k != "cv_metrics"},
        "spacy_model": _spacy_model_info(),
    }


def _print_summary(report: dict[str, Any]) -> None:
    cv = report["cv_metrics"]
    skipped = report["skipped_invalid"]
    err.print(
        f"Trained on {report['n_articles_used']} articles, {report['n_tags']} tags "
        f"in {report['train_seconds']} s"
        + (f" ({skipped} invalid records skipped)" if skipped else "")
    )
    err.print(
        f"Cross-validated ({report['folds']} folds): micro-F1 {cv['micro_f1']:.3f}  "
        f"macro-F1 {cv['macro_f1']:.3f}  P@1 {cv['precision_at_1']:.3f}"
    )
    feedback = report.get("feedback")
    if feedback is not None:
        err.print(
            f"Feedback: {feedback['records']} records on {feedback['articles']} articles "
            f"({feedback.get('updated_corpus_articles', 0)} corpus articles retagged, "
            f"{feedback.get('new_articles', 0)} added)"
        )
    out.print(f"Saved model bundle: {report['bundle']}")


def _apply_feedback(articles: list[Article], db: Path) -> tuple[list[Article], dict[str, Any]]:
    """The corpus with the editors' decisions applied, and what was used (for the manifest)."""
    from tagger.feedback import apply_feedback, read_feedback

    merged, counts = apply_feedback(articles, read_feedback(db))
    return merged, {"path": str(db), **counts}


def _learn_boilerplate(articles: list[Article]) -> tuple[list[Article], LearnedBoilerplate]:
    """The paragraphs the archive repeats (promos, signatures, disclaimers), and the articles
    without them: the model learns from what suggestions will see."""
    from dataclasses import replace

    from tagger.text.boilerplate import learn_boilerplate, strip_boilerplate

    learned = learn_boilerplate(a.text for a in articles)
    if not learned.keys:
        return articles, learned
    keys = frozenset(learned.keys)
    return [replace(a, text=strip_boilerplate(a.text, keys)) for a in articles], learned


def _spacy_model_info() -> dict[str, str | None] | None:
    """The spaCy pipeline suggestions will use for entities, recorded in the manifest."""
    from tagger.entities.pipeline import model_info, resolve_model
    from tagger.errors import NLPError

    try:
        return model_info(resolve_model())
    except NLPError:
        return None
