"""Model bundles: a directory with manifest.json and the joblib artifact, written atomically.

joblib files are pickles: only load bundles from paths the user named, never from request input.
Loading checks the schema version, the artifact's sha256 and the library versions the pickle
depends on, and refuses with a clear message when any of them does not fit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tagger import __version__
from tagger.errors import BundleError
from tagger.model.manifest import (
    ARTIFACT,
    MANIFEST,
    SCHEMA_VERSION,
    check_compatible,
    environment_versions,
    read_manifest,
    sha256_file,
)
from tagger.model.tagmodel import TagModel

__all__ = ["ARTIFACT", "MANIFEST", "SCHEMA_VERSION", "Bundle", "load_bundle", "save_bundle"]


@dataclass
class Bundle:
    """A loaded bundle: where it is, its manifest and the trained model."""

    path: Path
    manifest: dict[str, Any]
    model: TagModel

    @property
    def name(self) -> str:
        """The bundle's name (from its manifest, else its folder)."""
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


def load_bundle(path: Path | str) -> Bundle:
    """Load and verify a bundle; every failure is a BundleError with a one-line reason."""
    import joblib

    path = Path(path)
    manifest = read_manifest(path)
    check_compatible(path, manifest)
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
