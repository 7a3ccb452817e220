"""Corrections teach the mood analysis, per user (issue 13 item 4).

The pure part (:mod:`copilot.emotion.personal`) on hand-made points; then the real parts:
the MiniLM analyzer, a real SQLite state database in ``tmp_path`` (:class:`ProfileStore`),
and the conversation (:class:`Copilot`) reading real messages with the shipped intent model.
"""

from __future__ import annotations

import numpy as np
import pytest

from copilot.chat import Copilot
from copilot.chat.learning import LIKE_PULL, MoodLearning
from copilot.chat.understand.corrections import is_correction
from copilot.emotion import load_analyzer
from copilot.emotion.personal import CAL_PRIOR, MoodExample, MoodPoint, calibrate, learn
from copilot.emotion.steering import emotion_at
from copilot.llm.base import ScriptedChatModel
from copilot.settings import Settings
from copilot.song import ShownSong, SongFeeling
from copilot.state import open_state
from copilot.state.profiles import ProfileStore
from copilot.types import Emotion

CALM = Emotion({}, {"neutral": 0.7, "joy": 0.3}, 0.3, -0.6, "calm")


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


# ----------------------------------------------------------------------------- pure


def test_an_example_moves_similar_texts_and_the_same_mood_point_only() -> None:
    meant = MoodPoint(-0.5, -0.6, "sadness")
    model = learn([MoodExample("by the lake", _unit(1, 0, 0), MoodPoint(0.3, -0.6, "neutral"), meant)])
    near = model.adjust(CALM, _unit(1, 0.2, 0))  # cosine 0.98, and where the model put the example
    assert near.valence < -0.2 and near.top == "sadness", near
    assert abs(near.arousal - CALM.arousal) < 0.05
    # another text the model put at the same point: the calibration moves it 1 / (1 + CAL_PRIOR) of the way
    same_point = model.adjust(CALM, _unit(0, 0, 1))
    assert same_point.valence == pytest.approx(CALM.valence - 0.8 / (1 + CAL_PRIOR), abs=1e-3)
    assert same_point.top == CALM.top
    # another text elsewhere in mood space: not moved at all
    party = Emotion({}, {"joy": 0.9, "neutral": 0.1}, 0.8, 0.6, "joy")
    moved = model.adjust(party, _unit(0, 0, 1))
    assert abs(moved.valence - party.valence) < 1e-3 and moved.top == "joy"


def test_the_calibration_grows_with_the_count() -> None:
    said, meant = MoodPoint(0.2, -0.5, "neutral"), MoodPoint(-0.4, -0.5, "sadness")
    moved = [0.2 - calibrate([(said, meant)] * n).apply(0.2, -0.5)[0] for n in (1, 5, 20)]
    assert moved == pytest.approx([0.6 * n / (n + CAL_PRIOR) for n in (1, 5, 20)], abs=1e-4)


def test_the_latest_example_of_a_text_wins() -> None:
    v = _unit(1, 0)
    said = MoodPoint(0.3, -0.6, "neutral")
    first = MoodExample("the lake", v, said, MoodPoint(-0.8, -0.6, "sadness"))
    then = MoodExample("the lake", v, said, MoodPoint(0.8, 0.2, "joy"))
    assert learn([first, then]).adjust(CALM, v).top == "joy"
    assert learn([then, first]).adjust(CALM, v).top == "sadness"


def test_no_examples_leave_the_analysis_as_it_is() -> None:
    assert learn([]).adjust(CALM, _unit(1, 0)) is CALM


def test_corrections_are_told_from_requests() -> None:
    said = ["sadder than that", "no, it's more angry", "not nostalgic, just tired", "it's calmer than you think"]
    asked = ["make it sadder", "a bit calmer please", "write a chorus about the sea", "not too sad"]
    assert all(is_correction(t) for t in said)
    assert not any(is_correction(t) for t in asked)


# ----------------------------------------------------------------------------- real parts


@pytest.fixture
def learning(settings: Settings, embedder: object) -> MoodLearning:
    analyzer = load_analyzer(settings)
    return MoodLearning(ProfileStore(open_state(settings)), lambda: analyzer)


LAKE = "sitting by the lake on a still evening"
LAKE_LIKE = "a still evening by the lake, just sitting"
PARTY = "we won the final and the whole town is dancing"


def test_a_user_without_examples_gets_exactly_the_analyzer_s_reading(learning: MoodLearning) -> None:
    analyzer = learning._analyzer()
    for text in (LAKE, PARTY):
        assert learning.analyze("ana", text) == analyzer.analyze(text)


