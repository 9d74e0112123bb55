"""Cleaning drafts (issue 11): HTML, browser-copied text, Markdown, learned boilerplate, and
`tagger clean`."""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.pipeline import clean_article
from tagger.text.boilerplate import learn_boilerplate, paragraph_key, strip_boilerplate
from tagger.text.clean import _CONTROL, clean_document, clean_draft, detect_kind
from tagger.types import Article

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "benchmarks" / "pages"
HEADLINES = [
    "Ohio Manufacturers Sign Up for New State Grant",
    "Read More, Earn More: Literacy Program Expands",
    "Privacy Policy Changes Hit Small Businesses",
]
STORY = [
    "Columbus officials said on Monday that 140 manufacturers applied in the first week, "
    "more than the program had expected for the whole quarter.",
    "The grants cover up to half the cost of new equipment and training for workers.",
]
runner = CliRunner()


@pytest.mark.parametrize("headline", HEADLINES)
def test_headlines_with_trigger_words_survive(headline: str) -> None:
    body = "\n\n".join(STORY)
    assert clean_article(Article("a", headline, body)).title == headline
    draft = clean_draft(f"{headline}\n\n{body}")
    assert (draft.title, draft.text) == (headline, body)
    assert clean_document(f"{headline}\n\n{body}").text.startswith(headline + "\n\n")


def test_copied_page_with_promo_units_above_the_headline() -> None:
    page = "\n".join(
        [
            "Skip to content",
            "Acme Digest",
            "News  Events  Jobs  About",
            "",
            "• Subscribe to the Acme Digest",
            "Every Friday: the week's stories from Acme Research Partners, free in your inbox.",
            "",
            "• Join the Acme Leadership Forum",
            "Members of the Brightwater Alliance meet twice a year in Denver to compare notes.",
            "",
            HEADLINES[0],
            "March 3, 2025 | Jane Roe",
            "",
            *STORY,
            "",
            "Share this story: Facebook Twitter LinkedIn Email",
            "Related stories",
            "Acme Research Partners names a new director",
            "© 2025 Acme Digest. All rights reserved.",
        ]
    )
    draft = clean_draft(page)
    assert draft.title == HEADLINES[0]
    assert draft.text == "\n".join(STORY)
    for gone in ("Acme", "Brightwater", "Denver", "Jane Roe"):
        assert gone not in draft.full_text
    reasons = {r.reason for r in draft.removed}
    assert {"before the headline", "share line", "after the story"} <= reasons


def test_promo_units_yield_no_entity_and_offsets_point_into_the_text() -> None:
    from tagger.entities.extract import EntityExtractor
    from tagger.entities.pipeline import resolve_model

    page = "\n".join(
        [
            "Tech Economy Digest",
            "• Subscribe to the Tech Economy Digest",
            "Brightwater Alliance members in Denver get every issue first, free in your inbox.",
            "",
            "• Become a member today",
            "Members of the Harbor Institute for Policy fund our reporting.",
            "",
            HEADLINES[0],
            "March 3, 2025",
            "",
            "The Ohio Department of Development said 140 manufacturers in Columbus applied.",
        ]
    )
    draft = clean_draft(page)
    assert draft.title == HEADLINES[0]
    [entities] = EntityExtractor(resolve_model()).extract_batch([draft.full_text])
    names = {n for e in entities for n in (e.text, *e.aliases)}
    assert not any(w in n for n in names for w in ("Brightwater", "Denver", "Harbor", "Digest"))
    assert any("Ohio Department of Development" in n for n in names)
    for entity in entities:
        for start, end in entity.mentions:
            assert draft.full_text[start:end] in {entity.text, *entity.aliases}


def test_copied_page_with_single_line_breaks() -> None:
    page = "\n".join(
        [
            "41°F",
            "Sections",
            "Log In",
            "Metro Tribune",
            "TRENDING:",
            "Half of Online Americans Don’t Know What a Privacy Policy Is",
            "ADVERTISEMENT",
            "openFDA Opens Its First Dataset",
            "By JANE ROE | jroe@metrotribune.example",
            "PUBLISHED: June 2, 2014 at 6:00 a.m. | UPDATED: June 2, 2014 at 11:15 a.m.",
            *STORY,
            "Tags: Open Data, Health",
            "Most Popular",
            "Five Things to Know About the New Grant",
            "Copyright © 2019 Metro Tribune",
            "Privacy Policy",
        ]
    )
    draft = clean_draft(page)
    assert (draft.title, draft.text) == ("openFDA Opens Its First Dataset", "\n".join(STORY))


