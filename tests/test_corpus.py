from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tagger.corpus import ReadStats, corpus_files, iter_records, read_corpus
from tagger.corpus.digest import parse_digest
from tagger.corpus.export import import_reuters
from tagger.errors import CorpusError, InvalidRecord

from .conftest import CORPUS, REUTERS, needs_reuters

SGML = b"""<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="1" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D><D>cocoa</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<PEOPLE></PEOPLE>
<ORGS></ORGS>
<EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<UNKNOWN>&#5;&#5;&#5;C T
&#22;&#22;&#1;f0704&#31;reute</UNKNOWN>
<TEXT>&#2;
<TITLE>BAHIA COCOA REVIEW</TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued in the Bahia &lt;cocoa&gt; zone, M\xfcller &amp; Co said.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="YES" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="2" NEWID="2">
<DATE>26-FEB-1987</DATE>
<TOPICS><D>grain</D></TOPICS>
<PLACES></PLACES><PEOPLE></PEOPLE><ORGS><D>ec</D></ORGS><EXCHANGES></EXCHANGES><COMPANIES></COMPANIES>
<TEXT TYPE="BRIEF">&#2;
<TITLE>EC GRAIN TENDER SET</TITLE>
<BODY>Blah blah blah.
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="3" NEWID="3">
<DATE>26-FEB-1987</DATE>
<TOPICS></TOPICS><PLACES></PLACES><PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES><COMPANIES></COMPANIES>
<TEXT TYPE="UNPROC">&#2;raw wire text here&#3;</TEXT>
</REUTERS>
"""


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_jsonl_keeps_extra_fields_and_reads_gzip(tmp_path: Path) -> None:
    rows = [{"id": 7, "title": "T", "text": "body", "tags": ["a", "b", "a"], "source": "x"}]
    payload = "\n".join(json.dumps(r) for r in rows) + "\n"
    for name in ("c.jsonl", "c.jsonl.gz"):
        path = tmp_path / name
        write(path, gzip.compress(payload.encode()) if name.endswith(".gz") else payload)
        [article] = list(read_corpus([path]))
        assert (article.id, article.tags, dict(article.extra)) == ("7", ("a", "b"), {"source": "x"})


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "malformed JSON"),
        ('{"title": "no text"}', "missing 'text'"),
        ('{"text": "x", "tags": "a,b"}', "field 'tags' must be a list of strings"),
        ('["a list"]', "expected a JSON object"),
        ('{"text": "  ", "title": ""}', "empty text"),
    ],
)
def test_jsonl_invalid_line_names_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = write(tmp_path / "c.jsonl", '{"text": "fine", "tags": ["a"]}\n\n' + line + "\n")
    with pytest.raises(InvalidRecord) as info:
        list(read_corpus([path]))
    assert f"c.jsonl:3: {reason}" in str(info.value)


def test_skip_invalid_counts_and_continues(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", b'{"text": "one"}\n{bad\n\xff\xfe\n{"text": "two"}\n')
    stats = ReadStats()
    texts = [a.text for a in read_corpus([path], skip_invalid=True, stats=stats)]
    assert texts == ["one", "two"]
    assert (stats.read, stats.skipped) == (2, 2)
    assert "c.jsonl:3: not valid UTF-8" in stats.problems[1]


def test_csv_with_semicolon_and_comma_tags(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        'id,title,text,tags,author\n1,A,"multi\nline text",manufacturing; regions,ann\n'
        "2,B,plain,broadband,bob\n",
    )
    a, b = list(read_corpus([path]))
    assert a.tags == ("manufacturing", "regions") and a.text == "multi\nline text"
    assert b.tags == ("broadband",) and b.extra == {"author": "bob"}


def test_csv_without_text_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,body\n1,x\n")
    with pytest.raises(CorpusError, match="'text' column"):
        list(read_corpus([path]))


def test_digest_layout_title_body_and_tag_line() -> None:
    article = parse_digest(
        "A title\n\nFirst para.\n\nSecond para.\n\nmanufacturing, regions\n", "x"
    )
    assert article.title == "A title"
    assert article.text == "First para.\n\nSecond para."
    assert article.tags == ("manufacturing", "regions")


def test_digest_without_tag_line_is_a_plain_draft() -> None:
    article = parse_digest("Title\n\nA body that ends like prose, with a period.\n", "x")
    assert article.tags == () and article.text.startswith("A body")


def test_embedded_corpus_meets_its_spec() -> None:
    articles = list(read_corpus([CORPUS]))
    assert len(articles) >= 300
    tags = {t for a in articles for t in a.tags}
    assert 15 <= len(tags) <= 25 and {"manufacturing", "regions"} <= tags
    words = [len(a.text.split()) for a in articles]
    assert min(words) >= 80 and max(words) <= 300
    two_or_three = sum(1 for a in articles if len(a.tags) in (2, 3))
    assert two_or_three / len(articles) > 0.5


def test_reuters_sgml_entities_odd_bytes_and_modapte(tmp_path: Path) -> None:
    write(tmp_path / "reut2-000.sgm", SGML)
    records = list(iter_records([tmp_path]))
    first = records[0]
    assert not isinstance(first, InvalidRecord)
    assert first.title == "BAHIA COCOA REVIEW"
    assert first.text == "Showers continued in the Bahia <cocoa> zone, M\u00fcller & Co said."
    assert first.tags == ("cocoa",) and first.extra["places"] == ["el-salvador", "usa"]
    counts = import_reuters(tmp_path, tmp_path / "out")
    assert counts == {"train": 1, "test": 1, "unused": 1}
    test_rows = [json.loads(x) for x in (tmp_path / "out" / "test.jsonl").read_text().splitlines()]
    assert test_rows[0]["text"] == "" and test_rows[0]["orgs"] == ["ec"]
    places = list(read_corpus([tmp_path / "out" / "train.jsonl"], tags_field="places"))
    assert places[0].tags == ("el-salvador", "usa")


def test_unknown_format_and_missing_path() -> None:
    with pytest.raises(CorpusError, match="no such file"):
        corpus_files(Path("/nonexistent/corpus.jsonl"))
    with pytest.raises(CorpusError, match="unknown corpus format"):
        corpus_files(Path(__file__))


@needs_reuters
def test_real_reuters_modapte_counts(tmp_path: Path) -> None:
    counts = import_reuters(REUTERS, tmp_path)
    assert counts == {"train": 9603, "test": 3299, "unused": 8676}
