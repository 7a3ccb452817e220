"""Prosody at the word level: syllables, stress, rhyme kinds, suggestions, syllabification."""

from __future__ import annotations

import pytest

from copilot import prosody


@pytest.mark.parametrize(
    ("word", "count"),
    [("fire", 2), ("every", 3), ("beautiful", 3), ("orange", 2), ("the", 1), ("heart", 1), ("tomorrow", 3)],
)
def test_known_syllable_counts(word: str, count: int) -> None:
    assert prosody.word_syllables(word) == count


def test_alternative_pronunciations_are_options() -> None:
    assert prosody.syllable_options("fire") == {1, 2}
    assert prosody.syllable_options("every") == {2, 3}


@pytest.mark.parametrize(("word", "count"), [("glimmerous", 3), ("zorpable", 3), ("blorft", 1), ("snarked", 1)])
def test_fallback_for_unknown_words(word: str, count: int) -> None:
    assert not prosody.pronunciations(word)
    assert prosody.word_syllables(word) == count


def test_line_counts_and_stress() -> None:
    assert prosody.syllable_count("The morning light is beautiful") == 8
    assert prosody.syllable_count("") == 0
    assert prosody.stress_pattern("the morning light") == "0101"
    assert prosody.word_stress("beautiful") == [1, 0, 0]


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("night", "light", "perfect"),
        ("love", "above", "perfect"),
        ("fire", "higher", "perfect"),
        ("nation", "station", "perfect"),
        ("time", "line", "family"),
        ("heart", "dark", "family"),
        ("love", "enough", "assonance"),
        ("cat", "dog", "none"),
        ("night", "morning", "none"),
        ("night", "night", "identical"),
        ("night", "knight", "identical"),
        ("leave", "believe", "identical"),
        # the traps of the old checker: reduced vowels and unstressed endings never rhyme
        ("good", "kid", "none"),
        ("for", "her", "none"),
        ("the", "see", "none"),
        ("that", "but", "none"),
        ("it", "good", "none"),
        ("me", "family", "none"),
        ("bike", "outside", "assonance"),
    ],
)
def test_rhyme_kinds(a: str, b: str, kind: str) -> None:
    assert prosody.rhyme_kind(a, b) == kind
    assert prosody.rhymes(a, b) == (kind in {"perfect", "family"})


def test_unknown_words_claim_no_rhyme_but_plurals_of_known_words_do() -> None:
    assert prosody.rhyme_kind("zorblax", "max") == "none"
    assert prosody.rhyme_kind("streetlights", "nights") == "none"  # not in CMUdict, nor its stem
    assert not prosody.pronunciations("heartaches")  # not in CMUdict; its stem is
    assert prosody.rhyme_tails("heartaches")[0].tail == (*prosody.rhyme_tails("heartache")[0].tail, "S")


def test_rhymes_for_good_are_not_reduced_vowel_matches() -> None:
    words = [w for w, _ in prosody.rhymes_for("good", limit=30)]
    assert "kid" not in words and words, words
    assert {"could", "wood", "stood"} & set(words[:8])


def test_same_word_never_rhymes_and_case_is_ignored() -> None:
    assert not prosody.rhymes("Rain", "rain")
    assert prosody.rhymes("Rain", "AGAIN")


def test_multi_word_rhyme_length() -> None:
    assert prosody.multi_rhyme_length("falling apart", "calling a star") == 3
    assert prosody.multi_rhyme_length("night", "cat") == 0


def test_rhymes_for_without_theme_are_common_real_rhymes() -> None:
    got = prosody.rhymes_for("night", limit=15)
    words = [w for w, _ in got]
    assert {"light", "right", "fight"} <= set(words)
    assert "night" not in words and all(prosody.rhymes("night", w) for w in words)
    assert got[0][1] == "perfect"


def test_rhymes_for_ranks_by_theme_with_embedder(embedder) -> None:
    every = {w for w, _ in prosody.rhymes_for("sea", limit=5000)}
    themed = [w for w, _ in prosody.rhymes_for("sea", "sailing on the ocean with the waves", embedder.embed, limit=8)]
    plain = [w for w, _ in prosody.rhymes_for("sea", limit=8)]
    assert set(themed) <= every and themed != plain
    assert any(w in themed for w in ("breeze", "seas", "free", "flee", "sea's", "tea"))


def test_syllabify_gives_stress_and_word_ends() -> None:
    syl = prosody.syllabify("Beautiful fire, the end")
    assert [s.text for s in syl] == ["Beau", "ti", "ful", "fi", "re", "the", "end"]
    assert [s.stress for s in syl] == [1, 0, 0, 1, 0, 0, 1]
    assert [s.word_end for s in syl] == [False, False, True, False, True, True, True]
    assert len(prosody.syllabify("every orange")) == prosody.syllable_count("every orange")


def test_prosody_does_not_import_heavy_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, copilot.prosody, copilot.lyrics.generator, copilot.lyrics.edit; "
        "print(sorted(m for m in ('torch','openai','chromadb','gradio','llama_cpp','sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
