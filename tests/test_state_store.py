"""The state database on SQLite: versions and undo, the one-time import, export/import, migrations.

Real parts throughout: a SQLite file per test, Alembic migrations, child processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from copilot import atomic
from copilot.cli import main
from copilot.errors import ConfigError, InputError, NotFound, StoreError
from copilot.lyrics.form import Lyrics
from copilot.settings import Settings
from copilot.song import ChatTurn, MelodyTake, SongState
from copilot.state import Location, StateDB, close_all, open_state
from copilot.state.dump import export_all, import_all
from copilot.state.engine import normalize_url, sqlite_url
from copilot.state.feedback import FeedbackStore
from copilot.state.songs import SongStore
from tests.state_checks import PROJECT_ROOT, check_sessions, kill_writers, run_sessions

SESSION_SECONDS = 25.0
SCHEMA_1 = Path(__file__).parent / "data" / "song_schema1.json"


@pytest.fixture(autouse=True)
def _close_databases():
    yield
    close_all()


def test_saves_become_versions_and_undo_walks_back(settings: Settings) -> None:
    store = SongStore(open_state(settings))
    song = SongState(session_id="s-v", title="Rain")
    assert store.save(song) == 1
    assert store.save(song) == 1, "an unchanged song is not a new version"
    song.add_message("user", "hello")
    song.last_intent = "talk"
    assert store.save(song) == 1, "talk alone is not a version"
    assert store.load("s-v").history == [ChatTurn("user", "hello")], "but it is kept"
    song.lyrics = Lyrics("Rain", ())
    assert store.save(song) == 2
    song.melody = MelodyTake(seed=7, summary_text="")
    song.params = song.params.__class__(tonic="D")
    assert store.save(song) == 3
    song.title = "Rain II"
    assert store.save(song) == 4
    history = store.history("s-v")
    assert [(v.version, v.changed) for v in history] == [
        (4, ("title",)), (3, ("melody", "params")), (2, ("lyrics",)), (1, ("new",)),
    ]  # fmt: skip
    before_melody = store.version_before("s-v", "melody")
    assert before_melody.version == 2
    store.restore("s-v", before_melody.version)
    back = store.load("s-v")
    assert back.melody is None and back.lyrics == Lyrics("Rain", ()) and back.title == "Rain"
    assert back.history == [ChatTurn("user", "hello")], "the conversation is not rolled back"
    assert store.undo("s-v").version == 1 and store.load("s-v").lyrics is None
    with pytest.raises(NotFound, match="first"):
        store.undo("s-v")
    with pytest.raises(NotFound, match="first version"):
        store.version_before("s-v", "title")
    # a save after going back branches from there; nothing was deleted
    song2 = store.load("s-v")
    song2.mood_text = "blue"
    assert store.save(song2) == 5 and store.history("s-v")[0].parent == 1
    assert len(store.history("s-v")) == 5
    with pytest.raises(InputError):
        store.version_before("s-v", "weather")
    with pytest.raises(NotFound):
        store.history("s-none")
    # the readable copy follows the current version
    assert json.loads((settings.sessions_dir / "s-v.json").read_text())["mood_text"] == "blue"


def test_likes_are_rows_and_history_imports_are_recorded(settings: Settings) -> None:
    db = open_state(settings)
    fb = FeedbackStore(db)
    fb.record("ann", "x", liked=True)
    fb.record("ann", "x", liked=False)
    fb.record("bob", "x", liked=True)
    assert fb.get("ann") == (set(), {"x"}) and fb.users() == ["ann", "bob"]
    fb.forget("ann", "x")
    assert fb.get("ann") == (set(), set())
    assert fb.import_history("ann,s3,4\nann,s3,5\n", source="h.csv") == (1, [])
    assert fb.history() == {"ann": {"s3": 5}}
    kinds = [i["kind"] for i in export_all(db)["imports"]]
    assert kinds == ["legacy-json", "history-csv"]
    with pytest.raises(InputError):
        fb.record("ann", "", liked=True)


def _old_files(home: Path) -> dict[Path, bytes]:
    song = SongState(session_id="s-old", title="Old Song")
    song.lyrics = Lyrics("Old Song", ())
    atomic.write_json(home / "sessions" / "s-old.json", song.to_dict())
    atomic.write_json(home / "sessions" / "s-schema1fix.json", json.loads(SCHEMA_1.read_text(encoding="utf-8")))
    (home / "sessions" / "s-broken.json").write_text("{")
    atomic.write_json(home / "feedback" / "users" / "ann.json", {"likes": {"a": 1.0, "b": 2.0}, "dislikes": {"c": 3.0}})
    atomic.write_json(home / "feedback" / "history.json", {"ann": {"a": 3}, "bob": {"d": 1}})
    return {p: p.read_bytes() for p in home.rglob("*.json")}


def test_old_json_files_are_imported_once_and_left_alone(settings: Settings) -> None:
    files = _old_files(settings.home)
    db = open_state(settings)
    store, fb = SongStore(db), FeedbackStore(db)
    assert sorted(s.session_id for s in store.list()) == ["s-old", "s-schema1fix"]
    assert store.load("s-old").title == "Old Song" and [v.changed for v in store.history("s-old")] == [("new",)]
    old = store.load("s-schema1fix")  # a schema-1 file is read typed and kept as schema 2
    assert isinstance(old.melody, MelodyTake) and old.melody.instrument == "flute" and old.lyrics is not None
    assert fb.get("ann") == ({"a", "b"}, {"c"}) and fb.history() == {"ann": {"a": 3}, "bob": {"d": 1}}
    summary = export_all(db)["imports"][0]
    assert summary["kind"] == "legacy-json" and summary["summary"]["songs"] == 2 and summary["summary"]["skipped"]
    assert {p: p.read_bytes() for p in files} == files, "the old files are untouched"
    # a second start (a new engine, as a new process) imports nothing again
    atomic.write_json(settings.home / "feedback" / "users" / "zed.json", {"likes": {"z": 1.0}, "dislikes": {}})
    close_all()
    again = open_state(settings)
    assert FeedbackStore(again).users() == ["ann"] and len(export_all(again)["imports"]) == 1


def test_export_import_round_trip_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    db = open_state(settings)
    store = SongStore(db)
    song = SongState(session_id="s-x", title="One")
    store.save(song)
    song.title = "Two"
    store.save(song)
    store.undo("s-x")
    FeedbackStore(db).record("ann", "a", liked=True)
    FeedbackStore(db).import_history("ann,a,2\n")
    out = tmp_path / "all.json"
    assert main(["state", "export", str(out)]) == 0
    other = settings.with_(home=tmp_path / "other")
    first = import_all(open_state(other), json.loads(out.read_text()))
    assert (first.songs, first.versions, first.opinions, first.plays) == (1, 2, 1, 1)
    second = import_all(open_state(other), json.loads(out.read_text()))
    assert (second.songs, second.versions, second.opinions, second.plays) == (0, 0, 0, 0)

    def comparable(data: dict) -> dict:
        return {k: data[k] for k in ("songs", "feedback", "plays")}

    assert comparable(export_all(open_state(other))) == comparable(export_all(db))
    assert SongStore(open_state(other)).load("s-x").title == "One", "the head came along"
    with pytest.raises(InputError):
        import_all(db, {"format": "something else"})
    bad = json.loads(out.read_text())
    bad["feedback"] = [{"user": "ann", "song_id": "q", "kind": "meh", "at": 1}]
    with pytest.raises(InputError):
        import_all(db, bad)
    assert FeedbackStore(db).get("ann") == ({"a"}, set()), "a refused import adds nothing"


def test_song_cli_history_undo_restore(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    store = SongStore(open_state(settings))
    song = SongState(session_id="s-cli", title="Cli")
    store.save(song)
    song.melody = MelodyTake(seed=1, summary_text="")
    store.save(song)
    song.title = "Cli 2"
    store.save(song)
    assert main(["song", "history", "s-cli"]) == 0
    out = capsys.readouterr().out
    assert "*   3" in out and "melody" in out
    assert main(["song", "restore", "s-cli", "--before", "melody"]) == 0
    assert "version 1" in capsys.readouterr().out
    assert store.load("s-cli").melody is None
    assert main(["song", "undo", "s-cli"]) == 1
    assert "nothing to undo" in capsys.readouterr().err
    assert main(["song", "restore", "s-cli", "3"]) == 0 and store.load("s-cli").title == "Cli 2"


def test_a_newer_schema_is_refused_with_the_setting_named(settings: Settings) -> None:
    db = open_state(settings)
    with db.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    close_all()
    with pytest.raises(StoreError, match="newer than this copilot") as err:
        open_state(settings)
    assert err.value.setting == "COPILOT_DATABASE_URL"
    assert main(["state", "info"]) == 1


def test_database_urls(tmp_path: Path) -> None:
    assert normalize_url("postgresql://u:pw@h/db").drivername == "postgresql+psycopg"
    assert normalize_url(sqlite_url(tmp_path / "x.sqlite")).database == str(tmp_path / "x.sqlite")
    for bad in ("mysql://h/db", "sqlite://", "not a url"):
        with pytest.raises(ConfigError) as err:
            normalize_url(bad)
        assert err.value.setting == "COPILOT_DATABASE_URL"
    assert Settings.from_env({"COPILOT_DATABASE_URL": "postgresql://h/db"}).database_url == "postgresql://h/db"


def test_a_damaged_row_is_a_store_error(settings: Settings) -> None:
    db = open_state(settings)
    SongStore(db).save(SongState(session_id="s-dmg"))
    with db.write() as conn:
        conn.execute(text("UPDATE song_versions SET data = '{broken' WHERE song_id = 's-dmg'"))
    with pytest.raises(StoreError, match="damaged"):
        SongStore(db).load("s-dmg")


def test_a_song_saved_by_one_process_opens_in_another(settings: Settings) -> None:
    code = (
        "import sys; from pathlib import Path; from copilot.song import SongState, SongStore\n"
        "from copilot.lyrics.form import Lyrics\n"
        "s = SongState(session_id='s-proc', title='From afar'); s.lyrics = Lyrics('x', ())\n"
        "SongStore(Path(sys.argv[1]) / 'sessions').save(s)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(settings.home)], cwd=PROJECT_ROOT, check=True, timeout=60)
    got = SongStore(open_state(settings)).load("s-proc")
    assert got.title == "From afar" and got.lyrics == Lyrics("x", ())


def test_a_schema_1_version_in_the_database_opens_and_saves_without_a_false_change(settings: Settings) -> None:
    """A song whose versions were written by the schema-1 code (here: arriving in an old export)."""
    content = json.loads(SCHEMA_1.read_text(encoding="utf-8"))
    session = {k: content.pop(k) for k in ("history", "updated", "last_intent")}
    version = {"version": 1, "parent": None, "saved_at": content["created"], "changed": "new", "data": content}
    song = {"id": "s-schema1fix", "title": content["title"], "created": content["created"],
            "updated": session["updated"], "head": 1, "session": session, "versions": [version]}  # fmt: skip
    db = open_state(settings)
    assert import_all(db, {"format": "copilot-state", "version": 1, "songs": [song]}).versions == 1
    store = SongStore(db)
    state = store.load("s-schema1fix")
    assert isinstance(state.melody, MelodyTake) and state.melody.version == 2 and len(state.history) == 12
    assert store.save(state) == 1, "opening an old song and saving it unchanged adds no version"
    state.melody = MelodyTake(seed=9, summary_text="new take", files={})
    assert store.save(state) == 2 and store.history("s-schema1fix")[0].changed == ("melody",)
    assert store.version_before("s-schema1fix", "melody").version == 1


def test_two_processes_fifty_sessions_lose_nothing_on_sqlite(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "shared.sqlite")
    StateDB(Location(url)).open().close()
    acks = run_sessions(url, SESSION_SECONDS, threads=25)
    db = StateDB(Location(url)).open()
    counts = check_sessions(db, acks)
    db.close()
    assert counts["songs"] == 50 + 5


def test_kill_9_during_writes_keeps_every_acknowledged_write_on_sqlite(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kill.sqlite")
    StateDB(Location(url)).open().close()
    assert kill_writers(url, range(1, 13)) >= 12


def check_profiles(db: StateDB) -> None:
    """Profiles replace whole; mood corrections are kept per user, capped, and removable."""
    from copilot.emotion.steering import emotion_at
    from copilot.state import profiles

    store = profiles.ProfileStore(db)
    assert store.profile("ann") == {}
    store.save_profile("ann", {"instruments": ["piano"], "melancholy": {"valence": -0.4}})
    store.save_profile("ann", {"instruments": ["cello"]})
    assert store.profile("ann") == {"instruments": ["cello"]}
    with pytest.raises(InputError):
        store.save_profile("ann", {"x": "y" * (profiles.MAX_PROFILE_CHARS + 1)})
    angry = emotion_at(-0.6, 0.7)
    for i in range(profiles.MAX_CORRECTIONS + 3):
        store.add_correction("ann", f"it's angrier than that {i}", angry)
    store.add_correction("bob", "just tired", emotion_at(-0.2, -0.6))
    kept = store.corrections("ann")
    assert len(kept) == profiles.MAX_CORRECTIONS and kept[0].text.endswith(" 3") and kept[-1].emotion.valence == -0.6
    assert store.reset_moods("ann") == profiles.MAX_CORRECTIONS and store.corrections("ann") == []
    assert [c.text for c in store.corrections("bob")] == ["just tired"], "another user is untouched"


def test_profiles_and_mood_corrections_on_sqlite(settings: Settings) -> None:
    check_profiles(open_state(settings))
