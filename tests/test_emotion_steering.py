"""Steering, tags and summaries: pure mapping tests at the corners of mood space."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

from copilot.emotion import describe, lexicon, steering, tags
from copilot.emotion.steering import (
    PROGRESSION_FAMILIES,
    emotion_at,
    lyric_tone,
    music_params,
    retrieval_target,
    shift,
)
from copilot.errors import InputError
from copilot.types import EKMAN_LABELS, Emotion, MusicParams

MODES = {"major", "minor", "dorian", "mixolydian", "phrygian", "lydian"}
FEELS = {"straight", "swing", "syncopated", "lilting", "driving"}


def _ekman(**probs: float) -> dict[str, float]:
    return {g: probs.get(g, 0.0) for g in EKMAN_LABELS}


HAPPY = emotion_at(0.9, 0.85, _ekman(joy=0.9, neutral=0.1))
SAD = emotion_at(-0.9, -0.8, _ekman(sadness=0.9, neutral=0.1))
ANGRY = emotion_at(-0.75, 0.85, _ekman(anger=0.85, disgust=0.1, neutral=0.05))
CALM = emotion_at(0.5, -0.85, _ekman(neutral=0.6, joy=0.4))
BITTERSWEET = emotion_at(0.05, -0.3, _ekman(joy=0.45, sadness=0.42, neutral=0.13))


def _valid(params: MusicParams) -> None:
    assert params.mode in MODES
    assert params.progression_family in PROGRESSION_FAMILIES
    assert params.rhythmic_feel in FEELS
    assert params.register in {"low", "mid", "high"}
    assert 0.5 <= params.note_density <= 2.0
    assert 1 <= params.dynamics <= 127
    lo, hi = params.tempo_range
    assert 50 <= lo <= params.tempo_bpm <= hi <= 180
    assert params.meter in {"4/4", "3/4", "6/8"}


def test_progression_families_are_roman_numeral_loops() -> None:
    assert {"pop", "ballad", "melancholy", "dark", "anthem", "bittersweet", "modal-dorian", "blues"} <= set(
        PROGRESSION_FAMILIES
    )
    for numerals in PROGRESSION_FAMILIES.values():
        chords = numerals.split()
        assert len(chords) == 4
        for chord in chords:
            assert chord.lstrip("b").lower() in {"i", "ii", "iii", "iv", "v", "vi", "vii"}


def test_very_happy_high_arousal_is_fast_bright_and_loud() -> None:
    p = music_params(HAPPY)
    _valid(p)
    assert p.mode == "major"
    assert p.tempo_bpm >= 125
    assert p.register == "high"
    assert p.note_density >= 1.6
    assert p.dynamics >= 95
    assert p.progression_family in {"anthem", "pop"}
    tone = lyric_tone(HAPPY)
    assert tone.energy == "high"
    target = retrieval_target(HAPPY)
    assert target.valence > 0.5 and target.arousal > 0.5
    assert set(target.mood_tags) & {"happy", "party", "upbeat", "fun", "energetic"}


def test_very_sad_low_arousal_is_slow_minor_and_soft() -> None:
    p = music_params(SAD)
    _valid(p)
    assert p.mode == "minor"
    assert p.tempo_bpm <= 70
    assert p.register == "low"
    assert p.note_density <= 0.8
    assert p.dynamics <= 50
    assert p.progression_family == "melancholy"
    assert lyric_tone(SAD).energy == "low"
    assert "sad" in retrieval_target(SAD).mood_tags


def test_angry_is_dark_driving_and_loud() -> None:
    p = music_params(ANGRY)
    _valid(p)
    assert p.mode in {"minor", "phrygian"}
    assert p.progression_family == "dark"
    assert p.rhythmic_feel == "driving"
    assert p.dynamics >= 105
    assert p.tempo_bpm >= 125
    assert "angry" in lyric_tone(ANGRY).mood_words


def test_calm_is_slow_lilting_and_gentle() -> None:
    p = music_params(CALM)
    _valid(p)
    assert p.mode == "major"
    assert p.tempo_bpm <= 70
    assert p.meter == "6/8" and p.rhythmic_feel == "lilting"
    assert p.progression_family == "ballad"
    assert set(retrieval_target(CALM).mood_tags) & {"calm", "relaxing", "meditative", "mellow", "soft"}


def test_bittersweet_uses_both_feelings() -> None:
    assert describe.strong_pair(BITTERSWEET.ekman) == ("joy", "sadness")
    assert BITTERSWEET.summary == "mostly joy with some sadness: bittersweet"
    p = music_params(BITTERSWEET)
    _valid(p)
    assert (p.mode, p.progression_family) == ("major", "bittersweet")
    leaning_sad = emotion_at(-0.2, -0.3, _ekman(sadness=0.45, joy=0.4, neutral=0.15))
    assert (music_params(leaning_sad).mode, music_params(leaning_sad).progression_family) == ("dorian", "modal-dorian")
    tone = lyric_tone(BITTERSWEET)
    assert "joy" in tone.tone and "sadness" in tone.tone and "bittersweet" in tone.tone
    assert "bittersweet" in tone.mood_words
    assert ";" in tone.imagery  # imagery of both feelings
    target = retrieval_target(BITTERSWEET)
    assert "sad" in target.mood_tags or "melancholic" in target.mood_tags


def test_single_feeling_is_not_called_mixed() -> None:
    assert describe.strong_pair(HAPPY.ekman) == ("joy", None)
    assert "with some" not in HAPPY.summary


def test_tonic_seed_is_reproducible_and_stays_in_the_pool() -> None:
    seen = {music_params(HAPPY, seed=s).tonic for s in range(30)}
    assert seen <= set(steering.KEY_POOLS["major"]) and len(seen) > 1
    assert music_params(HAPPY, seed=7) == music_params(HAPPY, seed=7)
    assert music_params(HAPPY).tonic == steering.KEY_POOLS["major"][0]


def test_tempo_and_density_rise_with_arousal() -> None:
    temps = [music_params(emotion_at(0.3, a, _ekman(joy=1.0))).tempo_bpm for a in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    dens = [music_params(emotion_at(0.3, a, _ekman(joy=1.0))).note_density for a in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    assert temps == sorted(temps) and temps[0] < temps[-1]
    assert dens == sorted(dens) and dens[0] == 0.5 and dens[-1] == 2.0


@pytest.mark.parametrize(
    ("direction", "dv", "da", "group"),
    [("sadder", -1, 0, "sadness"), ("happier", 1, 0, "joy"), ("calmer", 0, -1, None), ("more intense", 0, 1, None)],
)
def test_shift_moves_in_the_asked_direction(direction: str, dv: int, da: int, group: str | None) -> None:
    start = emotion_at(0.0, 0.0, _ekman(neutral=0.5, joy=0.25, sadness=0.25))
    moved = shift(start, direction, amount=0.4)
    assert (moved.valence - start.valence) * dv >= 0 and (moved.arousal - start.arousal) * da >= 0
    if dv:
        assert abs(moved.valence) >= 0.35
    if da:
        assert abs(moved.arousal) >= 0.35
    if group:
        assert moved.ekman[group] > start.ekman[group]
    assert abs(sum(moved.ekman.values()) - 1.0) < 1e-3
    assert start.valence == 0.0  # pure: the input is untouched


def test_shift_changes_the_music() -> None:
    calmer = shift(HAPPY, "calmer", amount=1.0)
    assert music_params(calmer).tempo_bpm < music_params(HAPPY).tempo_bpm
    sadder = shift(HAPPY, "a bit sadder", amount=1.0)
    assert sadder.valence < HAPPY.valence


def test_shift_rejects_unknown_direction_and_bad_amount() -> None:
    with pytest.raises(InputError, match="sadder"):
        shift(HAPPY, "purple")
    with pytest.raises(InputError):
        shift(HAPPY, "sadder", amount=0.0)
    with pytest.raises(InputError):
        shift(HAPPY, "sadder", amount=1.5)


def test_steering_handles_an_empty_emotion() -> None:
    empty = Emotion(labels={}, ekman={}, valence=0.0, arousal=0.0, summary="")
    _valid(music_params(empty))
    assert lyric_tone(empty).tone
    assert retrieval_target(empty).mood_tags


def test_tag_table_covers_all_59_tags() -> None:
    from pathlib import Path

    path = Path("/work/shared/data/mtg_jamendo/tags_moodtheme.txt")
    names = {tags.normalize_tag(line) for line in path.read_text().splitlines() if line.strip()}
    assert len(names) == 59
    assert set(tags.TAG_VA) == names == set(tags.TAG_WORDS) == set(tags.TAG_EKMAN) == set(tags.TAG_WEIGHT)
    for v, a in tags.TAG_VA.values():
        assert -1 <= v <= 1 and -1 <= a <= 1
    assert set(tags.TAG_EKMAN.values()) <= set(EKMAN_LABELS)


def test_tags_to_va_orders_moods_sensibly() -> None:
    happy = tags.tags_to_va(["mood/theme---happy", "mood/theme---upbeat"])
    sad = tags.tags_to_va(["sad", "melancholic"])
    calm = tags.tags_to_va(["Calm", "relaxing"])
    assert happy and sad and calm
    assert happy[0] > 0.5 > sad[0] and sad[0] < -0.5
    assert calm[1] < -0.5 < happy[1]
    assert tags.tags_to_va(["rock", "guitar"]) is None
    assert tags.tags_to_va([]) is None
    # a theme tag counts less than a mood tag
    mixed = tags.tags_to_va(["happy", "film"])
    assert mixed and mixed[0] > 0.6


def test_doctests_of_pure_modules() -> None:
    for module in (tags, describe, lexicon, steering):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


def test_pure_modules_import_no_heavy_libraries() -> None:
    code = (
        "import sys; import copilot.emotion.steering, copilot.emotion.tags, copilot.emotion.analyzer, "
        "copilot.emotion.cli, copilot.emotion.head;"
        "bad = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'gradio', 'sklearn') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_music_follows_the_feelings_the_text_names_itself() -> None:
    """A text that names joy and sadness ("happy and sad at once") is steered as mixed even when
    the probabilities alone give sadness only, so the key agrees with the summary."""
    ekman = {"sadness": 0.6, "joy": 0.12, "fear": 0.1, "neutral": 0.1, "anger": 0.04, "surprise": 0.02, "disgust": 0.02}
    plain = Emotion(labels={}, ekman=ekman, valence=-0.3, arousal=-0.2, summary="")
    named = Emotion(labels={}, ekman=ekman, valence=-0.3, arousal=-0.2, summary="", felt=("joy", "sadness"))
    assert describe.strong_pair(ekman) == ("sadness", None)
    assert steering.mode_for(plain) == "minor"
    assert steering.mode_for(named) == "dorian", "joy and sadness, leaning sad: dorian"
    assert steering.progression_for(named) != steering.progression_for(plain)
