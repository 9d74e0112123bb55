"""Markdown archives (front matter + Markdown body) and tag hygiene."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.corpus import read_corpus
from tagger.corpus.tags import normalize_tags, tag_key
from tagger.errors import InvalidRecord
from tagger.text.markdown import markdown_to_text

from .conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "markdown"
DIGITALGOV = ROOT.parent / "shared" / "corpora" / "digitalgov-news"
needs_digitalgov = pytest.mark.skipif(
    not (DIGITALGOV / "news").is_dir(), reason="../shared/corpora/digitalgov-news not present"
)


def test_reader_takes_front_matter_and_plain_text_body() -> None:
    posts = {a.id: a for a in read_corpus([FIXTURE])}
    assert sorted(posts) == ["mobile-first", "open-data-week"]  # README.md is not a post
    post = posts["open-data-week"]
    assert post.title == "Open Data Week: Agencies Publish 40 New Datasets"
    assert post.tags == ("open-data", "Open Data", "APIs")  # `topics`: the first list present
    assert post.extra["date"] == "2016-03-07 09:00:00 -0500"
    assert post.extra["authors"] == ["jdoe"]
    text = post.text
    assert "forty new datasets during Open Data Week, from transit" in text
    assert "What was released" in text and "Grant awards by county" in text
    assert "Transportation | 12" in text and "Find every dataset on Data.gov." in text
    for gone in ("{{", "legacy-img", "ref ", "**", "](", "print(", "<div", "https://"):
        assert gone not in text, gone
    assert posts["mobile-first"].tags == ("mobile", "user_experience")
    assert posts["mobile-first"].extra["date"] == "2017-05-02"


def test_broken_front_matter_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: ok\ntopics: [a, b\ndate: 2016-01-01\n---\nBody.\n")
    with pytest.raises(InvalidRecord) as info:
        list(read_corpus([bad]))
    assert info.value.message.startswith(f"{bad}:3: ")
    assert "malformed front matter" in str(info.value)
    code = CliRunner().invoke(app, ["train", str(bad), "--out", str(tmp_path / "m")])
    assert code.exit_code == 2 and "malformed front matter" in code.stderr


def test_tags_field_names_another_front_matter_list(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\ntags: [x]\ncategories: [news]\n---\nText here.\n")
    assert next(iter(read_corpus([post], "categories"))).tags == ("news",)


def test_markdown_to_text_drops_shortcodes_images_and_link_targets() -> None:
    text = markdown_to_text(
        'Intro {{< img src="a.png" >}} with ![alt](x.png) and [a link](http://x.org).\n\n'
        "{% include promo.html %}\n\nSecond paragraph."
    )
    assert text == "Intro  with  and a link.\n\nSecond paragraph."


def test_tag_variants_merge_into_their_most_frequent_spelling() -> None:
    assert tag_key(" Artificial_Intelligence ") == tag_key("artificial-intelligence")
    articles = list(read_corpus([FIXTURE]))
    merged, spellings = normalize_tags(articles)
    post = next(a for a in merged if a.id == "open-data-week")
    assert post.tags == ("open-data", "APIs")
    assert spellings.merged() == {"open-data": ["Open Data"]}


def test_corpus_stats_lists_merged_variants() -> None:
    result = CliRunner().invoke(app, ["corpus", "stats", "--json", str(FIXTURE)])
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["documents"] == 2
    assert stats["merged_tag_variants"] == {"open-data": ["Open Data"]}


@needs_digitalgov
def test_digitalgov_archive_reads_as_1610_posts() -> None:
    result = CliRunner().invoke(app, ["corpus", "stats", "--json", str(DIGITALGOV)])
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["documents"] == 1610 and stats["invalid_records"] == 0
    assert "artificial-intelligence" in stats["merged_tag_variants"]
