"""Catalog parsing and validation (pure): formats, bad rows by row number, limits, cleaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.catalog.importer import CSV_FIELD_LIMIT, MAX_JSON_DEPTH, parse_catalog
from copilot.catalog.records import MAX_LYRICS, Song, lyric_chunks, song_from_mapping, strip_invisible
from copilot.errors import CatalogError, InputError


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_csv_with_bom_lists_and_extra_columns(tmp_path: Path) -> None:
    data = '\ufeffid,title,artist,moods,genres,mood_note\ns1,Blue Night,Ann,"sad, melancholic",jazz,late\n'
    res = parse_catalog(write(tmp_path, "a.csv", data.encode("utf-8")))
    assert res.errors == []
    (song,) = res.songs
    assert song.id == "s1" and song.moods == ("sad", "melancholic") and song.genres == ("jazz",)
    assert song.extra == {"mood_note": "late"}


def test_tsv_and_jsonl_read_the_same_song(tmp_path: Path) -> None:
    tsv = write(tmp_path, "a.tsv", b"id\ttitle\tmoods\ns1\tT\thappy,fun\n")
    jsonl = write(tmp_path, "a.jsonl", b'{"id": "s1", "title": "T", "moods": ["happy", "fun"]}\n')
    auto = write(tmp_path, "noext", b'{"id": "s1", "title": "T", "moods": ["happy", "fun"]}\n')
    songs = [parse_catalog(p).songs[0] for p in (tsv, jsonl, auto)]
    assert songs[0] == songs[1] == songs[2]


def test_bad_csv_rows_are_reported_by_row_number(tmp_path: Path) -> None:
    giant = "x" * (MAX_LYRICS + 10)
    rows = [
        b"id,title,lyrics",
        b"ok1,Fine,la la",  # row 1
        b",No id,la",  # row 2: missing id
        b"noname,,la",  # row 3: missing title
        b"enc,Bad \xff\xfe bytes,la",  # row 4: broken UTF-8
        f"big,Giant,{giant}".encode(),  # row 5: giant field
        b"ok1,Again,la",  # row 6: duplicate id
        b"nul,Has \x00 nul,la",  # row 7: NUL byte
        b"ok2,Also fine,la",  # row 8
    ]
    res = parse_catalog(write(tmp_path, "bad.csv", b"\n".join(rows) + b"\n"))
    assert [s.id for s in res.songs] == ["ok1", "ok2"]
    by_row = {e.row: e.reason for e in res.errors}
    assert set(by_row) == {2, 3, 4, 5, 6, 7}
    assert "id" in by_row[2] and "title" in by_row[3] and "UTF-8" in by_row[4]
    assert "limit" in by_row[5] and "duplicate" in by_row[6] and "NUL" in by_row[7]
    assert all(e.line == e.row + 1 for e in res.errors)  # one line per row here, after the header


def test_field_over_the_csv_limit_is_a_row_error_not_a_crash(tmp_path: Path) -> None:
    huge = "y" * (CSV_FIELD_LIMIT + 5)
    data = f'id,title,lyrics\na,A,"{huge}"\nb,B,ok\n'.encode()
    res = parse_catalog(write(tmp_path, "huge.csv", data))
    assert [s.id for s in res.songs] == ["b"]
    assert res.errors and res.errors[0].row == 1


def test_jsonl_bad_lines(tmp_path: Path) -> None:
    deep = "[" * (MAX_JSON_DEPTH * 60) + "]" * (MAX_JSON_DEPTH * 60)
    lines = [
        json.dumps({"id": "a", "title": "A"}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "d", "title": "D", "x": json.loads("[" * 30 + "]" * 30)}),
        '{"id": "e", "title": "E", "moods": ' + deep + "}",
        json.dumps({"id": "f", "title": {"nested": 1}}),
        json.dumps({"id": "g", "title": "G", "lyrics": "fine"}),
    ]
    res = parse_catalog(write(tmp_path, "x.jsonl", ("\n".join(lines) + "\n").encode()))
    assert [s.id for s in res.songs] == ["a", "g"]
    assert [e.row for e in res.errors] == [2, 3, 4, 5, 6]


def test_missing_id_column_refuses_the_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no 'id' column"):
        parse_catalog(write(tmp_path, "x.csv", b"name,title\na,b\n"))
    with pytest.raises(InputError):
        parse_catalog(write(tmp_path, "y.csv", b"id,title\n"), fmt="xml")


def test_invisible_characters_are_stripped() -> None:
    hidden = "s\u200b1\u202e"
    song = song_from_mapping({"id": hidden, "title": "Ti\U000e0041tle\u2066", "moods": "sa\u200dd"})
    assert song.id == "s1" and song.title == "Title" and song.moods == ("sad",)
    assert strip_invisible("\ufeffa\u2060b") == "ab"


def test_content_hash_tracks_content() -> None:
    a = Song(id="x", title="T", lyrics="one")
    assert a.content_hash("m") == Song(id="x", title="T", lyrics="one").content_hash("m")
    assert a.content_hash("m") != Song(id="x", title="T", lyrics="two").content_hash("m")
    assert a.content_hash("m") != a.content_hash("other-model")


def test_instrumental_and_chunks() -> None:
    assert Song(id="a", title="A", instruments=("piano",)).instrumental
    assert not Song(id="a", title="A", instruments=("voice",)).instrumental
    assert not Song(id="a", title="A", lyrics="la").instrumental
    assert lyric_chunks("one\ntwo\n\nthree\n") == ["one / two", "three"]


def test_catalog_modules_import_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import copilot.catalog.cli, copilot.catalog.store, copilot.catalog.recommender, copilot.catalog.demo\n"
        "heavy = {'torch', 'chromadb', 'sentence_transformers', 'gradio'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_doctests_of_the_pure_modules() -> None:
    import doctest

    from copilot.catalog import cf, demo, filters, ranking, records

    for module in (records, filters, ranking, cf, demo):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_shipped_demo_catalogs_parse_cleanly() -> None:
    from copilot.catalog.demo import DEMO_FILES

    eliz, mtg = (parse_catalog(p) for p in DEMO_FILES)
    assert len(eliz.songs) == 234 and not eliz.errors
    assert all(s.lyrics and s.artist for s in eliz.songs)
    assert len(mtg.songs) == 18486 and not mtg.errors
    first = mtg.songs[0]
    assert first.title == "Untitled (Jamendo 948)" and first.url == "https://www.jamendo.com/track/948"
    assert (DEMO_FILES[1].parent / "LICENSE.md").read_text().count("CC BY-NC-SA 4.0") >= 1
