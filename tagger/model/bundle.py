"""Model bundles: a directory with manifest.json and the joblib artifact, written atomically.

joblib files are pickles: only load bundles from paths the user named, never from request input.
Loading checks the manifest's schema (and signature, when TAGGER_BUNDLE_KEY is set), the schema
version, the artifact's sha256 and the library versions the pickle depends on, all before
unpickling, and refuses with a clear message when any of them does not fit.

Saving never deletes what tagger did not write: `out` may be missing, an empty folder or a
tagger bundle holding nothing else (replaced whole); with `force`, a folder of other files gets
the bundle's two files written into it, and nothing else in it is touched.
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
from tagger.errors import BundleError, OutputExistsError
from tagger.model.manifest import (
    ARTIFACT,
    MANIFEST,
    SCHEMA_VERSION,
    bundle_key,
    check_compatible,
    environment_versions,
    read_manifest,
    sha256_file,
    sign_manifest,
    tagger_manifest,
    verify_signature,
)
from tagger.model.tagmodel import TagModel

__all__ = [
    "ARTIFACT",
    "MANIFEST",
    "SCHEMA_VERSION",
    "Bundle",
    "check_out",
    "load_bundle",
    "save_bundle",
]


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


def check_out(out: Path, force: bool = False) -> str:
    """How a bundle may be written at `out`: "replace" (nothing there, an empty folder, or a
    tagger bundle with nothing else in it) or, with `force`, "into" (a folder of other files:
    only manifest.json and model.joblib are written). OutputExistsError for anything else."""
    if not os.path.lexists(out):
        return "replace"
    if out.is_symlink():
        raise OutputExistsError(f"{out}: is a symbolic link; give the folder it points to as --out")
    if not out.is_dir():
        raise OutputExistsError(
            f"{out}: exists and is a file, not a model bundle; tagger does not replace it "
            "(choose another --out)"
        )
    manifest = tagger_manifest(out)
    ours = {MANIFEST, ARTIFACT} | set(manifest["artifacts"] if manifest else ())
    others = sorted(p.name for p in out.iterdir() if p.name not in ours or manifest is None)
    if not others:
        return "replace"
    listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    if not force:
        kind = "a model bundle with other files in it" if manifest else "not a model bundle"
        raise OutputExistsError(
            f"{out}: {kind} ({listed}); choose another --out, or add --force to write the "
            f"bundle's {MANIFEST} and {ARTIFACT} into it (nothing else in it is touched)"
        )
    if manifest is None and ({MANIFEST, ARTIFACT} & set(others)):
        raise OutputExistsError(
            f"{out}: holds a {MANIFEST} or {ARTIFACT} that tagger did not write; tagger will "
            "not overwrite it, even with --force (choose another --out)"
        )
    return "into"


def save_bundle(model: TagModel, out: Path, info: dict[str, Any], force: bool = False) -> Path:
    """Write the bundle `out/` atomically: build it in a temporary folder, then rename it into
    place (see `check_out` for what may be at `out`). Signed when TAGGER_BUNDLE_KEY is set."""
    import joblib

    mode = check_out(out, force)
    out = Path(os.path.abspath(out))  # "a/.." made plain; `out` itself is no link (checked)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        where = out if mode == "into" else out.parent
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=where))
    except OSError as exc:
        raise BundleError(f"{out}: cannot write the bundle ({exc.strerror or exc})") from None
    try:
        joblib.dump(model, tmp / ARTIFACT, compress=3)
        manifest = _manifest(model, out.name, tmp / ARTIFACT, info)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        if mode == "into":
            # The artifact first: between the two renames the old manifest's checksum does
            # not match, so a crash there leaves a bundle that refuses to load, never a mix.
            for name in (ARTIFACT, MANIFEST):
                (tmp / name).replace(out / name)
            tmp.rmdir()
        else:
            _swap_into_place(tmp, out)
    except OSError as exc:  # a full disk, a read-only folder...
        shutil.rmtree(tmp, ignore_errors=True)
        raise BundleError(
            f"{out}: cannot write the bundle ({exc.strerror or exc}); what was there is unchanged"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _manifest(model: TagModel, name: str, artifact: Path, info: dict[str, Any]) -> dict[str, Any]:
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": environment_versions(),
        "tags": list(model.labels),
        "artifacts": {
            ARTIFACT: {"sha256": sha256_file(artifact), "bytes": artifact.stat().st_size}
        },
        **info,
    }
    key = bundle_key()
    if key is not None:
        manifest["signature"] = sign_manifest(manifest, key)
    return manifest


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
    verify_signature(path, manifest)
    check_compatible(path, manifest)
    artifact = path / ARTIFACT
    expected = manifest["artifacts"][ARTIFACT]["sha256"]
    if not artifact.is_file():
        raise BundleError(f"{path}: {ARTIFACT} is missing")
    if expected != sha256_file(artifact):
        raise BundleError(f"{artifact}: checksum mismatch (file truncated or edited); retrain")
    try:
        model = joblib.load(artifact)
    except Exception as exc:  # unpickling can fail in many ways; all mean "unusable"
        raise BundleError(f"{artifact}: cannot load ({type(exc).__name__}: {exc})") from None
    if not isinstance(model, TagModel):
        raise BundleError(f"{artifact}: does not hold a tagger model")
    if list(model.labels) != manifest["tags"]:
        raise BundleError(f"{path}: the manifest's tags are not the model's; retrain it")
    try:  # a smoke test: an artifact from another tagger version fails here, not per record
        model.predict(["model check"])
    except Exception as exc:
        raise BundleError(
            f"{path}: model is incompatible with tagger {__version__} "
            f"({type(exc).__name__}: {exc}); retrain it"
        ) from None
    return Bundle(path=path, manifest=manifest, model=model)
