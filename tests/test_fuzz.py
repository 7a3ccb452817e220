"""Property-based fuzzing (Hypothesis) of the two readers of outside files, bounded for CI.

Each input gives a result or the one clear error type of that reader
(:class:`~copilot.errors.CatalogError` for catalogs, :class:`~copilot.errors.MidiError` for
MIDI), never another exception. Budgets: ~15 s for the catalog importers, ~20 s for MIDI
(each MIDI example that passes the header check costs one child process).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.catalog.importer import ParseResult, parse_catalog
from copilot.errors import CatalogError, MidiError
from copilot.melody.safe_midi import MidiLimits, ParsedMidi, parse_midi

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
LIMITS = MidiLimits(timeout_s=5.0, cpu_s=4, max_bytes=20_000)

PIECES = [*'ab,\t"\n\r{}[]:\\ ', "\x00", "\ufeff", "\u200b", "\U000e0041", "=cmd|' /C calc'!A0", "é", "id", "x" * 5000]
NASTY_TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _check_catalog(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        result = parse_catalog(path)
    except CatalogError:
        return
    assert isinstance(result, ParseResult)
    ids = [s.id for s in result.songs]
    assert len(ids) == len(set(ids)), "duplicate ids never get through"
    for song in result.songs:
        assert "\x00" not in song.title + song.lyrics and "\u200b" not in song.title + song.id


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".tsv", ".jsonl", ".txt"]))
def test_catalog_random_bytes(tmp_path_factory, data: bytes, suffix: str) -> None:  # type: ignore[no-untyped-def]
    _check_catalog(tmp_path_factory.mktemp("f"), suffix, data)


@FUZZ
@given(
    header=st.sampled_from(["id,title,moods,lyrics", "id\ttitle\tmoods", "\ufeffid,title", "title,artist", ""]),
    rows=st.lists(NASTY_TEXT, max_size=8),
    suffix=st.sampled_from([".csv", ".tsv"]),
)
def test_catalog_csv_like(tmp_path_factory, header: str, rows: list[str], suffix: str) -> None:  # type: ignore[no-untyped-def]
    data = (header + "\n" + "\n".join(rows)).encode("utf-8") + b"\xff\xfe broken \xc3"
    _check_catalog(tmp_path_factory.mktemp("f"), suffix, data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NASTY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    rows=st.lists(
        st.fixed_dictionaries({"id": JSON_VALUES, "title": JSON_VALUES}, optional={"moods": JSON_VALUES,
                              "lyrics": JSON_VALUES, "year": JSON_VALUES}),
        max_size=6,
    ),
    deep=st.integers(0, 60),
)  # fmt: skip
def test_catalog_jsonl(tmp_path_factory, rows: list[dict], deep: int) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps(r) for r in rows] + ["[" * deep + "]" * deep, '{"id": "a", "title": ' + "[" * deep]
    _check_catalog(tmp_path_factory.mktemp("f"), ".jsonl", "\n".join(lines).encode())


def _track(events: bytes) -> bytes:
    return b"MTrk" + struct.pack(">I", len(events)) + events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from([0, 1, 1, 2, 3]),
    ntracks=st.sampled_from([0, 1, 1, 2, 3, 70]),
    division=st.sampled_from([0, 1, 96, 480, 480, 0x7FFF, 0x8000 | 25]),
    bodies=st.lists(st.binary(max_size=120), min_size=0, max_size=4),
    declared_extra=st.integers(-4, 4),
    tail=st.binary(max_size=30),
)
def test_midi_fuzzed_structure(
    fmt: int, ntracks: int, division: int, bodies: list[bytes], declared_extra: int, tail: bytes
) -> None:
    data = b"MThd" + struct.pack(">IHHH", 6, fmt, ntracks, division)
    for body in bodies:
        data += b"MTrk" + struct.pack(">I", max(0, len(body) + declared_extra)) + body
    data += tail
    try:
        result = parse_midi(data, LIMITS)
    except MidiError as exc:
        assert exc.user_message() and "\n" not in exc.user_message()
        return
    assert isinstance(result, ParsedMidi)
    assert result.duration_s <= LIMITS.max_seconds


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=200))
def test_midi_random_bytes(data: bytes) -> None:
    for blob in (data, b"MThd" + data):
        try:
            parse_midi(blob, LIMITS)
        except MidiError:
            continue


def _valid_midi() -> bytes:
    import io

    import mido

    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500_000, time=0))
    track.append(mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0))
    for i, pitch in enumerate((60, 64, 67, 72)):
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0 if i == 0 else 10))
        track.append(mido.MetaMessage("lyrics", text="la", time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=470))
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


VALID_MIDI = _valid_midi()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(14, len(VALID_MIDI) - 1), st.integers(0, 255)), max_size=6),
    cut=st.integers(14, len(VALID_MIDI)),
    insert=st.binary(max_size=8),
)
def test_midi_mutated_valid_file(edits: list[tuple[int, int]], cut: int, insert: bytes) -> None:
    data = bytearray(VALID_MIDI)
    for pos, value in edits:
        data[pos] = value
    blob = bytes(data[:cut]) + insert + bytes(data[cut:]) if insert else bytes(data[:cut])
    try:
        result = parse_midi(blob, LIMITS)
    except MidiError as exc:
        assert "\n" not in exc.user_message()
        return
    assert all(0 <= n.pitch <= 127 and n.end >= n.start for n in result.notes)