def test_hard_wrapped_wire_copy_is_read_by_paragraph() -> None:
    from tagger.text.clean import text_units

    wire = (
        "A survey of 19 provinces and seven cities\n"
        "showed vermin consume between seven and 12 pct of the grain\n"
        "stocks, the China Daily said.\n"
        "    It also said that each year 1.575 mln tonnes, or 25 pct, of\n"
        "fruit output are left to rot, and 2.1 mln tonnes, or up\n"
        "to 30 pct, of its vegetables.\n"
    )
    units = text_units(wire)
    assert len(units) == 2 and units[1].startswith("It also said")
    draft = clean_draft(wire, title="CHINA DAILY SAYS VERMIN EAT GRAIN STOCKS")
    assert draft.text == "\n".join(line.strip() for line in wire.strip().split("\n"))


def test_no_headline_means_nothing_is_cut_from_the_top() -> None:
    text = "\n".join([STORY[0], "Background", STORY[1]])
    assert clean_draft(text).text == text
    assert clean_draft(text).title == ""


def test_wordpress_article_header_keeps_its_headline() -> None:
    html = (
        "<html><head><title>Grant news – Site</title></head><body>"
        "<header class='site-header'><p>Site name</p><nav><a>Home</a></nav></header>"
        "<article><header class='entry-header'><h1 class='entry-title'>Ohio budget grows</h1>"
        "<div class='entry-meta'>Posted on May 1, 2025 by Ann</div></header>"
        f"<div class='entry-content'><p>{STORY[0]}</p><figure><img src='x.jpg'>"
        "<figcaption>Photo: the plant floor</figcaption></figure>"
        f"<p>{STORY[1]}</p></div></article><footer>All rights reserved</footer></body></html>"
    )
    draft = clean_draft(html)
    assert draft.kind == "html"
    assert draft.title == "Ohio budget grows"
    assert draft.text == "\n\n".join(STORY)


def test_headline_from_title_tag_and_never_from_a_logo() -> None:
    page = (
        "<html><head><title>Ohio grants grow fast | Daily Site</title></head><body>"
        "<header><h1>Daily Site</h1><nav>Home</nav></header>"
        f"<div class='content'><p>{STORY[0]}</p></div></body></html>"
    )
    assert clean_draft(page).title == "Ohio grants grow fast"
    fragment = f"<div><h1 class='logo'>Site</h1><h1>Ohio budget grows</h1><p>{STORY[1]}</p></div>"
    assert (clean_draft(fragment).title, clean_draft(fragment).text) == (
        "Ohio budget grows",
        STORY[1],
    )


def test_unclosed_button_loses_nothing_after_it() -> None:
    html = (
        "<div><h1>Ohio budget grows</h1><button class='share'>Share this article"
        f"<p>{STORY[0]}</p><p>{STORY[1]}</p></div>"
    )
    draft = clean_draft(html)
    assert draft.title == "Ohio budget grows"
    assert draft.text == "\n\n".join(STORY)
    assert "Share this article" not in draft.full_text


def test_inline_only_fragment_is_html() -> None:
    fragment = "<strong>Ohio</strong> manufacturers &amp; suppliers met.<br><br>They agreed."
    assert detect_kind(fragment) == "html"
    assert clean_draft(fragment).text == "Ohio manufacturers & suppliers met.\n\nThey agreed."
    assert detect_kind("Profits rose 5% <vs> 3% a year ago & more.") == "text"


def test_explicit_title_is_never_dropped_and_a_repeat_goes() -> None:
    title = "Subscribe to our newsletter"  # looks like chrome, but the editor said so
    draft = clean_draft(f"{title}\n\n{STORY[0]}", title=title)
    assert draft.title == title
    assert draft.text == STORY[0]
    assert clean_draft("<p>x y z.</p>", title="<b>Ohio &amp; Utah</b>").title == "Ohio & Utah"


def test_markdown_draft_uses_front_matter_title_and_drops_shortcodes() -> None:
    md = (
        "---\ntitle: Open data week\ntags: [data]\n---\n\n"
        '{{< img src="a.png" >}}\nThe [portal](https://example.gov) now lists **400** sets.\n\n'
        "## Next steps\n\nMore agencies will join.\n"
    )
    draft = clean_draft(md)
    assert draft.kind == "markdown"
    assert draft.title == "Open data week"
    assert draft.text == "The portal now lists 400 sets.\n\nNext steps\n\nMore agencies will join."


def test_plain_offsets_map_back_to_the_input() -> None:
    raw = "Skip to content\nMenu\n\nOhio budget grows\n\n" + STORY[0]
    cleaned = clean_document(raw)
    start = cleaned.text.index("Columbus")
    assert cleaned.to_original(start) == raw.index("Columbus")


def test_control_pattern_is_unicode_categories_cc_and_cf() -> None:
    wrong = [
        cp
        for cp in range(sys.maxunicode + 1)
        if bool(_CONTROL.match(chr(cp)))
        != (unicodedata.category(chr(cp)) in ("Cc", "Cf") and chr(cp) != "\t")
    ]
    assert wrong == []


