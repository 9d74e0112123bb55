"""Model bundles: a directory with manifest.json and the joblib artifact, written atomically.

joblib files are pickles: only load bundles from paths the user named, never from request input.
Loading checks the schema version, the artifact's sha256 and the library versions the pickle
depends on, and refuses with a clear message when any of them does not fit.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tagger import __version__
from tagger.errors import BundleError
from tagger.model import TagModel

SCHEMA_VERSION = 2  # 2: classifier weights stored as (features x labels)
ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment_versions() -> dict[str, str | None]:
    return {
        "tagger": __version__,
        "python": platform.python_version(),
        "scikit-learn": _version("scikit-learn"),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "spacy": _version("spacy"),
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    model: TagModel

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", self.path.name))


def save_bundle(model: TagModel, out: Path, info: dict[str, Any]) -> Path:
    """Write `out/` atomically: build in a temporary sibling folder, then rename into place."""
    import joblib

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        joblib.dump(model, tmp / ARTIFACT, compress=3)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "name": out.name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": environment_versions(),
            "tags": list(model.labels),
            "artifacts": {
                ARTIFACT: {
                    "sha256": sha256_file(tmp / ARTIFACT),
                    "bytes": (tmp / ARTIFACT).stat().st_size,
                }
            },
            **info,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _swap_into_place(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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


def _check_compatible(path: Path, manifest: dict[str, Any]) -> None:
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


def load_bundle(path: Path | str) -> Bundle:
    """Load and verify a bundle; every failure is a BundleError with a one-line reason."""
    import joblib

    path = Path(path)
    manifest = read_manifest(path)
    _check_compatible(path, manifest)
    artifact = path / ARTIFACT
    expected = ((manifest.get("artifacts") or {}).get(ARTIFACT) or {}).get("sha256")
    if not artifact.exists():
        raise BundleError(f"{path}: {ARTIFACT} is missing")
    if expected != sha256_file(artifact):
        raise BundleError(f"{artifact}: checksum mismatch (file truncated or edited); retrain")
    try:
        model = joblib.load(artifact)
    except Exception as exc:  # unpickling can fail in many ways; all mean "unusable"
        raise BundleError(f"{artifact}: cannot load ({type(exc).__name__}: {exc})") from None
    if not isinstance(model, TagModel):
        raise BundleError(f"{artifact}: does not hold a tagger model")
    try:  # a smoke test: an artifact from another tagger version fails here, not per record
        model.predict(["model check"])
    except Exception as exc:
        raise BundleError(
            f"{path}: model is incompatible with tagger {__version__} "
            f"({type(exc).__name__}: {exc}); retrain it"
        ) from None
    return Bundle(path=path, manifest=manifest, model=model)


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
