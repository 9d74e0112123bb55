"""Bundles on disk (issue 14, findings 1 and 2): `train --out` never deletes what tagger did not
write; manifests are checked against a schema and, with TAGGER_BUNDLE_KEY, signed."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tagger.errors import BundleError, ManifestError, OutputExistsError, SignatureError
from tagger.model.bundle import ARTIFACT, MANIFEST, check_out, load_bundle, save_bundle
from tagger.model.manifest import KEY_ENV, list_bundles
from tagger.training import TrainConfig, train
from tagger.types import Article

from .conftest import CORPUS, SAMPLE_DRAFT
from .test_cli import assert_user_error, run


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (hidden ones too) with its bytes (None for folders)."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def user_folder(root: Path) -> Path:
    """A folder of a user's own files, nested ones too."""
    root.mkdir(parents=True)
    (root / "notes.md").write_text("my notes\n")
    (root / "data").mkdir()
    (root / "data" / "articles.csv").write_text("id,title,text,tags\n")
    (root / ".hidden").write_text("secret\n")
    return root


FACTORIES = [
    ("a1", "Factory output rises", "The plant added a production line.", ("manufacturing",)),
    ("a2", "New machining plant", "A supplier opened a factory for parts.", ("manufacturing",)),
    ("a3", "Seed fund closes", "Venture investors closed a seed fund.", ("venture-capital",)),
    ("a4", "Startups raise money", "Venture capital firms led a round.", ("venture-capital",)),
]
BROADBAND = [
    ("b1", "Broadband grants", "The state funds rural broadband lines.", ("broadband",)),
    ("b2", "Fiber for towns", "Broadband fiber reaches rural towns.", ("broadband",)),
    ("b3", "Tax credits", "Lawmakers passed a tax credit for research.", ("tax",)),
    ("b4", "Credit extended", "The research tax credit was extended.", ("tax",)),
]


def tiny_bundle(out: Path, rows: list[tuple[str, str, str, tuple[str, ...]]]) -> Path:
    """A bundle trained in a moment on four articles."""
    model = train([Article(*r) for r in rows], TrainConfig(folds=2)).model
    return save_bundle(model, out, {"training": {}})


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_bundle(tmp_path_factory.mktemp("tiny") / "m", FACTORIES)


@pytest.fixture
def bundle(tiny_model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(tiny_model, tmp_path / "bundle"))


# --- finding 1: `train --out` -------------------------------------------------------------


def test_train_out_on_a_folder_of_user_files_leaves_every_file(tmp_path: Path) -> None:
    folder = user_folder(tmp_path / "mine")
    before = snapshot(tmp_path)
    code, out, err = run("train", str(CORPUS), "--out", str(folder), "--quiet")
    assert_user_error(code, out, err, "not a model bundle (.hidden, data, notes.md)")
    assert "[E203]" in err and "--force" in err
    assert snapshot(tmp_path) == before


def test_train_out_on_the_corpus_itself_or_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    before = snapshot(tmp_path)
    code, out, err = run("train", str(corpus), "--out", str(corpus), "--quiet")
    assert_user_error(code, out, err, "not a model bundle")
    monkeypatch.chdir(corpus)
    code, out, err = run("train", ".", "--out", ".", "--quiet")
    assert_user_error(code, out, err, "not a model bundle")
    assert snapshot(tmp_path) == before


def test_train_out_on_a_file_is_refused_even_with_force(tmp_path: Path) -> None:
    target = tmp_path / "model.txt"
    target.write_text("not a bundle\n")
    for extra in ([], ["--force"]):
        code, out, err = run("train", str(CORPUS), "--out", str(target), "--quiet", *extra)
        assert_user_error(code, out, err, "is a file, not a model bundle")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.txt"]  # no hidden .old copy
    assert target.read_text() == "not a bundle\n"


def test_force_writes_the_bundle_next_to_user_files_and_never_deletes_them(
    tmp_path: Path,
) -> None:
    folder = user_folder(tmp_path / "mine")
    before = snapshot(folder)
    for _ in range(2):  # the second run replaces the bundle files it wrote, and only those
        code, _, err = run("train", str(CORPUS), "--out", str(folder), "--quiet", "--force")
        assert code == 0, err
        now = snapshot(folder)
        assert {k: v for k, v in now.items() if k in before} == before
        assert set(now) - set(before) == {MANIFEST, ARTIFACT}
        load_bundle(folder)


def test_force_does_not_overwrite_a_manifest_tagger_did_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "webapp"
    folder.mkdir()
    (folder / MANIFEST).write_text('{"name": "my web app", "icons": []}')
    before = snapshot(folder)
    with pytest.raises(OutputExistsError, match="tagger did not write"):
        check_out(folder, force=True)
    code, out, err = run("train", str(CORPUS), "--out", str(folder), "--quiet", "--force")
    assert_user_error(code, out, err, "tagger did not write")
    assert snapshot(folder) == before


def test_a_bundle_an_empty_folder_or_nothing_may_be_replaced(bundle: Path, tmp_path: Path) -> None:
    assert check_out(bundle) == "replace"
    assert check_out(tmp_path / "absent") == "replace"
    (tmp_path / "empty").mkdir()
    assert check_out(tmp_path / "empty") == "replace"
    (bundle / "NOTES.md").write_text("about this model\n")
    with pytest.raises(OutputExistsError, match=r"a model bundle with other files in it \(NOTES"):
        check_out(bundle)
    assert check_out(bundle, force=True) == "into"
    (tmp_path / "link").symlink_to(bundle)
    with pytest.raises(OutputExistsError, match="symbolic link"):
        check_out(tmp_path / "link")


