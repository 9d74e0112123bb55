"""Bundle manifests: reading, schema and version checks, signing, without scikit-learn.

`tagger models list` and the retag settings read manifests only; the model artifact itself is
loaded by `tagger.model.bundle`. Every manifest is checked against the schema below when read,
so a wrong-typed field is one E201 error, never a crash further on. When `TAGGER_BUNDLE_KEY` is
set, bundles are signed (an HMAC-SHA256 of the manifest, which holds the artifact's sha256) and
only bundles signed with that key are loaded: see models/README.md for what that protects.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from tagger import __version__
from tagger.errors import BundleError, ManifestError, SignatureError

# 2: classifier weights stored as (features x labels); 3: classes moved to tagger.model.*
SCHEMA_VERSION = 3
ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"
KEY_ENV = "TAGGER_BUNDLE_KEY"
SIGNATURE_ALG = "hmac-sha256"


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
    """The manifest of the bundle at `path`, checked against the schema (ManifestError, E201,
    for anything that does not fit; BundleError for another schema version)."""
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
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ManifestError(f"{manifest_path}: corrupted manifest ({exc})") from None
    except OSError as exc:
        raise BundleError(f"{manifest_path}: cannot read ({exc.strerror})") from None
    validate_manifest(manifest, manifest_path)
    return manifest  # type: ignore[no-any-return]  # validate_manifest made it a dict


Check = Callable[[Any], bool]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object_of(check: Check) -> Check:
    return lambda v: isinstance(v, dict) and all(check(x) for x in v.values())


def _any(value: Any) -> bool:
    return True


def _plain_file_name(name: str) -> bool:
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name


def _artifact(info: Any) -> bool:
    sha = info.get("sha256") if isinstance(info, dict) else None
    return (
        isinstance(sha, str)
        and len(sha) == 64
        and all(c in "0123456789abcdef" for c in sha)
        and _is_int(info.get("bytes"))
        and info["bytes"] >= 0
    )


def _artifacts(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and ARTIFACT in value
        and all(_plain_file_name(k) and _artifact(v) for k, v in value.items())
    )


def _tags(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(t, str) and t for t in value)
        and len(set(value)) == len(value)
    )


def _or_null(check: Check) -> Check:
    return lambda v: v is None or check(v)


_OBJECT = _object_of(_any)
_SCHEMA: dict[str, tuple[bool, Check, str]] = {
    # field: (required, check, what it must be)
    "name": (False, lambda v: isinstance(v, str), "a string"),
    "created": (False, lambda v: isinstance(v, str), "a string"),
    "versions": (True, _object_of(_or_null(lambda x: isinstance(x, str))), "an object of strings"),
    "tags": (True, _tags, "a non-empty array of distinct non-empty strings"),
    "artifacts": (True, _artifacts, f"an object naming {ARTIFACT} with its sha256 and bytes"),
    "training": (False, _OBJECT, "an object"),
    "corpus": (False, _or_null(_OBJECT), "an object"),
    "feedback": (False, _or_null(_OBJECT), "an object or null"),
    "metrics": (False, _object_of(_OBJECT), "an object of objects"),
    "report": (False, _OBJECT, "an object"),
    "spacy_model": (False, _or_null(_OBJECT), "an object or null"),
    "signature": (
        False,
        lambda v: isinstance(v, dict) and all(isinstance(v.get(k), str) for k in ("alg", "value")),
        "an object with 'alg' and 'value' strings",
    ),
}


def _json_type(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string"}
    names.update({list: "an array", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def validate_manifest(manifest: Any, source: Path | str) -> None:
    """Check a decoded manifest against the schema; the first misfit is a ManifestError."""
    if not isinstance(manifest, dict):
        raise ManifestError(f"{source}: corrupted or foreign bundle (not a JSON object)")
    schema = manifest.get("schema_version")
    if not _is_int(schema):
        raise ManifestError(
            f"{source}: corrupted or foreign bundle ('schema_version' must be a whole number)"
        )
    if schema != SCHEMA_VERSION:
        raise BundleError(
            f"{source}: bundle schema version {schema} is not supported by tagger "
            f"{__version__} (expects {SCHEMA_VERSION}); retrain the model"
        )
    for key, (required, check, what) in _SCHEMA.items():
        if key not in manifest:
            if required:
                raise ManifestError(f"{source}: corrupted or foreign bundle ('{key}' is missing)")
        elif not check(manifest[key]):
            raise ManifestError(
                f"{source}: corrupted or foreign bundle ('{key}' must be {what}, "
                f"got {_json_type(manifest[key])})"
            )


def tagger_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of a folder tagger wrote as a bundle, of any schema version (it may be too
    old to load, but it is recognisably ours), else None. Never raises."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if (
        isinstance(manifest, dict)
        and _is_int(manifest.get("schema_version"))
        and isinstance(manifest.get("artifacts"), dict)
        and isinstance(manifest.get("tags"), list)
    ):
        return manifest
    return None


def bundle_key() -> bytes | None:
    """The signing key from TAGGER_BUNDLE_KEY, None when it is unset or empty."""
    key = os.environ.get(KEY_ENV, "")
    return key.encode("utf-8", "surrogateescape") if key else None


def sign_manifest(manifest: dict[str, Any], key: bytes) -> dict[str, str]:
    """The signature of everything in the manifest but the signature itself (canonical JSON)."""
    body = {k: v for k, v in manifest.items() if k != "signature"}
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return {"alg": SIGNATURE_ALG, "value": hmac.new(key, data.encode(), "sha256").hexdigest()}


def verify_signature(path: Path, manifest: dict[str, Any], key: bytes | None = None) -> None:
    """With a key (TAGGER_BUNDLE_KEY), refuse a bundle that is unsigned or whose manifest was
    changed after it was signed; without one, do nothing."""
    key = key if key is not None else bundle_key()
    if key is None:
        return
    signature = manifest.get("signature")
    if signature is None:
        raise SignatureError(
            f"{path}: the bundle is not signed and {KEY_ENV} is set, so only bundles signed "
            "with that key are loaded; retrain it with the key set"
        )
    expected = sign_manifest(manifest, key)
    if signature.get("alg") != SIGNATURE_ALG or not hmac.compare_digest(
        str(signature.get("value")), expected["value"]
    ):
        raise SignatureError(
            f"{path}: the manifest's signature does not match {KEY_ENV} (changed after it was "
            "signed, or signed with another key); refusing to load it"
        )


def check_compatible(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse a bundle of another schema version or scikit-learn minor version."""
    schema = manifest.get("schema_version")
    if schema != SCHEMA_VERSION:
        raise BundleError(
            f"{path}: bundle schema version {schema} is not supported by tagger {__version__} "
            f"(expects {SCHEMA_VERSION}); retrain the model"
        )
    built = manifest["versions"].get("scikit-learn") or "?"
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
            rows.append({"path": str(child), "name": child.name, **read_manifest(child)})
        except BundleError as exc:
            rows.append({"path": str(child), "name": child.name, "error": exc.message})
    return rows