def test_a_correction_teaches_that_user_only_and_reset_forgets_it(learning: MoodLearning) -> None:
    analyzer = learning._analyzer()
    raw = analyzer.analyze(LAKE_LIKE)
    meant = emotion_at(-0.7, -0.5, {"sadness": 1.0})
    learning.remember("ana", LAKE, meant)
    assert [c.text for c in learning.profiles.corrections("ana")] == [LAKE]

    ana = learning.analyze("ana", LAKE_LIKE)  # a similar text, never corrected itself
    assert ana.valence < raw.valence - 0.3 and ana.top == "sadness", (raw, ana)
    assert learning.analyze("bo", LAKE_LIKE) == raw, "another user's reading is unchanged, exactly"
    party_raw = analyzer.analyze(PARTY)
    party = learning.analyze("ana", PARTY)
    assert party.top == party_raw.top and abs(party.valence - party_raw.valence) < 0.2, "an unrelated text barely moves"

    assert learning.profiles.reset_moods("ana") == 1
    assert learning.analyze("ana", LAKE_LIKE) == raw, "after reset-mood the analysis is user-neutral again"


def test_a_liked_song_near_the_mood_is_weaker_evidence_and_a_far_one_none(learning: MoodLearning) -> None:
    mood = learning.analyze("ana", LAKE)
    near = SongFeeling(mood.valence - 0.3, mood.arousal - 0.2, "sadness")
    kept = learning.learn_from_like("ana", LAKE, mood, near)
    assert kept is not None and kept.valence == pytest.approx(mood.valence - 0.3 * LIKE_PULL, abs=1e-3)
    far = SongFeeling(-mood.valence, 0.9, "anger")
    assert learning.learn_from_like("ana", LAKE, mood, far) is None
    assert len(learning.profiles.corrections("ana")) == 1
    assert learning.analyze("ana", LAKE).valence < mood.valence


@pytest.fixture
def copilot(settings: Settings, embedder: object) -> Copilot:
    return Copilot.from_settings(settings, chat=ScriptedChatModel(default="ok"), embedder=embedder, reading=None)


STORY = "it's for my gran, we used to sit by the sea on quiet evenings"


def _say(cp: Copilot, state: object, message: str) -> str:
    events = list(cp.handle(message, state))  # type: ignore[arg-type]
    errors = [e.text for e in events if e.kind == "error"]
    assert not errors, errors
    return "".join(e.text for e in events if e.kind == "text")


def test_a_chat_correction_is_kept_and_the_next_analysis_for_that_user_moves(copilot: Copilot) -> None:
    state = copilot.new_state()
    _say(copilot, state, STORY)
    assert state.emotion is not None and STORY in state.mood_text
    before = copilot.analyze(STORY)
    assert before is not None
    reply = _say(copilot, state, "no, it's sadder than that")
    assert state.emotion.valence < before.valence, "the song's mood changed now"
    assert state.mood_text == STORY, "the words stay the song's"
    kept = ProfileStore(copilot.store.db).corrections(copilot.user)
    assert [c.text for c in kept] == [STORY] and kept[0].emotion.valence == state.emotion.valence
    assert "from now on" in reply
    after = copilot.analyze(STORY)
    assert after is not None and after.valence < before.valence - 0.1, (before, after)

    other = Copilot(copilot.settings, copilot.engines, copilot.store, user="someone-else")
    assert other.analyze(STORY) == before, "another user is unaffected"


def test_asking_for_a_change_is_not_kept_as_a_correction(copilot: Copilot) -> None:
    state = copilot.new_state()
    _say(copilot, state, STORY)
    _say(copilot, state, "make it sadder")
    assert ProfileStore(copilot.store.db).corrections(copilot.user) == []


def test_moving_the_mood_point_on_the_page_is_a_correction(copilot: Copilot) -> None:
    state = copilot.new_state()
    _say(copilot, state, STORY)
    note = copilot.apply_params(state, {}, None, mood=(-0.8, -0.6))
    kept = ProfileStore(copilot.store.db).corrections(copilot.user)
    assert [c.text for c in kept] == [STORY] and kept[0].emotion.valence == pytest.approx(-0.8)
    assert state.emotion is not None and state.emotion.valence == pytest.approx(-0.8)
    assert "from now on" in note


def test_a_like_through_the_page_is_evidence_for_the_user(copilot: Copilot) -> None:
    state = copilot.new_state()
    _say(copilot, state, STORY)
    assert state.emotion is not None
    e = state.emotion
    state.recommendations = [ShownSong("s1", "Near", "A", emotion=SongFeeling(e.valence - 0.2, e.arousal, "sadness"))]
    assert copilot.learn_from_like(state, state.recommendations[0])
    assert len(ProfileStore(copilot.store.db).corrections(copilot.user)) == 1


def test_a_corrected_mood_word_is_kept_as_what_the_story_meant(copilot: Copilot) -> None:
    state = copilot.new_state()
    story = "I keep thinking about my childhood home and the summers there"
    _say(copilot, state, story)
    tired = copilot.analyze("tired")  # no examples yet: the model's own reading
    _say(copilot, state, "not nostalgic, just tired")
    kept = ProfileStore(copilot.store.db).corrections(copilot.user)
    assert tired is not None and [c.text for c in kept] == [story]
    assert kept[0].emotion == tired and state.emotion == tired and state.mood_text == story