def test_retraining_replaces_a_bundle(tmp_path: Path) -> None:
    out_dir = tmp_path / "models" / "default"
    for _ in range(2):
        code, _, err = run("train", str(CORPUS), "--out", str(out_dir), "--quiet")
        assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [MANIFEST, ARTIFACT]
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["default"]  # no leftovers


# --- finding 2: the manifest schema ---------------------------------------------------------


def edit_manifest(bundle: Path, **fields: object) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text())
    manifest.update(fields)
    (bundle / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("versions", "1.9.1", "'versions' must be an object of strings, got a string"),
        ("artifacts", "x", "'artifacts' must be an object naming model.joblib"),
        ("artifacts", {ARTIFACT: {"sha256": "0" * 64, "bytes": "9"}}, "'artifacts'"),
        ("artifacts", {"../x": {"sha256": "0" * 64, "bytes": 1}}, "'artifacts'"),
        ("metrics", "oops", "'metrics' must be an object of objects, got a string"),
        ("metrics", {"cross_validation": 0.9}, "'metrics'"),
        ("tags", "x", "'tags' must be a non-empty array"),
        ("tags", ["a", "a"], "'tags'"),
        ("corpus", [1], "'corpus' must be an object"),
        ("name", 7, "'name' must be a string, got a number"),
        ("schema_version", "3", "'schema_version' must be a whole number"),
        ("signature", "abc", "'signature'"),
    ],
)
def test_wrong_typed_manifest_fields_are_one_e201_error(
    bundle: Path, field: str, value: object, needle: str
) -> None:
    edit_manifest(bundle, **{field: value})
    with pytest.raises(ManifestError, match="corrupted or foreign bundle") as caught:
        load_bundle(bundle)
    assert needle in caught.value.message and caught.value.code == "E201"
    code, out, err = run("suggest", "--model", str(bundle), "--no-entities", str(SAMPLE_DRAFT))
    assert_user_error(code, out, err, "[E201]")
    [row] = list_bundles(bundle.parent)
    assert "corrupted or foreign bundle" in row["error"]
    code, out, err = run("models", "list", "--dir", str(bundle.parent))
    assert code == 0 and "Traceback" not in out + err and "corrupted" in out


def test_missing_required_fields_and_non_objects(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text())
    for missing in ("versions", "tags", "artifacts"):
        (bundle / MANIFEST).write_text(
            json.dumps({k: v for k, v in manifest.items() if k != missing})
        )
        with pytest.raises(ManifestError, match=f"'{missing}' is missing"):
            load_bundle(bundle)
    for text in ("[]", '"manifest"', "null", "[" * 100_000):
        (bundle / MANIFEST).write_text(text)
        with pytest.raises(ManifestError):
            load_bundle(bundle)


def test_manifest_tags_must_be_the_models(bundle: Path) -> None:
    edit_manifest(bundle, tags=["a", "b"])
    with pytest.raises(BundleError, match="tags are not the model's"):
        load_bundle(bundle)


# --- finding 2: the signature ---------------------------------------------------------------


def replace_artifact(bundle: Path, source: Path) -> None:
    """What an attacker who can write the folder does: swap the artifact, fix the checksum."""
    shutil.copyfile(source / ARTIFACT, bundle / ARTIFACT)
    data = (bundle / ARTIFACT).read_bytes()
    edit_manifest(
        bundle,
        artifacts={ARTIFACT: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}},
    )


def test_without_a_key_only_accidents_are_caught(bundle: Path, tmp_path: Path) -> None:
    other = tiny_bundle(tmp_path / "other", BROADBAND)
    replace_artifact(bundle, other)
    edit_manifest(bundle, tags=json.loads((other / MANIFEST).read_text())["tags"])
    assert load_bundle(bundle).model.labels == ["broadband", "tax"]  # documented limitation


def test_with_a_key_bundles_are_signed_and_tampering_is_refused_before_unpickling(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "correct horse battery staple")
    signed = tiny_bundle(tmp_path / "signed", BROADBAND)
    manifest = json.loads((signed / MANIFEST).read_text())
    assert manifest["signature"]["alg"] == "hmac-sha256"
    load_bundle(signed)
    monkeypatch.setenv(KEY_ENV, "")  # no key: the signature is not checked
    load_bundle(signed)
    monkeypatch.setenv(KEY_ENV, "correct horse battery staple")

    import joblib

    def must_not_unpickle(*args: object, **kwargs: object) -> None:
        raise AssertionError("a refused bundle must not be unpickled")

    victim = Path(shutil.copytree(signed, tmp_path / "victim"))
    replace_artifact(victim, tiny_model)
    monkeypatch.setattr(joblib, "load", must_not_unpickle)
    with pytest.raises(SignatureError, match="signature does not match") as caught:
        load_bundle(victim)
    assert caught.value.code == "E202"
    edit_manifest(victim, signature=manifest["signature"], metrics={"cv": {"micro_f1": 1.0}})
    with pytest.raises(SignatureError, match="signature does not match"):
        load_bundle(victim)
    monkeypatch.setenv(KEY_ENV, "another key")
    with pytest.raises(SignatureError, match="signature does not match"):
        load_bundle(signed)


def test_with_a_key_unsigned_bundles_are_refused(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "k")
    with pytest.raises(SignatureError, match="not signed"):
        load_bundle(bundle)
    code, out, err = run("suggest", "--model", str(bundle), "--no-entities", str(SAMPLE_DRAFT))
    assert_user_error(code, out, err, "[E202]")
