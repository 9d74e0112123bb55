"""The package's shape: parts in folders, small modules, a CLI that starts without the heavy
libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tagger"
MAX_TOP_LEVEL_MODULES = 8  # besides __init__/__main__ and the subpackages
MAX_MODULE_LINES = 400


def test_top_level_holds_few_modules_and_the_parts_are_folders() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert {"text", "corpus", "model", "entities", "retag", "cli", "api"} <= parts


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_cli_import_loads_neither_sklearn_nor_spacy() -> None:
    code = (
        "import sys, tagger.cli.app\n"
        "heavy = sorted(m for m in ('sklearn', 'spacy', 'scipy', 'fastapi', 'dask')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_models_list_reads_manifests_without_sklearn(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "manifest.json").write_text('{"name": "b", "tags": ["x"], "schema_version": 3}')
    code = (
        "import sys\n"
        "from tagger.cli.app import main\n"
        f"sys.argv = ['tagger', 'models', 'list', '--dir', {str(tmp_path)!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('sklearn' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert '"name": "b"' in result.stdout, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "False"
