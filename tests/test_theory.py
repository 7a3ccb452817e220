"""Theory: pitch names, keys and modes, Roman numerals, voicing, meters, key profiles."""

from __future__ import annotations

import doctest

import pytest

from copilot import theory
from copilot.errors import InputError
from copilot.melody.tonality import key_correlations
from copilot.theory import (
    MODES,
    Key,
    parse_key,
    parse_meter,
    parse_progression,
    parse_roman,
    pitch_class,
    pitch_name,
    voice_chord,
    voice_range,
)


def test_doctests() -> None:
    result = doctest.testmod(theory)
    assert result.attempted >= 20 and result.failed == 0


@pytest.mark.parametrize(
    ("text", "tonic", "mode", "sharps"),
    [
        ("D minor", "D", "minor", -1),
        ("F# dorian", "F#", "dorian", 4),
        ("Bb", "Bb", "major", -2),
        ("Am", "A", "minor", 0),
        ("eb major", "Eb", "major", -3),
        ("G mixolydian", "G", "mixolydian", 0),
        ("E phrygian", "E", "phrygian", 0),
        ("F lydian", "F", "lydian", 0),
        ("C aeolian", "C", "minor", -3),
        ("C# minor", "C#", "minor", 4),
        ("A# major", "Bb", "major", -2),
    ],
)
def test_parse_key(text: str, tonic: str, mode: str, sharps: int) -> None:
    key = parse_key(text)
    assert (key.tonic, key.mode, key.sharps) == (tonic, mode, sharps)


def test_key_signature_matches_music21_for_every_tonic_and_mode() -> None:
    from music21 import key as m21key

    for name in ("C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F"):
        for mode in ("major", "minor", "dorian", "phrygian", "lydian", "mixolydian"):
            k = parse_key(f"{name} {mode}")
            assert k.sharps == m21key.Key(k.tonic.replace("b", "-"), mode).sharps, k.name


@pytest.mark.parametrize("bad", ["", "H minor", "C blues", "7", "Cx"])
def test_parse_key_rejects(bad: str) -> None:
    with pytest.raises(InputError):
        parse_key(bad)


def test_scales_have_seven_distinct_tones_and_spell_with_seven_letters() -> None:
    for name in ("C", "F#", "Bb", "Db", "B"):
        for mode in MODES:
            key = Key(name, mode)
            assert len(set(key.scale_pcs)) == 7
            letters = {pitch_name(pc, key)[0] for pc in key.scale_pcs}
            assert len(letters) == 7, key.name


def test_roman_numerals_in_minor_and_modes() -> None:
    a_minor = parse_key("A minor")
    assert [c.symbol for c in parse_progression("i VI III VII", a_minor)] == ["Am", "F", "C", "G"]
    assert [c.symbol for c in parse_progression("i iv v i", a_minor)] == ["Am", "Dm", "Em", "Am"]
    assert parse_roman("bVII", Key("C")).root_pc == 10
    assert parse_roman("bVI", Key("A", "minor")).root_pc == 5
    assert parse_roman("iv", Key("C")).pcs == (5, 8, 0)  # borrowed minor iv keeps its quality
    assert parse_roman("viiø7", Key("C")).pcs == (11, 2, 5, 9)
    assert parse_roman("V7", Key("A", "minor")).pcs == (4, 8, 11, 2)
    dorian = parse_key("D dorian")
    assert [c.symbol for c in parse_progression("i IV i IV", dorian)] == ["Dm", "G", "Dm", "G"]
    assert [c.symbol for c in parse_progression("I-bVII-IV-I", parse_key("G mixolydian"))] == ["G", "F", "C", "G"]
    with pytest.raises(InputError):
        parse_progression("I V x IV", Key())
    with pytest.raises(InputError):
        parse_progression("   ", Key())


def test_every_steering_family_parses_in_every_mode() -> None:
    from copilot.melody.harmony import DEFAULT_FAMILY

    families = dict(DEFAULT_FAMILY)
    try:
        from copilot.emotion.steering import PROGRESSION_FAMILIES

        families.update(PROGRESSION_FAMILIES)
    except ImportError:
        pass
    for text in families.values():
        for mode in MODES:
            chords = parse_progression(text, Key("E", mode))
            assert chords and all(len(c.pcs) >= 3 for c in chords)


def test_voicing_moves_little_and_stays_in_range() -> None:
    key = Key("C")
    prev = voice_chord(parse_roman("I", key), low=50, high=69)
    for numeral in ("V", "vi", "IV", "ii", "V7", "I"):
        chord = parse_roman(numeral, key)
        cur = voice_chord(chord, low=50, high=69, near=prev)
        assert all(50 <= p <= 69 for p in cur)
        assert sorted(p % 12 for p in cur) == sorted(chord.pcs)
        assert sum(min(abs(a - b) for b in prev) for a in cur) <= 8
        prev = cur


def test_voice_ranges_are_at_least_a_twelfth() -> None:
    for voice in ("bass", "baritone", "tenor", "alto", "mezzo", "soprano"):
        lo, hi = voice_range(voice)
        assert hi - lo >= 19
    assert voice_range("auto", "low")[0] < voice_range("auto", "high")[0]
    with pytest.raises(InputError):
        voice_range("kazoo")


def test_meters() -> None:
    assert parse_meter("3/4").strong == (0.0,)
    assert parse_meter("12/8").bar_beats == 6.0
    assert parse_meter("6/8").compound
    with pytest.raises(InputError):
        parse_meter("7/3")


def test_key_correlations_find_a_scale_tonic() -> None:
    # A C-major scale weighted towards C, E, G is C major; the same in A minor shape is A minor.
    hist = [6, 0, 2, 0, 4, 1, 0, 5, 0, 1, 0, 1]
    best = max(key_correlations(hist).items(), key=lambda kv: kv[1])[0]
    assert best == (0, "major")
    minor = [2, 0, 1, 0, 4, 1, 0, 1, 0, 6, 0, 1]
    assert max(key_correlations(minor).items(), key=lambda kv: kv[1])[0] == (9, "minor")
    assert pitch_class("B#") == 0
