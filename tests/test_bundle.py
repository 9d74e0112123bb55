from __future__ import annotations

import json
from pathlib import Path

import pytest

import tagger.model.bundle as bundle_mod
from tagger.errors import BundleError
from tagger.model.bundle import ARTIFACT, MANIFEST, load_bundle, save_bundle
from tagger.training import TrainConfig, train
from tagger.types import Article


@pytest.fixture
def bundle_dir(tiny_articles: list[Article], tmp_path: Path) -> Path:
    model = train(tiny_articles, TrainConfig(folds=3)).model
    return save_bundle(model, tmp_path / "m", {"training": {"folds": 3}})


def test_manifest_records_versions_tags_and_checksum(bundle_dir: Path) -> None:
    manifest = json.loads((bundle_dir / MANIFEST).read_text())
    assert manifest["schema_version"] == bundle_mod.SCHEMA_VERSION
    assert set(manifest["versions"]) >= {"tagger", "python", "scikit-learn", "spacy"}
    assert manifest["tags"] == ["manufacturing", "regions", "venture-capital"]
    assert len(manifest["artifacts"][ARTIFACT]["sha256"]) == 64


def test_truncated_artifact_is_refused(bundle_dir: Path) -> None:
    data = (bundle_dir / ARTIFACT).read_bytes()
    (bundle_dir / ARTIFACT).write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleError, match="checksum mismatch"):
        load_bundle(bundle_dir)


def test_older_schema_and_other_sklearn_are_refused(bundle_dir: Path) -> None:
    path = bundle_dir / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "schema_version": 0}))
    with pytest.raises(BundleError, match=r"schema version 0"):
        load_bundle(bundle_dir)
    manifest["versions"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=r"scikit-learn 0\.24\.2"):
        load_bundle(bundle_dir)


def test_missing_and_garbled_bundles(tmp_path: Path, bundle_dir: Path) -> None:
    with pytest.raises(BundleError, match="no such model"):
        load_bundle(tmp_path / "absent")
    (bundle_dir / MANIFEST).write_text("{not json")
    with pytest.raises(BundleError, match="corrupted manifest"):
        load_bundle(bundle_dir)


def test_failed_write_leaves_no_partial_bundle_and_keeps_the_old_one(
    bundle_dir: Path, tiny_articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    import joblib

    model = train(tiny_articles, TrainConfig(folds=3)).model
    before = sorted(p.name for p in bundle_dir.parent.iterdir())

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(joblib, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_bundle(model, bundle_dir, {})
    assert sorted(p.name for p in bundle_dir.parent.iterdir()) == before
    load_bundle(bundle_dir)  # the previous bundle is intact
