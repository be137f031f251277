"""Reading articles from every supported format, and every way an input can be bad."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from geomap.errors import InputError
from geomap.ingest.pubdate import find_published, parse_date_value
from geomap.ingest.readers import (
    MAX_BYTES,
    InputNotice,
    article_id,
    count_sources,
    decode_bytes,
    iter_articles,
    iter_sources,
    make_article,
    read_article_file,
    read_source,
)
from geomap.models import Article

TEXT = (
    "Shelling hits market town\n"
    "Posted 9 February 2017 10:14\n\n"
    "Artillery shells struck the market of a small town on Thursday, a monitor said."
)


def articles(items: object) -> list[Article]:
    return [x for x in items if isinstance(x, Article)]  # type: ignore[attr-defined]


def errors(items: object) -> list[InputError]:
    return [x for x in items if isinstance(x, InputError)]  # type: ignore[attr-defined]


# -- ids and text ----------------------------------------------------------------------------
def test_article_id_ignores_whitespace_and_unicode_form() -> None:
    nfd = "Cafe\u0301 in Idlib"  # e + combining accent
    assert article_id(nfd) == article_id("  Café\n\n in   Idlib ")
    assert article_id("Café in Idlib") != article_id("Café in Homs")
    assert len(article_id("x")) == 16


def test_make_article_keeps_paragraphs_and_finds_title_and_date() -> None:
    art, notes = make_article(TEXT + "\r\n", origin="a.txt")
    assert art.text == TEXT
    assert art.title == "Shelling hits market town"
    assert art.published == date(2017, 2, 9)
    assert art.published_from == "text:timestamp"
    assert notes == []


def test_title_is_not_taken_from_a_sentence() -> None:
    art, _ = make_article("A strike hit the town on Monday.\nMore text.", origin="a.txt")
    assert art.title == ""


def test_metadata_date_wins_over_text_and_bad_metadata_is_noted() -> None:
    art, _ = make_article(TEXT, origin="x", published="2017-02-10T08:00:00Z")
    assert (art.published, art.published_from) == (date(2017, 2, 10), "metadata")
    art, notes = make_article(TEXT, origin="x", published="sometime")
    assert (art.published, art.published_from) == (date(2017, 2, 9), "text:timestamp")
    assert "sometime" in notes[0].message


# -- publication dates -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected", "rule"),
    [
        ("Headline\n09/02/2017 10:14\nBody.", date(2017, 2, 9), "text:timestamp"),
        ("Headline\n02/13/2017\nBody.", date(2017, 2, 13), "text:timestamp"),
        ("Thursday 9 February 2017\nBody.", date(2017, 2, 9), "text:timestamp"),
        ("By a reporter | Feb 9, 2017\nBody.", date(2017, 2, 9), "text:timestamp"),
        ("Updated 2017-02-09T10:14:00Z\nBody.", date(2017, 2, 9), "text:timestamp"),
        ("ANKARA, Feb 9 (Reuters) - Turkey said in 2017 ...", date(2017, 2, 9), "text:dateline"),
        ("BEIRUT, 9 Feb 2017 (AFP) - A strike ...", date(2017, 2, 9), "text:timestamp"),
        ("No date at all in this text.", None, ""),
    ],
)
def test_find_published(text: str, expected: date | None, rule: str) -> None:
    assert find_published(text) == (expected, rule)


def test_photo_caption_dates_are_skipped() -> None:
    text = "Strike on town\nPhoto: rubble on 3 November 2015 (AFP)\nPosted Feb 9, 2017\nBody."
    assert find_published(text) == (date(2017, 2, 9), "text:timestamp")


def test_dates_far_down_the_page_are_not_publication_dates() -> None:
    text = "Headline\n" + "Words without dates. " * 40 + "It began on 3 November 2015."
    assert find_published(text) == (None, "")


def test_dateline_without_any_year_gives_no_date() -> None:
    assert find_published("ANKARA, Feb 9 (Reuters) - Turkey said ...") == (None, "")


def test_parse_date_value_forms() -> None:
    assert parse_date_value("Thu, 09 Feb 2017 10:14:00 GMT") == date(2017, 2, 9)
    assert parse_date_value("February 9, 2017") == date(2017, 2, 9)
    assert parse_date_value(date(2017, 2, 9)) == date(2017, 2, 9)
    assert parse_date_value("31/02/2017") is None
    assert parse_date_value("") is None


# -- formats ---------------------------------------------------------------------------------
def test_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    [art] = read_article_file(path)
    assert art.origin == str(path)
    assert art.id == article_id(TEXT)
    assert art.title == "Shelling hits market town"


HTML = """<!doctype html><html><head><title>Strike on a village | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2017-02-09T10:14:00Z">
<link rel="canonical" href="https://news.example.org/strike">
<script>alert("x")</script></head><body><nav>Home | World | Sport</nav>
<article><h1>Strike on a village</h1>
<p>An air strike hit a village near the river on Thursday, killing four people, local
officials said. Rescue workers searched the rubble of two houses for survivors.</p>
<p>The strike was the second on the village this month, residents said, and many families
have left for the nearby town.</p></article><footer>Copyright 2017</footer></body></html>"""


def test_html_file_uses_trafilatura_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    [art] = read_article_file(path)
    assert "killing four people" in art.text
    assert "Home | World" not in art.text and "alert" not in art.text
    assert art.title == "Strike on a village"
    assert art.url == "https://news.example.org/strike"
    assert art.source == "The Daily Example"
    assert (art.published, art.published_from) == (date(2017, 2, 9), "metadata")


def test_html_fragment_falls_back_to_tag_strip(tmp_path: Path) -> None:
    path = tmp_path / "frag.htm"
    path.write_text("<p>Two &amp; three</p><script>x()</script><p>Clashes.</p>", "utf-8")
    [art] = read_article_file(path)
    assert "Two & three" in art.text and "Clashes." in art.text
    assert "x()" not in art.text


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script></body></html>", "utf-8")
    [err] = errors(read_source(path))
    assert err.source == str(path) and "no text" in err.problem


def test_json_object_and_list(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": TEXT, "url": "https://a.example/1", "source": "A"}))
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps([{"body": "First report.", "date": "2017-02-08"}, {"content": "Second."}])
    )
    [a] = read_article_file(one)
    assert (a.url, a.source) == ("https://a.example/1", "A")
    b, c = read_article_file(many)
    assert b.text == "First report." and b.published == date(2017, 2, 8)
    assert c.text == "Second." and c.origin == f"{many}[2]"


def test_jsonl_errors_name_the_line_and_keep_the_others(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "Report one."}),
        "",
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": 5}),
        json.dumps({"text": "Report two.", "published": "2017-02-09"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_source(path))
    assert [a.text for a in articles(items)] == ["Report one.", "Report two."]
    errs = {e.source: e.problem for e in errors(items)}
    assert set(errs) == {f"{path}:3", f"{path}:4", f"{path}:5", f"{path}:6"}
    assert "invalid JSON" in errs[f"{path}:3"]
    assert "no 'text'" in errs[f"{path}:4"]
    assert "expected a JSON object" in errs[f"{path}:5"]
    assert "must be a string" in errs[f"{path}:6"]


def test_invalid_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n {"text": "ok"},\n {"text": oops}\n]', encoding="utf-8")
    [err] = errors(read_source(path))
    assert err.source == f"{path}:3" and "invalid JSON" in err.problem


def test_csv_with_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "Title,TEXT,url,source,published,extra\n"
        'Headline,"Clashes in the north, two killed.\nSecond line.",'
        "https://a.example/c,Wire,2017-02-09,ignored\n"
        ",,,,,\n",
        encoding="utf-8",
    )
    items = list(read_source(path))
    [art] = articles(items)
    assert art.title == "Headline" and art.source == "Wire" and "Second line." in art.text
    assert art.published == date(2017, 2, 9)
    [err] = errors(items)
    assert err.source == f"{path}:4" and "no 'text'" in err.problem


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("title,body_html\nA,B\n", encoding="utf-8")
    [err] = errors(read_source(path))
    assert err.source == str(path)
    assert "no 'text' column" in err.problem and "body_html" in err.problem


def test_stdin_plain_text_and_jsonl() -> None:
    [art] = articles(read_source("-", stdin=io.StringIO("Clashes near a town.\n")))
    assert art.origin == "<stdin>" and art.text == "Clashes near a town."
    feed = '{"text": "One."}\n\n{"text": "Two."}\n{broken\n'
    items = list(read_source("-", stdin=io.StringIO(feed)))
    assert [a.text for a in articles(items)] == ["One.", "Two."]
    [err] = errors(items)
    assert err.source == "<stdin>:4"
    [err] = errors(read_source("-", stdin=io.StringIO("  \n")))
    assert "empty" in err.problem


# -- bad inputs ------------------------------------------------------------------------------
def test_each_bad_file_is_named_and_the_others_are_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Clashes in the north.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "z.jsonl").write_text(json.dumps({"text": "Later report."}) + "\n", "utf-8")
    missing = tmp_path / "missing.txt"
    items = list(iter_articles([tmp_path, missing]))
    assert sorted(a.text for a in articles(items)) == ["Clashes in the north.", "Later report."]
    errs = {Path(e.source).name: e.problem for e in errors(items)}
    assert errs == {
        "blank.txt": "empty file",
        "binary.txt": "binary content (NUL bytes), not a text file",
        "empty.txt": "empty file",
        "missing.txt": "no such file or directory",
    }
    # str(InputError) names the file and the problem in one line
    assert all(str(e).startswith(e.source + ": ") for e in errors(items))


def test_encodings(tmp_path: Path) -> None:
    arabic = "قصف مدينة الباب في ريف حلب الشمالي"
    cases = {
        "bom.txt": ("\ufeffTitle\nBody text.".encode(), None),
        "win1256.txt": (arabic.encode("cp1256"), "cp1256"),
        "latin.txt": ("Frappe aérienne près de la ville, dit-on.".encode("cp1252"), "cp1252"),
        "utf16.txt": ("Body text in UTF-16.".encode("utf-16"), "utf-16"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    items = list(iter_articles([tmp_path]))
    texts = {Path(a.origin).name: a.text for a in articles(items)}
    assert texts["win1256.txt"] == arabic
    assert texts["latin.txt"] == "Frappe aérienne près de la ville, dit-on."
    assert texts["bom.txt"] == "Title\nBody text."
    assert texts["utf16.txt"] == "Body text in UTF-16."
    notes = {Path(n.source).name: n.message for n in items if isinstance(n, InputNotice)}
    assert notes == {
        name: f"not valid UTF-8; decoded as {enc}" for name, (_, enc) in cases.items() if enc
    }


def test_decode_bytes_rejects_nul_bytes() -> None:
    with pytest.raises(InputError, match=r"^x\.bin: binary content"):
        decode_bytes(b"abc\x00def", source="x.bin")


def test_oversized_document_is_refused_without_loading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.seek(MAX_BYTES + 10)
        fh.write(b"x")
    [err] = errors(read_source(path))
    assert err.source == str(path) and "20 MB" in err.problem


# -- walking ---------------------------------------------------------------------------------
def test_folders_are_walked_recursively_in_order_skipping_hidden_and_unknown(
    tmp_path: Path,
) -> None:
    for rel in ["b/2.txt", "b/1.html", "a.json", ".hidden/x.txt", "b/.x.txt", "img.png"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    found = [Path(str(s)).relative_to(tmp_path).as_posix() for s in iter_sources([tmp_path])]
    assert found == ["a.json", "b/1.html", "b/2.txt"]
    assert count_sources([tmp_path, "-"]) == 4


def test_iteration_is_lazy(tmp_path: Path) -> None:
    for i in range(50):
        (tmp_path / f"{i:03}.txt").write_text(f"Report number {i}.", encoding="utf-8")
    gen = iter_articles([tmp_path])
    first = next(gen)
    assert isinstance(first, Article) and first.text == "Report number 0."
    # Later files are only read when reached: one deleted now is reported missing then.
    (tmp_path / "049.txt").unlink()
    rest = list(gen)
    assert len(articles(rest)) == 48
    [err] = errors(rest)
    assert err.source.endswith("049.txt") and err.problem == "no such file or directory"


def test_a_fifo_in_a_folder_is_named_and_skipped_not_read(tmp_path: Path) -> None:
    # Issue 15: a FIFO named *.txt in a folder blocked ingest forever.
    from geomap.ingest.readers import iter_sources

    (tmp_path / "a.txt").write_text("Shelling hit Aleppo.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    found = list(iter_sources([tmp_path]))
    assert found[0] == str(tmp_path / "a.txt")
    assert [(e.source, e.problem) for e in found[1:]] == [
        (str(tmp_path / "pipe.txt"), "not a regular file (FIFO); skipped")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any folder")
def test_an_unreadable_subfolder_is_named(tmp_path: Path) -> None:
    from geomap.ingest.readers import iter_sources

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0)
    try:
        found = list(iter_sources([tmp_path]))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert next(e.problem for e in found).startswith("cannot read folder")


def test_a_utf16_csv_with_a_character_across_the_first_64_kib_is_read(tmp_path: Path) -> None:
    # Issue 15: the encoding was judged on the first 65,536 bytes, and a surrogate pair cut
    # there made a valid UTF-16 file "not UTF-16".
    from geomap.ingest.readers import iter_articles

    filler = "x" * 32_734  # puts the emoji's 4 bytes at 65,534..65,537
    text = f"text,title\n{filler} Shelling hit Aleppo 🙂 today.,T\n"
    path = tmp_path / "u16.csv"
    path.write_bytes(text.encode("utf-16"))
    assert len(text[: text.index("🙂")].encode("utf-16")) == 65_534
    items = list(iter_articles([path]))
    assert [type(i).__name__ for i in items] == ["InputNotice", "Article"]
    assert "🙂" in items[1].text  # type: ignore[union-attr]


def test_every_csv_column_counts_toward_the_record_size_limit(tmp_path: Path) -> None:
    from geomap.ingest.readers import MAX_BYTES, iter_articles

    path = tmp_path / "wide.csv"
    big = "y" * (MAX_BYTES // 2 + 10)
    path.write_text(f"text,a,b\nShort text.,{big},{big}\nFine.,,\n", encoding="utf-8")
    items = list(iter_articles([path]))
    assert isinstance(items[0], InputError) and "record over" in items[0].problem
    assert items[1].text == "Fine."  # type: ignore[union-attr]
