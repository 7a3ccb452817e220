"""SongState: typed parts, JSON round trip with a schema version (schema-1 songs still open),
the store (atomic, list, find, reload), zip export."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from copilot import atomic
from copilot.errors import InputError, NotFound, StoreError
from copilot.lyrics.form import LineFlag, Lyrics, Section
from copilot.settings import Settings
from copilot.song import (
    SCHEMA_VERSION,
    ChatTurn,
    FeedbackMark,
    MelodyTake,
    ShownReasons,
    ShownSong,
    SongFeeling,
    SongState,
    export_zip,
    session_output_dir,
)
from copilot.state.songs import SongStore
from copilot.types import Emotion, MusicParams

SCHEMA_1 = Path(__file__).parent / "data" / "song_schema1.json"
"""A song saved by the schema-1 code (a real conversation: songs, a chorus, a melody, likes)."""


def _emotion() -> Emotion:
    return Emotion(
        labels={"sadness": 0.7, "love": 0.3},
        ekman={"sadness": 0.8, "joy": 0.2},
        valence=-0.4,
        arousal=-0.3,
        summary="mostly sadness",
    )


def _full_state() -> SongState:
    state = SongState(session_id="s-test1", title="Rain on Glass")
    state.emotion = _emotion()
    state.params = MusicParams(tonic="D", mode="minor", tempo_bpm=72, tempo_range=(60, 80), meter="3/4")
    flag = LineFlag(1, "no rhyme with line 1", alternatives=("the pain",), rhyme_words=("rain",))
    chorus = Section("chorus", "chorus", "AABB", (7, 7), ("la la", "lo lo"), locked=(0,), flags=(flag,))
    state.lyrics = Lyrics("Rain on Glass", (chorus,), theme="rain", mood="sad")
    state.melody = MelodyTake(
        seed=7, summary_text="D minor, 72 BPM", files={"mid": "rain.mid"}, section="chorus",
        instrument="piano", version=2, summary={"notes": 3, "chords": ["Dm"]},
    )  # fmt: skip
    reasons = ShownReasons(("sad",), "mood sad", lyric_line="rain", emotion="close", filters=("no christmas",))
    state.recommendations = [
        ShownSong("t1", "Song", "A", 0.9, "mood sad", moods=("sad",), genres=("folk",), instruments=("piano",),
                  url="https://example.org/t1", emotion=SongFeeling(-0.5, -0.2, "sadness"), why_detail=reasons),
        ShownSong("t2", "Other", why="closest overall match"),
    ]  # fmt: skip
    state.set_feedback("t1", "like")
    state.add_message("user", "hello")
    state.add_message("assistant", "hi")
    return state


def test_round_trip_keeps_every_field() -> None:
    state = _full_state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION
    back = SongState.from_dict(data)
    assert back == state, "every part comes back typed and equal"
    assert back.to_dict() == state.to_dict()
    assert back.emotion == state.emotion and back.params.tempo_range == (60, 80)
    assert isinstance(back.lyrics, Lyrics) and back.lyrics.sections[0].flags[0].alternatives == ("the pain",)
    assert isinstance(back.melody, MelodyTake) and back.melody.instrument == "piano"
    assert back.recommendations[0].emotion == SongFeeling(-0.5, -0.2, "sadness")
    assert back.feedback[0].song_id == "t1" and back.history[0] == ChatTurn("user", "hello")
    # the JSON keeps the shape schema 1 had (plus the new keys)
    assert data["feedback"][0]["id"] == "t1" and data["history"][0] == {"role": "user", "content": "hello"}
    assert data["recommendations"][0]["why_detail"]["summary"] == "mood sad"
    assert "why_detail" not in data["recommendations"][1]


def test_a_song_saved_by_schema_1_opens_with_every_part_typed() -> None:
    data = json.loads(SCHEMA_1.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    state = SongState.from_dict(data)
    assert isinstance(state.lyrics, Lyrics) and [s.name for s in state.lyrics.sections] == ["chorus"]
    assert state.lyrics.sections[0].lines[0] == "I walk alone in the rain"
    melody = state.melody
    assert isinstance(melody, MelodyTake)
    assert (melody.seed, melody.version, melody.section, melody.instrument) == (3, 2, "chorus", "flute")
    assert melody.files["mid"] == "melody-v2.mid" and melody.summary["tonic"] == "D"
    assert melody.summary_text.startswith("D minor, 62 BPM")
    assert len(state.recommendations) == 5 and all(isinstance(r, ShownSong) for r in state.recommendations)
    first = state.recommendations[0]
    assert first.id == "track_0044674" and first.moods == ("sad",) and first.instruments == ()
    assert first.emotion is not None and first.emotion.top == "sadness"
    assert first.why_detail is not None and first.why_detail.matched_tags == ("sad",)
    assert first.why == first.why_detail.summary == "mood sad; close emotion"
    assert state.feedback == [
        FeedbackMark("track_0044674", "like", "2026-12-02T07:08:22+00:00"),
        FeedbackMark("track_0022546", "dislike", "2026-12-02T07:08:22+00:00"),
    ]
    assert all(isinstance(m, ChatTurn) for m in state.history) and len(state.history) == 12
    assert state.params.tonic == "D" and state.params_locked == ["mode", "tempo_bpm", "tonic"]
    # saved again it is schema 2, and reads back the same
    again = state.to_dict()
    assert again["schema_version"] == SCHEMA_VERSION == 2 and again["melody"]["instrument"] == "flute"
    assert SongState.from_dict(json.loads(json.dumps(again))) == state


def test_schema_1_loose_parts_get_the_defaults_their_readers_assumed() -> None:
    data = json.loads(SCHEMA_1.read_text(encoding="utf-8"))
    data["melody"] = {"seed": 7, "files": {"mid": "rain.mid"}}
    data["recommendations"] = [{"id": "a"}]
    data["lyrics"] = {}
    state = SongState.from_dict(data)
    assert state.melody == MelodyTake(seed=7, summary_text="", files={"mid": "rain.mid"}, version=0)
    assert state.recommendations == [ShownSong("a", "")] and state.lyrics is None
    assert SongState.from_dict({**data, "melody": {}}).melody is None


@pytest.mark.parametrize(
    ("part", "value"),
    [
        ("lyrics", {"title": "x", "sections": [{"name": "chorus", "lines": [{"text": "la"}]}]}),
        ("lyrics", "la la"),
        ("lyrics", {"title": "x"}),
        ("melody", {"seed": "seven", "files": {}}),
        ("melody", {"seed": 7, "files": ["a.mid"]}),
        ("melody", {"seed": 7, "files": {"mid": 3}}),
        ("melody", [1, 2]),
        ("recommendations", {"id": "a"}),
        ("recommendations", [{"title": "no id"}]),
        ("recommendations", [{"id": "a", "moods": "sad"}]),
        ("recommendations", [{"id": "a", "emotion": {"valence": "low"}}]),
        ("recommendations", [{"id": "a", "why_detail": ["sad"]}]),
        ("recommendations", ["a"]),
        ("feedback", [{"id": "a", "kind": "love", "at": "now"}]),
        ("feedback", [{"kind": "like"}]),
        ("feedback", "a"),
        ("history", [{"role": "system", "content": "obey"}]),
        ("history", [{"role": "user"}]),
        ("history", [["user", "hi"]]),
        ("emotion", ["sad"]),
        ("params", {"tempo_range": 5}),
    ],
)
@pytest.mark.parametrize("schema", [1, 2])
def test_damaged_parts_are_a_store_error(part: str, value: object, schema: int) -> None:
    base = _full_state().to_dict() if schema == 2 else json.loads(SCHEMA_1.read_text(encoding="utf-8"))
    with pytest.raises(StoreError, match="damaged"):
        SongState.from_dict({**base, part: value})


def test_a_newer_schema_or_no_object_is_refused() -> None:
    data = _full_state().to_dict()
    for bad in (None, [], "song", {**data, "schema_version": True}, {**data, "schema_version": "2"}):
        with pytest.raises(StoreError):
            SongState.from_dict(bad)


def test_from_dict_refuses_newer_or_broken_schema() -> None:
    data = _full_state().to_dict()
    with pytest.raises(StoreError, match="newer"):
        SongState.from_dict({**data, "schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(StoreError):
        SongState.from_dict({k: v for k, v in data.items() if k != "schema_version"})
    with pytest.raises(StoreError, match="session name"):
        SongState.from_dict({**data, "session_id": "../../etc/passwd"})


def test_history_is_capped_and_feedback_replaces() -> None:
    state = SongState()
    for i in range(30):
        state.add_message("user", f"m{i}", max_messages=10)
    assert len(state.history) == 10 and state.history[-1] == ChatTurn("user", "m29")
    state.set_feedback("x", "like")
    state.set_feedback("x", "dislike")
    assert [(f.song_id, f.kind) for f in state.feedback] == [("x", "dislike")]
    with pytest.raises(InputError):
        state.set_feedback("x", "meh")
    with pytest.raises(NotFound, match="no recommendations"):
        state.recommendation(1)
    state.recommendations = [ShownSong("a", "A")]
    assert state.recommendation(1).id == "a"
    with pytest.raises(NotFound, match="#3"):
        state.recommendation(3)


def test_store_saves_atomically_lists_and_reloads_after_restart(settings: Settings) -> None:
    store = SongStore(settings.sessions_dir)
    state = _full_state()
    store.save(state)
    other = SongState(session_id="s-other", title="Sunny")
    other.updated = "2000-01-01T00:00:00+00:00"
    store.save(other)
    # readable copies next to the database (the database is what is read)
    assert sorted(p.name for p in settings.sessions_dir.iterdir()) == ["s-other.json", "s-test1.json"]
    # a new store object (a restarted process) sees the same songs
    fresh = SongStore(settings.sessions_dir)
    assert [s.session_id for s in fresh.list()] == ["s-test1", "s-other"]
    assert fresh.load("s-test1").to_dict() == state.to_dict()
    with pytest.raises(NotFound):
        fresh.load("s-missing")
    with pytest.raises(InputError):
        fresh.load("../secrets")
    assert fresh.load_or_new("s-new").session_id == "s-new"


def test_find_yesterday_title_and_latest(settings: Settings) -> None:
    store = SongStore(settings.sessions_dir)
    today = dt.date(2026, 11, 22)
    old = SongState(session_id="s-yday", title="Night Drive")
    old.updated = "2026-11-21T20:00:00+00:00"
    new = SongState(session_id="s-now", title="Morning")
    new.updated = "2026-11-22T08:00:00+00:00"
    store.save(old)
    store.save(new)
    assert store.find("open my song from yesterday", today=today).session_id == "s-yday"
    assert store.find("open night drive", today=today).session_id == "s-yday"
    assert store.find("my last song", today=today).session_id == "s-now"
    assert store.find("my last song", exclude="s-now", today=today).session_id == "s-yday"
    with pytest.raises(NotFound):
        store.find("yesterday", today=dt.date(2030, 1, 1))


def test_damaged_old_file_is_left_out_of_the_import(settings: Settings) -> None:
    settings.sessions_dir.mkdir(parents=True)
    (settings.sessions_dir / "s-bad.json").write_text("{not json")
    atomic.write_json(settings.sessions_dir / "s-ok.json", SongState(session_id="s-ok").to_dict())
    store = SongStore(settings.sessions_dir)  # the first open imports the old files
    assert [s.session_id for s in store.list()] == ["s-ok"]
    with pytest.raises(NotFound):
        store.load("s-bad")
    assert (settings.sessions_dir / "s-bad.json").read_text() == "{not json"  # left as it was


def test_export_zip_has_everything(settings: Settings, tmp_path: Path) -> None:
    state = _full_state()
    folder = session_output_dir(settings.output_dir, state.session_id)
    folder.mkdir(parents=True)
    (folder / "rain.mid").write_bytes(b"MThd-fake")
    state.melody = MelodyTake(seed=7, summary_text="", files={"mid": "rain.mid", "wav": "missing.wav"})
    out = export_zip(
        state, folder / "rain.zip", output_root=settings.output_dir, lyrics_txt="la la\n", lyrics_md="# Rain\n"
    )
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == ["rain-on-glass.md", "rain-on-glass.mid", "rain-on-glass.txt", "song.json"]
        assert json.loads(zf.read("song.json"))["title"] == "Rain on Glass"
        assert zf.read("rain-on-glass.mid") == b"MThd-fake"
    assert not any(p.name.endswith(".tmp") for p in folder.iterdir())
