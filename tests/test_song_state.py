"""SongState: JSON round trip with a schema version, the store (atomic, list, find, reload), zip export."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from copilot import atomic
from copilot.errors import InputError, NotFound, StoreError
from copilot.settings import Settings
from copilot.song import SCHEMA_VERSION, SongState, export_zip, session_output_dir
from copilot.state.songs import SongStore
from copilot.types import Emotion, MusicParams


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
    state.lyrics = {"title": "Rain on Glass", "sections": [{"name": "chorus", "lines": [{"text": "la la"}]}]}
    state.melody = {"seed": 7, "files": {"mid": "rain.mid"}, "summary": {"notes": 3}}
    state.recommendations = [{"id": "t1", "title": "Song", "artist": "A", "score": 0.9, "why": "sad"}]
    state.set_feedback("t1", "like")
    state.add_message("user", "hello")
    state.add_message("assistant", "hi")
    return state


def test_round_trip_keeps_every_field() -> None:
    state = _full_state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION
    back = SongState.from_dict(data)
    assert back.to_dict() == state.to_dict()
    assert back.emotion == state.emotion and back.params.tempo_range == (60, 80)


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
    assert len(state.history) == 10 and state.history[-1]["content"] == "m29"
    state.set_feedback("x", "like")
    state.set_feedback("x", "dislike")
    assert [f["kind"] for f in state.feedback] == ["dislike"]
    with pytest.raises(InputError):
        state.set_feedback("x", "meh")
    with pytest.raises(NotFound, match="no recommendations"):
        state.recommendation(1)
    state.recommendations = [{"id": "a"}]
    assert state.recommendation(1)["id"] == "a"
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
    state.melody = {"seed": 7, "files": {"mid": "rain.mid", "wav": "missing.wav"}}
    out = export_zip(
        state, folder / "rain.zip", output_root=settings.output_dir, lyrics_txt="la la\n", lyrics_md="# Rain\n"
    )
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == ["rain-on-glass.md", "rain-on-glass.mid", "rain-on-glass.txt", "song.json"]
        assert json.loads(zf.read("song.json"))["title"] == "Rain on Glass"
        assert zf.read("rain-on-glass.mid") == b"MThd-fake"
    assert not any(p.name.endswith(".tmp") for p in folder.iterdir())