def test_page_set_cleaning_is_idempotent_and_keeps_clean_drafts() -> None:
    rows = [json.loads(line) for line in (PAGES / "gold.jsonl").read_text().splitlines()]
    for row in rows:
        if row["blind"]:
            continue
        raw = (PAGES / row["file"]).read_text(encoding="utf-8")
        draft = clean_draft(raw, title=row.get("given_title", ""))
        again = clean_draft(draft.text, title=draft.title)
        assert (again.title, again.text) == (draft.title, draft.text), row["file"]
        if row["kind"] == "clean":
            assert " ".join(draft.full_text.split()) == " ".join(raw.split()), row["file"]
        else:
            assert draft.title == row["title"], row["file"]


def test_learned_boilerplate_keys_and_stripping() -> None:
    signature = "Acme News is published by the Acme Institute, 100 Main St., since 1999."
    texts = [
        f"Story {'abcdefghi'[i]} about grants.\n{signature.replace('1999', str(i))}"
        for i in range(9)
    ]
    learned = learn_boilerplate(texts)
    assert paragraph_key(signature) in learned.keys
    assert learned.examples[0][1] == 9
    assert strip_boilerplate(f"A new story.\n{signature}", learned.keys) == "A new story."
    assert clean_draft(f"A new story.\n\n{signature}", learned=learned.keys).text == "A new story."


@pytest.mark.slow
def test_trained_model_strips_the_archive_signature(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / "digest", corpus)
    signature = "This digest is compiled by the Tech Economy Network for its members."
    for path in corpus.glob("*.txt"):
        *article, tags = path.read_text().strip().split("\n\n")
        path.write_text("\n\n".join([*article, signature, tags]) + "\n")
    result = runner.invoke(app, ["train", str(corpus), "--out", str(tmp_path / "m"), "-q"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["boilerplate"]["paragraphs"] >= 1
    assert manifest["boilerplate"]["most_frequent"][0]["text"] == signature
    draft = tmp_path / "draft.txt"
    draft.write_text(f"{HEADLINES[0]}\n\n{STORY[0]}\n\n{signature}\n")
    shown = runner.invoke(app, ["clean", "--json", "--model", str(tmp_path / "m"), str(draft)])
    row = json.loads(shown.stdout)
    assert signature not in row["text"]
    assert {"text": signature, "reason": "learned boilerplate"} in row["removed"]
    from tagger.pipeline import Tagger

    tagger = Tagger.load(tmp_path / "m", entities=False)
    assert (
        signature not in clean_article(Article("d", "", draft.read_text()), tagger.boilerplate).text
    )


def test_corpus_stats_lists_repeated_paragraphs(tmp_path: Path) -> None:
    signature = "Interested in more stories like this? Sign up for our weekly newsletter!"
    rows = [
        {"id": str(i), "title": f"T{i}", "text": f"Story {'abcdef'[i]} here.\n{signature}"}
        for i in range(6)
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({**r, "tags": ["x"]}) + "\n" for r in rows))
    result = runner.invoke(app, ["corpus", "stats", "--json", str(corpus)])
    assert json.loads(result.stdout)["repeated_paragraphs"] == [{"text": signature, "articles": 6}]


def test_clean_command_on_text_html_markdown_and_bad_input(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Skip to content\n\n" + HEADLINES[1] + "\n\n" + STORY[0] + "\n")
    result = runner.invoke(app, ["clean", str(text)])
    assert result.exit_code == 0
    assert result.stdout == f"{HEADLINES[1]}\n\n{STORY[0]}\n"
    html = tmp_path / "a.html"
    html.write_text(f"<nav>Home</nav><h1>{HEADLINES[2]}</h1><p>{STORY[1]}</p>")
    row = json.loads(runner.invoke(app, ["clean", "--json", str(html)]).stdout)
    assert (row["title"], row["text"], row["kind"]) == (HEADLINES[2], STORY[1], "html")
    assert {"text": "Home", "reason": "navigation"} in row["removed"]
    md = tmp_path / "a.md"
    md.write_text("# Open data week\n\nThe [portal](https://x.gov) lists sets.\n")
    assert (
        runner.invoke(app, ["clean", str(md)]).stdout
        == "Open data week\n\nThe portal lists sets.\n"
    )
    empty = tmp_path / "e.txt"
    empty.write_text("  \n")
    result = runner.invoke(app, ["clean", str(empty)])
    assert result.exit_code == 2
    assert "empty text" in result.stderr
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = runner.invoke(app, ["clean", str(binary)])
    assert result.exit_code == 2
    assert "binary" in result.stderr
    assert runner.invoke(app, ["clean", str(tmp_path / "none.txt")]).exit_code == 2
