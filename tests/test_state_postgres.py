"""The state database on a real PostgreSQL: a throwaway cluster started for this module.

The cluster (Debian's ``postgresql``, installed by ``make setup-test``) runs as the
``postgres`` user on 127.0.0.1 on a free port in a temporary directory, and is stopped
and removed at the end. Each test gets its own database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.errors import StoreError
from copilot.settings import Settings
from copilot.song import MelodyTake, SongState
from copilot.state import Location, StateDB, close_all, open_location, open_state
from copilot.state.dump import export_all, import_all
from copilot.state.feedback import FeedbackStore
from copilot.state.songs import SongStore
from tests.pg_cluster import Cluster
from tests.state_checks import PROJECT_ROOT, check_sessions, kill_writers, run_sessions

pytestmark = pytest.mark.slow
SESSION_SECONDS = 25.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    pg = Cluster()
    pg.start()
    try:
        yield pg
    finally:
        close_all()
        pg.remove()


@pytest.fixture
def pg_url(cluster: Cluster) -> Iterator[str]:
    yield cluster.create_db()
    close_all()


def test_songs_versions_likes_and_old_files_on_postgres(settings: Settings, pg_url: str) -> None:
    (settings.home / "feedback" / "users").mkdir(parents=True)
    (settings.home / "feedback" / "users" / "ann.json").write_text(json.dumps({"likes": {"old": 1.0}, "dislikes": {}}))
    pg = settings.with_(database_url=pg_url)
    db = open_state(pg)
    assert db.dialect == "postgresql" and db.copies_dir is None and "postgresql+psycopg" in db.shown_url
    store, fb = SongStore(db), FeedbackStore(db)
    song = SongState(session_id="s-pg", title="Harbour")
    store.save(song)
    song.melody = MelodyTake(seed=3, summary_text="")
    store.save(song)
    assert store.version_before("s-pg", "melody").version == 1
    assert store.undo("s-pg").version == 1 and store.load("s-pg").melody is None
    fb.record("ann", "new", liked=True)
    fb.record("ann", "new", liked=True)
    assert fb.get("ann") == ({"old", "new"}, set()), "the old file was imported, the upsert kept one row"
    # SQLite -> export -> PostgreSQL: the same state
    lite = open_state(settings)
    SongStore(lite).save(SongState(session_id="s-lite", title="Laptop"))
    assert import_all(db, export_all(lite)).songs == 1
    assert SongStore(db).load("s-lite").title == "Laptop"


def test_replicas_starting_together_migrate_once(pg_url: str) -> None:
    code = (
        "import sys; from copilot.state import Location, StateDB; print(StateDB(Location(sys.argv[1])).open().revision)"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0] and len(set(outs)) == 1, outs


def test_two_processes_fifty_sessions_lose_nothing_on_postgres(pg_url: str) -> None:
    StateDB(Location(pg_url)).open().close()
    acks = run_sessions(pg_url, SESSION_SECONDS, threads=25)
    db = StateDB(Location(pg_url)).open()
    counts = check_sessions(db, acks)
    db.close()
    assert counts["songs"] == 50 + 5


def test_kill_9_during_writes_keeps_every_acknowledged_write_on_postgres(pg_url: str) -> None:
    StateDB(Location(pg_url)).open().close()
    assert kill_writers(pg_url, range(101, 109)) >= 8


def test_postgres_stopping_is_one_clear_error_then_recovery(cluster: Cluster, pg_url: str, tmp_path: Path) -> None:
    db = open_location(Location(pg_url, timeout_s=5.0))
    store = SongStore(db)
    song = SongState(session_id="s-restart", title="Before")
    store.save(song)
    cluster.stop()
    try:
        song.title = "While down"
        with pytest.raises(StoreError) as err:
            store.save(song)
        assert err.value.setting == "COPILOT_DATABASE_URL"
        assert (
            "cannot be used right now" in err.value.user_message()
            and "COPILOT_DATABASE_URL" in err.value.user_message()
        )
        with pytest.raises(StoreError):
            FeedbackStore(db).get("ann")
    finally:
        cluster.start()
    # the same objects work again: dead pooled connections are replaced (pool_pre_ping)
    song.title = "After"
    store.save(song)
    assert store.load("s-restart").title == "After"
    assert [v.title for v in store.history("s-restart")] == ["After", "Before"]


def test_profiles_and_mood_corrections_on_postgres(settings: Settings, pg_url: str) -> None:
    from tests.test_profiles import check_changes_at_once
    from tests.test_state_store import check_profiles

    db = open_state(settings.with_(database_url=pg_url))
    check_profiles(db)
    check_changes_at_once(db)
