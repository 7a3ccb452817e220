"""A song's mood from its tags (issue 13 item 6), mixed-mood summaries (item 5) and the lexicon (item 3)."""

from __future__ import annotations

import pytest

from copilot.catalog.emotions import top_from_tags, va_from_tags
from copilot.chat.handlers.songs import emotion_of
from copilot.chat.params import params_for_mood
from copilot.emotion import tags
from copilot.emotion.analyzer import EmotionAnalyzer
from copilot.emotion.describe import strong_pair, summarize
from copilot.emotion.lexicon import lexicon_path, lexicon_valence
from copilot.song import ShownSong, SongFeeling
from copilot.types import Emotion, MusicParams

ISSUE_TAGS = ("melancholic", "mellow", "relaxing")
"""The track of the issue: averaged, it became valence +0.07 and a "neutral" top group."""


def test_melancholy_survives_being_mellow() -> None:
    mood = tags.tags_to_mood(ISSUE_TAGS)
    assert mood is not None
    assert mood.top == "sadness"
    assert mood.valence < -0.1 and mood.arousal < -0.5
    assert mood.moods[0] == "melancholic"
    # the calm tags alone are still calm and pleasant: they only weigh less on the feeling side
    calm = tags.tags_to_mood(["mellow", "relaxing"])
    assert calm is not None and calm.top == "neutral" and calm.valence > 0.2 and calm.arousal < -0.5


def test_calm_tags_keep_full_weight_on_arousal() -> None:
    mood = tags.tags_to_mood(["sad", "relaxing"])
    alone = tags.tags_to_mood(["sad"])
    assert mood is not None and alone is not None
    assert mood.arousal < alone.arousal  # relaxing pulls energy down fully
    assert mood.valence < 0  # ... but does not cancel the sadness


def test_strengths_decide_which_feeling_leads() -> None:
    sad_mostly = tags.tags_to_mood(["happy", "sad"], strengths=[0.2, 1.0])
    happy_mostly = tags.tags_to_mood(["happy", "sad"], strengths=[1.0, 0.2])
    assert sad_mostly is not None and happy_mostly is not None
    assert (sad_mostly.top, happy_mostly.top) == ("sadness", "joy")
    assert sad_mostly.moods[0] == "sad" and happy_mostly.moods[0] == "happy"
    assert sad_mostly.valence < 0 < happy_mostly.valence
    with pytest.raises(ValueError):
        tags.tags_to_mood(["happy", "sad"], strengths=[1.0])
    assert tags.tags_to_mood(["happy", "sad"], strengths=[float("nan"), 0.0]) is None  # nothing carried


def test_the_stronger_tag_wins_a_tie_of_groups() -> None:
    # one joy tag and one sadness tag: "sad" lies farther from the centre than "love"
    mood = tags.tags_to_mood(["love", "sad"])
    assert mood is not None and mood.top == "sadness"
    assert strong_pair(mood.ekman_dict()) == ("sadness", "joy")


def test_named_moods_skip_theme_tags_and_unknown_tags() -> None:
    mood = tags.tags_to_mood(["film", "rock", "mood/theme---Happy", "happy"])
    assert mood is not None and mood.moods == ("happy",)
    only_theme = tags.tags_to_mood(["film", "documentary"])
    assert only_theme is not None and set(only_theme.moods) == {"film", "documentary"}
    assert tags.tags_to_mood([]) is None and tags.tags_to_mood(["rock"]) is None


def test_emotion_from_tags_names_the_moods() -> None:
    emotion = tags.tags_to_emotion(ISSUE_TAGS)
    assert emotion is not None
    assert emotion.summary.startswith("melancholic, relaxing: sadness")
    assert emotion.top == "sadness" and abs(sum(emotion.ekman.values()) - 1.0) < 1e-3


def test_mood_of_a_shown_song_is_melancholy_not_neutral_c_major() -> None:
    # the catalog stored the plain average for this song: valence +0.07, top "neutral"
    song = ShownSong("t1", "Jamendo track 1361384", moods=ISSUE_TAGS, emotion=SongFeeling(0.0667, -0.6333, "neutral"))
    felt = emotion_of(song)
    assert felt is not None
    assert felt.top == "sadness" and felt.valence < 0
    assert "melancholic" in felt.summary
    params = params_for_mood(felt, MusicParams(), [])
    assert params.mode in ("minor", "dorian")
    # a song without known mood tags still uses the catalog's stored feeling
    plain = emotion_of(ShownSong("t2", "x", moods=("rock",), emotion=SongFeeling(0.6, 0.5, "joy")))
    assert plain is not None and plain.top == "joy" and plain.valence == 0.6


def test_catalog_bridge_uses_the_same_rule() -> None:
    assert top_from_tags(list(ISSUE_TAGS)) == "sadness"
    va = va_from_tags(list(ISSUE_TAGS))
    assert va is not None and va[0] < 0 and va[1] < -0.5
    assert top_from_tags(["love", "sad"]) == "sadness"
    assert top_from_tags(["rock"]) == "" and va_from_tags([]) is None


def test_summary_names_both_strong_groups_and_only_then() -> None:
    assert summarize({"joy": 0.45, "sadness": 0.4, "neutral": 0.15}, 0.0, -0.2).endswith("bittersweet")
    single = summarize({"joy": 0.85, "sadness": 0.1, "neutral": 0.05}, 0.7, 0.5)
    assert "sadness" not in single and "bittersweet" not in single


@pytest.fixture(scope="module")
def frozen_analyzer(embedder: object) -> EmotionAnalyzer:
    return EmotionAnalyzer(embedder, fine_tuned=False)  # type: ignore[arg-type]


def test_a_text_that_names_two_feelings_is_summarised_as_mixed(frozen_analyzer: EmotionAnalyzer) -> None:
    # the Ekman mix alone puts joy under MIX_MIN here; the writer's own words name both
    e = frozen_analyzer.analyze("the night before the move, boxes everywhere, excited and terrified")
    assert e.felt == ("joy", "fear")
    assert e.top == "fear" and "nervous excitement" in e.summary, e
    single = frozen_analyzer.analyze("I'm so happy today, the sun is out")
    assert single.felt == ("joy",) and "with some" not in single.summary, single
    assert Emotion.from_dict(e.to_dict()) == e  # the new field survives storage


def test_lexicon_is_vaders_rules_not_a_bag_of_words() -> None:
    plain, _ = lexicon_valence("the chorus is good")
    loud, _ = lexicon_valence("the chorus is GOOD!!!")
    assert loud > plain > 0  # capitals and exclamation marks intensify (VADER's rules)
    assert lexicon_valence("the chorus is not good")[0] < 0
    assert lexicon_valence("it was good but the ending was awful")[0] < 0  # the clause after "but" leads
    assert lexicon_valence("a red door")[1] == 0
    assert lexicon_path().is_file()
