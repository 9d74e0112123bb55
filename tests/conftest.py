from __future__ import annotations

from pathlib import Path

import pytest

from tagger.types import Article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "digest"
SAMPLE_DRAFT = ROOT / "corpus" / "samples" / "draft.txt"
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"

# An unseen article (not in corpus/digest) about local production and regional innovation.
PRODUCTION_TITLE = "A university commission on why production matters"
PRODUCTION_TEXT = (
    "A commission at a state university released a report arguing that local production "
    "is what keeps regional innovation ecosystems alive. When factories leave a metro "
    "area, the engineers and suppliers who turn research into products leave too. The "
    "report urges regional partnerships between manufacturers, community colleges and "
    "economic developers to keep making things close to where they are invented."
)

needs_reuters = pytest.mark.skipif(
    not (REUTERS / "reut2-000.sgm").exists(), reason="../shared/corpora/reuters21578 not present"
)


@pytest.fixture
def tiny_articles() -> list[Article]:
    """A handful of clearly separable articles for overfit tests."""
    rows = [
        (
            "a1",
            "Factory output rises",
            "The plant added a production line for machined parts and hired machinists.",
            ("manufacturing",),
        ),
        (
            "a2",
            "New machining plant",
            "A supplier opened a factory making precision parts for production lines.",
            ("manufacturing",),
        ),
        (
            "a3",
            "Seed fund closes",
            "Venture investors closed a seed fund for startups and early stage founders.",
            ("venture-capital",),
        ),
        (
            "a4",
            "Startups raise money",
            "Venture capital firms led a funding round for two startups.",
            ("venture-capital",),
        ),
        (
            "a5",
            "Metro cluster strategy",
            "The regional cluster strategy links the metro "
            "factory suppliers and the county partners.",
            ("regions", "manufacturing"),
        ),
        (
            "a6",
            "County partners plan",
            "Leaders of the metro region and its counties agreed a regional innovation plan.",
            ("regions",),
        ),
    ]
    return [Article(i, t, x, tags) for i, t, x, tags in rows]


@pytest.fixture(scope="session")
def digest_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model trained on the embedded corpus (real classifier, about 2 s)."""
    from tagger.corpus import read_corpus
    from tagger.model.bundle import save_bundle
    from tagger.training import TrainConfig, train

    articles = list(read_corpus([CORPUS]))
    result = train(articles, TrainConfig(min_tag_docs=2))
    out = tmp_path_factory.mktemp("models") / "digest"
    return save_bundle(result.model, out, {"corpus": {"n_articles": len(articles)}})
