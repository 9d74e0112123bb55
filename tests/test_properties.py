"""Property-based tests (Hypothesis): whatever text, bytes, JSON or manifest comes in, tagger
answers with a result or a TaggerError (a one-line message with a code), never anything else.

Inputs mix any Unicode (lone surrogates, NULs, RTL marks, combining marks, line separators),
markup, JSON escapes and deep nesting. `TAGGER_HYPOTHESIS_EXAMPLES` sets the examples per
property (default 500); the 1 MB cases are explicit tests at the end.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagger.corpus import iter_records, read_corpus
from tagger.errors import BundleError, InputError, TaggerError
from tagger.feedback import Feedback, FeedbackStore, check_feedback, read_feedback
from tagger.inputs import read_drafts
from tagger.model.bundle import MANIFEST, load_bundle, save_bundle
from tagger.model.manifest import list_bundles
from tagger.pipeline import SuggestOptions, Tagger
from tagger.retag.io import Checkpoint
from tagger.text.clean import clean_document
from tagger.text.limits import clean_text, find_lone_surrogate, replace_surrogates
from tagger.training import TrainConfig, train
from tagger.types import Article

from .test_cli import run

EXAMPLES = int(os.environ.get("TAGGER_HYPOTHESIS_EXAMPLES", "500"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a shared 2-core machine: timing is not what these tests are about
    database=None,  # no .hypothesis/ folder in the work tree; failures print a reproducer
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = st.sampled_from(
    [
        "\ud800",  # lone surrogates
        "\udfff",
        "\x00",
        "\u202e",  # right-to-left override
        "\u200f",
        "\ufeff",
        "\u0301",  # a combining mark with nothing to combine with
        "\u2028",
        "\r\n",
        "\r",
        "\t",
        "\U0001f600",
        "مرحبا",
        "שלום",
        "&#55296;",
        "&#99999999;",
        "&amp;",
        "\\ud800",
        '"',
        "\\",
        "<p>",
        "</p>",
        "<script>x</script>",
        "<article><h1>",
        "<!--",
        "]]>",
        "---\n",
        "{{< shortcode >}}",
        "manufacturing, regions",
        "The factory added a production line.",
    ]
)
TEXT = st.lists(
    st.one_of(
        NASTY,
        st.text(max_size=20),
        st.text(alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Mn"]), max_size=5),
    ),
    max_size=25,
).map("".join)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
RECORD = st.fixed_dictionaries(
    {"text": st.one_of(TEXT, JSON)},
    optional={"id": JSON, "title": st.one_of(TEXT, JSON), "tags": JSON, "meta": JSON},
)
DEEP = st.integers(1, 5_000).map(lambda d: "[" * d + "]" * d)


def json_line(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)


LINES = st.one_of(
    st.builds(json_line, st.one_of(RECORD, JSON), st.booleans()),
    DEEP.map(lambda d: '{"text": "x", "deep": ' + d + "}"),
    TEXT,
)


def encode(text: str) -> bytes:
    """Text as a file would hold it; lone surrogates become the invalid UTF-8 (CESU-8) bytes
    some tools write."""
    return text.encode("utf-8", "surrogatepass")


def only_tagger_errors(records: Iterator[Any]) -> list[Any]:
    """The records, or [] when reading stopped with a TaggerError; anything else fails."""
    try:
        return list(records)
    except TaggerError:
        return []


def assert_clean_articles(records: list[Any]) -> None:
    """Every article the readers let through can be written as UTF-8."""
    for r in records:
        if isinstance(r, Article):
            assert find_lone_surrogate([r.id, r.title, r.text, list(r.tags)]) is None


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="tagger-props-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# --- corpus readers and drafts --------------------------------------------------------------

FORMATS = [".jsonl", ".csv", ".txt", ".sgm", ".md", ".jsonl.gz", ".csv.gz", ".md.gz"]
CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.lists(LINES, max_size=8).map(lambda lines: encode("\n".join(lines))),
    st.lists(TEXT, max_size=6).map(lambda parts: encode("\n".join(parts))),
    st.builds(
        lambda meta, body: encode(f"---\n{meta}\n---\n{body}"),
        st.lists(TEXT, max_size=4).map("\n".join),
        TEXT,
    ),
)


@pytest.mark.parametrize("suffix", FORMATS)
@PROPERTY
@given(data=CONTENT, cut=st.floats(0.0, 1.0))
def test_corpus_readers_raise_only_tagger_errors(
    workdir: Path, suffix: str, data: bytes, cut: float
) -> None:
    path = workdir / f"corpus{suffix}"
    if suffix.endswith(".gz"):
        packed = gzip.compress(data)
        data = packed if cut > 0.5 else packed[: int(len(packed) * cut * 2)]  # truncated .gz
    path.write_bytes(data)
    assert_clean_articles(only_tagger_errors(iter_records([path])))
    assert_clean_articles(only_tagger_errors(read_corpus([path], skip_invalid=True)))


@PROPERTY
@given(data=CONTENT)
def test_drafts_from_stdin_raise_only_input_errors(data: bytes) -> None:
    try:
        articles = list(read_drafts(["-"], data))
    except InputError:
        return
    assert articles
    assert_clean_articles(articles)


@PROPERTY
@given(text=TEXT)
def test_cleaning_never_raises(text: str) -> None:
    cleaned = clean_document(text)
    assert isinstance(cleaned.text, str)
    assert isinstance(clean_text(text), str)


# --- suggest_batch --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tagger(digest_model: Path) -> Tagger:
    return Tagger.load(digest_model, entities=False)


@PROPERTY
@given(
    articles=st.lists(st.builds(Article, TEXT, TEXT, TEXT), min_size=1, max_size=4),
    limit=st.one_of(st.none(), st.integers(1, 30)),
    threshold=st.one_of(st.none(), st.floats(0.0, 1.0)),
    evidence=st.booleans(),
)
def test_suggest_batch_answers_every_article(
    tagger: Tagger,
    articles: list[Article],
    limit: int | None,
    threshold: float | None,
    evidence: bool,
) -> None:
    options = SuggestOptions(limit, threshold, entities=False, evidence=evidence)
    try:
        suggestions = tagger.suggest_batch(articles, options)
    except TaggerError:
        return
    assert len(suggestions) == len(articles)
    for s in suggestions:
        assert all(0.0 <= t.score <= 1.0 and t.tag in tagger.tags for t in s.tags)
        assert limit is None or len(s.tags) <= limit


@pytest.fixture(scope="module")
def entity_tagger(digest_model: Path) -> Iterator[Tagger]:
    tagger = Tagger.load(digest_model, entities=True)
    yield tagger
    tagger.close()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(TEXT.map(replace_surrogates), id="no-lone-surrogates"),
        pytest.param(TEXT, id="lone-surrogates"),  # cleaning replaces them
    ],
)
@PROPERTY
@given(data=st.data())
def test_suggest_batch_with_entities_answers_every_article(
    entity_tagger: Tagger, text: st.SearchStrategy[str], data: st.DataObject
) -> None:
    articles = data.draw(st.lists(st.builds(Article, text, text, text), min_size=1, max_size=2))
    try:
        suggestions = entity_tagger.suggest_batch(articles, SuggestOptions(entities=True))
    except TaggerError:
        return
    assert len(suggestions) == len(articles)
    for s in suggestions:
        for entity in s.entities:
            assert all(0 <= a <= b <= len(s.text or "") for a, b in entity.mentions)


# --- bundles, checkpoints, feedback ---------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_bundle(workdir: Path) -> Path:
    rows = [
        ("a", "Factory", "The plant added a production line.", ("manufacturing",)),
        ("b", "Plant", "A supplier opened a factory.", ("manufacturing",)),
        ("c", "Fund", "Venture investors closed a seed fund.", ("venture-capital",)),
        ("d", "Round", "Venture capital firms led a round.", ("venture-capital",)),
    ]
    model = train([Article(*r) for r in rows], TrainConfig(folds=2)).model
    return save_bundle(model, workdir / "bundles" / "tiny", {"metrics": {"cv": {"f1": 1.0}}})


def mutate(manifest: dict[str, Any], path: list[str], value: Any, delete: bool) -> Any:
    """The manifest with the field at `path` (as far as it exists) replaced or deleted."""
    node = manifest
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            break
        node = node[key]
    key = path[-1] if path else "tags"
    if delete:
        node.pop(key, None)
    else:
        node[key] = value
    return manifest


MANIFEST_KEYS = st.sampled_from(
    [
        *("schema_version", "versions", "tags", "artifacts", "model.joblib", "sha256", "bytes"),
        *("metrics", "cv", "f1", "name", "created", "corpus", "signature", "scikit-learn"),
    ]
)


@PROPERTY
@given(
    path=st.lists(MANIFEST_KEYS, min_size=1, max_size=3),
    value=JSON,
    delete=st.booleans(),
    whole=st.one_of(st.none(), JSON, st.binary(max_size=200)),
)
def test_bundle_loader_raises_only_bundle_errors(
    tiny_bundle: Path, workdir: Path, path: list[str], value: Any, delete: bool, whole: Any
) -> None:
    bundle = workdir / "bundles" / "victim"
    if not bundle.exists():
        shutil.copytree(tiny_bundle, bundle)
    manifest = json.loads((tiny_bundle / MANIFEST).read_text())
    if whole is None:
        text = json_line(mutate(manifest, path, value, delete), True)
        (bundle / MANIFEST).write_text(text)
    elif isinstance(whole, bytes):
        (bundle / MANIFEST).write_bytes(whole)
    else:
        (bundle / MANIFEST).write_text(json_line(whole, True))
    with contextlib.suppress(BundleError):
        load_bundle(bundle)
    rows = list_bundles(bundle.parent)
    assert {r["name"] for r in rows} >= {"tiny"}
    code, out, err = run("models", "list", "--dir", str(bundle.parent))
    assert code == 0 and "Traceback" not in out + err, err


@PROPERTY
@given(data=st.one_of(JSON, st.fixed_dictionaries({}, optional={"version": JSON, "x": JSON})))
def test_checkpoints_load_or_raise_tagger_errors(workdir: Path, data: Any) -> None:
    path = workdir / "cp.json"
    if isinstance(data, dict):
        good = {"version": 2, "fingerprint": "f", "settings": "s"}
        data = {**good, **data}
    path.write_text(json_line(data, True))
    try:
        checkpoint = Checkpoint.load(path)
    except TaggerError:
        return
    assert checkpoint is not None and checkpoint.records_done >= 0


TAGS = st.lists(st.one_of(st.sampled_from(["manufacturing", "regions", " regions "]), TEXT))


@PROPERTY
@given(
    feedback=st.builds(
        Feedback,
        text=TEXT,
        title=TEXT,
        article_id=st.one_of(st.none(), TEXT),
        accepted=TAGS.map(tuple),
        rejected=TAGS.map(tuple),
        added=TAGS.map(tuple),
    )
)
def test_feedback_is_refused_or_stored_and_read_back(workdir: Path, feedback: Feedback) -> None:
    try:
        record = check_feedback(feedback, {"manufacturing", "regions"})
    except InputError:
        return
    db = workdir / "feedback.db"
    db.unlink(missing_ok=True)
    FeedbackStore(db).add(record)
    [back] = read_feedback(db)
    assert (back.text, back.accepted, back.rejected, back.added) == (
        record.text,
        record.accepted,
        record.rejected,
        record.added,
    )


# --- the big ones, once each -----------------------------------------------------------------

MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"id": "big", "text": "word " * (MEGABYTE // 5)}),
        json.dumps({"id": "big", "text": "x" * MEGABYTE}),  # one 1 MB word
        "{" * MEGABYTE,
        "\u202e" * (MEGABYTE // 3),
    ],
)
def test_one_megabyte_lines(tmp_path: Path, tagger: Tagger, content: str) -> None:
    for suffix in (".jsonl", ".txt", ".csv"):
        path = tmp_path / f"big{suffix}"
        path.write_text(content + "\n", encoding="utf-8")
        records = only_tagger_errors(iter_records([path]))
        assert_clean_articles(records)
        articles = [r for r in records if isinstance(r, Article)]
        if articles:
            assert len(tagger.suggest_batch(articles, SuggestOptions(entities=False))) == len(
                articles
            )
    with contextlib.suppress(InputError):
        list(read_drafts(["-"], content.encode()))
