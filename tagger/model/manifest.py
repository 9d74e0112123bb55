"""Bundle manifests: reading, listing and version checks, without importing scikit-learn.

`tagger models list` and the retag settings read manifests only; the model artifact itself is
loaded by `tagger.model.bundle`.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from tagger import __version__
from tagger.errors import BundleError

# 2: classifier weights stored as (features x labels); 3: classes moved to tagger.model.*
SCHEMA_VERSION = 3
ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment_versions() -> dict[str, str | None]:
    """Versions of tagger, Python and the libraries a saved model depends on."""
    return {
        "tagger": __version__,
        "python": platform.python_version(),
        "scikit-learn": _version("scikit-learn"),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "spacy": _version("spacy"),
    }


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the bundle at `path`, validated for shape only."""
    manifest_path = path / MANIFEST
    if not path.exists():
        raise BundleError(
            f"{path}: no such model; train one with `tagger train CORPUS --out {path}`"
        )
    if not path.is_dir():
        raise BundleError(f"{path}: a model bundle is a directory with {MANIFEST}")
    if not manifest_path.exists():
        raise BundleError(f"{path}: not a model bundle ({MANIFEST} is missing)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{manifest_path}: corrupted manifest ({exc})") from None
    if not isinstance(manifest, dict):
        raise BundleError(f"{manifest_path}: corrupted manifest (not a JSON object)")
    return manifest


def check_compatible(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse a bundle of another schema version or scikit-learn minor version."""
    schema = manifest.get("schema_version")
    if schema != SCHEMA_VERSION:
        raise BundleError(
            f"{path}: bundle schema version {schema} is not supported by tagger {__version__} "
            f"(expects {SCHEMA_VERSION}); retrain the model"
        )
    built = (manifest.get("versions") or {}).get("scikit-learn") or "?"
    here = _version("scikit-learn") or "?"
    if built.split(".")[:2] != here.split(".")[:2]:
        raise BundleError(
            f"{path}: model was trained with scikit-learn {built}, this is {here}; "
            "retrain the model (pickled estimators are not portable across versions)"
        )


def list_bundles(root: Path) -> list[dict[str, Any]]:
    """Manifests of the bundles directly under `root` (unreadable ones reported as errors)."""
    rows: list[dict[str, Any]] = []
    if not root.is_dir():
        return rows
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            rows.append({"path": str(child), **read_manifest(child)})
        except BundleError as exc:
            rows.append({"path": str(child), "name": child.name, "error": exc.message})
    return rows
