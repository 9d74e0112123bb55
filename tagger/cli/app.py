"""The `tagger` command. Heavy libraries are imported inside commands so `--help` stays fast."""

from __future__ import annotations

import typer

from tagger import __version__
from tagger.cli import clean, corpus, entities, evaluate, models, retag, serve, suggest, train

app = typer.Typer(
    name="tagger",
    help=(
        "Learn a publisher's tagging from a labeled corpus and suggest tags for new articles.\n\n"
        "Typical flow: `tagger train corpus/ --out models/default`, then "
        "`tagger suggest draft.txt`, `tagger evaluate --model models/default test.jsonl`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tagger {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """tagger: topic tags for news-digest articles."""


app.command("train")(train.train_command)
app.command("suggest")(suggest.suggest_command)
app.command("evaluate")(evaluate.evaluate_command)
app.command("entities")(entities.entities_command)
app.command("retag")(retag.retag_command)
app.command("report")(retag.report_command)
app.command("serve")(serve.serve_command)
app.command("clean")(clean.clean_command)
app.add_typer(corpus.app, name="corpus")
app.add_typer(models.app, name="models")


def main() -> None:
    """The `tagger` console script."""
    app()
