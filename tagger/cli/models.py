"""`tagger models ...`: list and inspect trained bundles."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tagger.cli.common import handle_errors, out

app = typer.Typer(help="List and inspect trained model bundles.", no_args_is_help=True)


@app.command("list")
@handle_errors
def list_command(
    root: Path = typer.Option(Path("models"), "--dir", help="Folder holding bundles."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every bundle under the models folder with its tags and cross-validated scores."""
    from rich.table import Table

    from tagger.model.manifest import list_bundles

    rows = list_bundles(root)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        out.print(f"No model bundles in {root}/ (train one with `tagger train`).")
        return
    table = Table(show_edge=False)
    for col in ("name", "created", "tags", "articles", "cv micro-F1", "cv macro-F1"):
        table.add_column(col)
    for r in rows:
        if "error" in r:
            table.add_row(r["name"], f"[red]{r['error']}[/]", "", "", "", "")
            continue
        cv = (r.get("metrics") or {}).get("cross_validation") or {}
        table.add_row(
            r["name"],
            str(r.get("created", "")),
            str(len(r.get("tags", []))),
            str((r.get("corpus") or {}).get("n_articles", "")),
            str(cv.get("micro_f1", "")),
            str(cv.get("macro_f1", "")),
        )
    out.print(table)


@app.command("show")
@handle_errors
def show_command(
    name: str = typer.Argument(..., help="Bundle name under --dir, or a bundle path."),
    root: Path = typer.Option(Path("models"), "--dir", help="Folder holding bundles."),
) -> None:
    """Print a bundle's manifest (JSON): versions, tags, training settings, metrics, checksums."""
    from tagger.model.manifest import read_manifest

    path = Path(name) if Path(name).is_dir() else root / name
    out.print_json(json.dumps(read_manifest(path)))
