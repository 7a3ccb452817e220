"""The listener's profile: history files (good, hostile, unmatched), the preference model, its ranking
step and reasons, other users untouched, remove/reset, the CLI's JSON and the panel's data.

Real parts: the SQLite state database, rapidfuzz, matplotlib, and (for the CLI) real Chroma with
the real embedder. The ranking tests use a hand-made catalog index (every number known).
"""

from __future__ import annotations

import io
import json
import threading
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from copilot import cli
from copilot.catalog import profile_history as ph
from copilot.catalog.index import CatalogIndex, build_index
from copilot.catalog.profile import History, ProfileInputs, build_taste, profile_scores
from copilot.catalog.profile_report import profile_report
from copilot.catalog.recommender import Recommender
from copilot.errors import InputError, NotFound
from copilot.profile_cli import read_history_file
from copilot.settings import Settings
from copilot.state import StateDB, open_state
from copilot.state.feedback import FeedbackStore
from copilot.state.taste import DEFAULT_USER, ProfileFeedback, TasteStore, profile_user
from copilot.web_profile import panel_data, taste_figure

# ------------------------------------------------------------------ a hand-made catalog
SONGS = [
    # id, title, artist, moods, genres, valence, arousal (one mood each, so without a profile all tie)
    ("x0", "Seed", "Nobody Known", "", "", None, None),
    ("r1", "Burn It", "Volt", "energetic", "rock", 0.5, 0.8),
    ("r2", "Engine", "Rail", "energetic", "rock", 0.3, 0.9),
    ("r3", "Sparks", "Ignite", "happy", "rock", 0.7, 0.7),
    ("r4", "Loud Night", "Amps", "energetic", "rock", 0.2, 0.85),
    ("f1", "Old Road", "Birch", "sad", "folk", -0.6, -0.3),
    ("f2", "Letters", "Willow", "sad", "folk", -0.5, -0.2),
    ("a1", "Drift", "Mira", "calm", "ambient", 0.3, -0.7),
    ("a2", "Fog Lines", "Oslo Tide", "calm", "ambient", 0.2, -0.6),
    ("a3", "Low Tide", "Kestrel", "calm", "ambient", 0.1, -0.8),
    ("a4", "Still Water", "Pale Moth", "relaxing", "ambient", 0.4, -0.5),
]
TAGS = ("calm", "relaxing", "energetic", "happy", "sad")


def make_index() -> CatalogIndex:
    """Every song has the same vector and one mood, and no tag phrase resembles that vector: without a
    profile every song ties (index order), so whatever moves is the profile's doing."""
    n = len(SONGS)
    vecs = np.tile(np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32), (n, 1))
    metas = [
        {"title": t, "artist": a, "moods": m, "genres": g, **({"valence": v, "arousal": ar} if v is not None else {})}
        for _, t, a, m, g, v, ar in SONGS
    ]
    return build_index(
        [s[0] for s in SONGS],
        vecs,
        metas,
        proto_vecs=np.eye(4, dtype=np.float32)[[1, 2, 3, 3, 3]],
        proto_tag_names=list(TAGS),
        tag_names=TAGS,
    )


class Snapshot:
    def __init__(self, index: CatalogIndex) -> None:
        self.index = index

    def snapshot(self) -> CatalogIndex:
        return self.index


def recommender(settings: Settings, index: CatalogIndex) -> tuple[Recommender, TasteStore]:
    db = open_state(settings)
    tastes = TasteStore(db)
    # more_like needs no embedder: the seed's own vectors are the query
    return Recommender(Snapshot(index), None, None, FeedbackStore(db), profiles=tastes), tastes  # type: ignore[arg-type]


# ------------------------------------------------------------------ history files
LB = "\n".join(
    json.dumps({"listened_at": 1700000000 + i, "track_metadata": {"artist_name": a, "track_name": t}})
    for i, (a, t) in enumerate(
        [("Mira", "Drift"), ("Mira", "Drift"), ("Oslo Tide", "Fog Lines"), ("Nobody", "Nothing")]
    )
)


def test_listenbrainz_lines_and_array_count_one_play_per_listen() -> None:
    lines = ph.parse_listenbrainz(LB)
    array = ph.parse_listenbrainz(json.dumps([json.loads(x) for x in LB.splitlines()]))
    for parsed in (lines, array):
        plays = {(x.artist, x.title): x.plays for x in parsed.listens}
        assert plays == {("Mira", "Drift"): 2, ("Oslo Tide", "Fog Lines"): 1, ("Nobody", "Nothing"): 1}
        assert parsed.rows == 4 and parsed.error_count == 0


def test_csv_by_id_or_by_artist_and_title_takes_the_users_rows() -> None:
    by_id = ph.parse_csv("ann,a1,3\nann,r1,2\nbob,f1,9\n", user="ann")
    assert {x.song_id: x.plays for x in by_id.listens} == {"a1": 3, "r1": 2} and by_id.skipped_users == 1
    named = ph.parse_csv("user,artist,title,plays\nzed,Mira,Drift,4\nzed,Volt,Burn It,1\n", user="ann")
    # one user named in the file: all its rows are this profile's
    assert {(x.artist, x.title): x.plays for x in named.listens} == {("Mira", "Drift"): 4, ("Volt", "Burn It"): 1}


def test_hostile_rows_are_counted_and_named_good_rows_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    deep, deeper = "[" * 40 + "]" * 40, "[" * 40_000 + "]" * 40_000  # parses / overflows the parser
    text = "\n".join(
        [LB.splitlines()[0], deep, deeper, "{not json", '{"track_metadata": {"artist_name": 3}}', "x" * 200_001]
    )
    parsed = ph.parse_listenbrainz(text, name="mine.jsonl")
    assert len(parsed.listens) == 1 and parsed.error_count == 5
    assert parsed.errors[:2] == ("line 2: JSON nested deeper than 16", "line 3: JSON nested deeper than 16")
    assert "line 4: not JSON" in parsed.errors and "line 6: longer than 100,000 characters" in parsed.errors
    with pytest.raises(InputError, match=r"mine\.jsonl: no usable listens"):
        ph.parse_listenbrainz("{}\n[1]\n", name="mine.jsonl")
    with pytest.raises(InputError, match="plays"):
        ph.parse_csv("ann,a1,-3\nann,a2,lots\n", user="ann", name="p.csv")
    monkeypatch.setattr(ph, "MAX_BYTES", 100)
    with pytest.raises(InputError, match="at most"):
        ph.parse_listenbrainz(LB, name="big.jsonl")


def test_unreadable_file_is_one_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "listens.jsonl"
    bad.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(InputError, match=r"listens\.jsonl: not UTF-8"):
        read_history_file(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_history_file(tmp_path / "missing.jsonl")


def test_matching_exact_fuzzy_and_unmatched() -> None:
    entries = [ph.CatalogEntry(i, a, t) for i, t, a, *_ in SONGS]
    parsed = ph.parse_csv(
        "u,artist,title,plays\n"
        "u,MIRA,drift!,2\n"  # case and punctuation
        "u,The Oslo Tide,Fog Line,3\n"  # leading "the", a typo in the title
        "u,Volt,Completely Different,1\n"  # artist known, title not
        "u,Nobody,Drift,1\n",  # artist unknown
        user="u",
    )
    found = ph.match_history(parsed, entries)
    assert found.plays == {"a1": 2, "a2": 3}
    assert found.matched == 2 and found.unmatched == 2
    ids = ph.match_history(ph.parse_csv("u,a1,1\nu,zz9,4\n", user="u"), entries)
    assert ids.plays == {"a1": 1} and ids.unmatched_examples == ("zz9",)


# ------------------------------------------------------------------ the preference model
def test_profile_from_likes_weights_tags_and_centre() -> None:
    index = make_index()
    taste = build_taste(ProfileInputs("ann", likes=frozenset({"a1", "a2", "a3"}), dislikes=frozenset({"r1"})), index)
    top = taste.tags[0]
    assert top.tag in ("ambient", "calm") and top.weight > 0.3
    ambient = taste.pref("ambient")
    assert ambient is not None and ambient.likes == 3 and ambient.reason() == "you like ambient (from 3 likes)"
    rock = taste.pref("rock")
    assert rock is not None and rock.weight < 0 and rock.dislikes == 1
    assert taste.centre == pytest.approx((0.2, -0.7), abs=1e-3)  # the mean of a1, a2, a3
    muted = build_taste(ProfileInputs("ann", likes=frozenset({"a1", "a2", "a3"}), muted=frozenset({"ambient"})), index)
    assert muted.pref("ambient") is None
    pull = profile_scores(taste, index)
    assert pull.min() >= -1 and pull.max() <= 1
    assert pull[index.row_of["a4"]] > 0 > pull[index.row_of["r2"]]


def test_history_counts_as_weaker_evidence() -> None:
    index = make_index()
    h = History("h1", "f", "csv", "t", (("f1", 40), ("f2", 10)), 2, 2, 0)
    taste = build_taste(ProfileInputs("ann", histories=(h,)), index)
    folk = taste.pref("folk")
    assert folk is not None and folk.weight > 0 and folk.played == 2 and "2 played songs" in folk.reason()


# ------------------------------------------------------------------ ranking, reasons, other users
def test_likes_change_the_ranking_and_why_names_it(settings: Settings) -> None:
    index = make_index()
    rec, tastes = recommender(settings, index)
    before = [r.id for r in rec.more_like("x0", k=4, user="ann", diverse=False)]
    assert before == ["r1", "r2", "r3", "r4"]  # all tie: index order
    for song in ("a1", "a2"):
        tastes.feedback.record("ann", song, True)
    after = rec.more_like("x0", k=4, user="ann", diverse=False)
    assert {r.id for r in after} == {"a1", "a2", "a3", "a4"}
    unliked = next(r for r in after if r.id == "a4")  # ambient but not calm: only its genre was liked
    assert unliked.parts["profile"] > 0
    assert unliked.why["profile"].endswith("you like ambient (from 2 likes)")
    assert "you like ambient (from 2 likes)" in unliked.why["summary"]
    assert next(r for r in after if r.id == "a3").why["profile"].endswith("you like calm (from 2 likes)")
    assert "profile" not in rec.more_like("x0", k=4, user="bob", diverse=False)[0].why


def test_another_user_is_exactly_unaffected(settings: Settings) -> None:
    index = make_index()
    rec, tastes = recommender(settings, index)
    first = [(r.id, r.score, r.why) for r in rec.more_like("x0", k=6, user="bob")]
    for song in ("a1", "a2", "a3"):
        tastes.feedback.record("ann", song, True)
    tastes.note_search("ann", "calm ambient", ("calm", "ambient"))
    tastes.add_history("ann", History("", "x.csv", "csv", "t", (("r1", 9),), 1, 1, 0))
    assert [(r.id, r.score, r.why) for r in rec.more_like("x0", k=6, user="bob")] == first
    assert [r.id for r in rec.more_like("x0", k=6, user="ann")] != [x[0] for x in first]


def test_chat_likes_reach_the_profile_user(settings: Settings) -> None:
    db = open_state(settings)
    chat_feedback = ProfileFeedback(FeedbackStore(db), profile_user(settings))
    chat_feedback.record("session-1", "a1", True)
    assert TasteStore(db).inputs(DEFAULT_USER).likes == {"a1"}
    assert chat_feedback.get("session-1")[0] == {"a1"}


def test_profile_user_naming(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert profile_user(settings) == DEFAULT_USER
    assert profile_user(settings, "ann") == "ann"
    monkeypatch.setenv("COPILOT_AUTH", "Ann Lee:secret")
    assert profile_user(Settings.from_env()) == "Ann_Lee"


# ------------------------------------------------------------------ remove and reset
def test_remove_each_kind_of_item_and_reset(settings: Settings) -> None:
    index = make_index()
    tastes = TasteStore(open_state(settings))
    tastes.feedback.record("ann", "a1", True)
    tastes.feedback.record("ann", "r1", False)
    tastes.note_search("ann", "quiet ambient morning", ("calm", "ambient"))
    kept = tastes.add_history("ann", History("", "lb.jsonl", "listenbrainz", "t", (("a2", 3),), 3, 1, 0))
    assert kept.id == "h1"
    assert build_taste(tastes.inputs("ann"), index).pref("ambient") is not None
    tastes.remove("ann", "tag:ambient")
    assert build_taste(tastes.inputs("ann"), index).pref("ambient") is None
    tastes.remove("ann", "unmute:ambient")
    assert build_taste(tastes.inputs("ann"), index).pref("ambient") is not None
    tastes.remove("ann", "like:a1")
    tastes.remove("ann", "search:1")
    tastes.remove("ann", "history:h1")
    left = tastes.inputs("ann")
    assert not left.likes and not left.searches and not left.histories and left.dislikes == {"r1"}
    with pytest.raises(NotFound):
        tastes.remove("ann", "history:h1")
    with pytest.raises(InputError):
        tastes.remove("ann", "playlist:3")
    assert tastes.reset("ann")["dislikes"] == 1
    assert tastes.inputs("ann").empty


def test_changes_made_at_once_all_land(settings: Settings) -> None:
    check_changes_at_once(open_state(settings))


def check_changes_at_once(db: StateDB) -> None:
    """Each change reads and writes the profile in one transaction: searches noted by several
    threads at once are all kept (read, then write in a second transaction lost some)."""
    tastes = TasteStore(db)
    tastes.note_search("ann", "first", ("calm",))

    def noting(worker: int) -> None:
        for n in range(7):
            tastes.note_search("ann", f"search {worker}-{n}", ("calm",))

    threads = [threading.Thread(target=noting, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [s.text for s in tastes.inputs("ann").searches]
    assert len(texts) == 29 and texts[0] == "first"
    assert {f"search {w}-{n}" for w in range(4) for n in range(7)} == set(texts[1:])


# ------------------------------------------------------------------ the panel's data
def test_panel_data_shows_bars_points_and_changes(settings: Settings) -> None:
    index = make_index()
    inputs = ProfileInputs("ann", likes=frozenset({"a1", "a2", "r3"}), dislikes=frozenset({"f1"}))
    data = panel_data(profile_report(inputs, index))
    assert dict(data.genres)["ambient"] > 0 > dict(data.genres)["folk"]
    assert {t for t, _, _ in data.points} == {"Drift", "Fog Lines", "Sparks"}
    assert "raises songs tagged ambient" in data.markdown
    assert ("like: Drift - Mira", "like:a1") in data.choices and (
        "dislike: Old Road - Birch",
        "dislike:f1",
    ) in data.choices
    assert taste_figure(data) is not None
    empty = panel_data(profile_report(ProfileInputs("bob"), index))
    assert empty.empty and taste_figure(empty) is None and "nothing yet" in empty.markdown


# ------------------------------------------------------------------ the CLI, end to end (real Chroma)
def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def test_cli_import_history_show_remove_reset(settings: Settings, embedder, tmp_path: Path) -> None:
    catalog = tmp_path / "songs.csv"
    rows = ["id,title,artist,moods,genres"] + [f"{i},{t},{a},{m},{g}" for i, t, a, m, g, *_ in SONGS]
    catalog.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("catalog", "import", str(catalog))[0] == 0
    history = tmp_path / "listens.jsonl"
    history.write_text(LB + "\n", encoding="utf-8")
    code, out = run("profile", "import-history", str(history), "--user", "ann")
    assert code == 0
    summary = json.loads(out)
    assert summary["matched"] == 2 and summary["unmatched"] == 1 and summary["item"] == "history:h1"
    assert run("feedback", "like", "a3", "--user", "ann")[0] == 0
    code, out = run("profile", "show", "--json", "--user", "ann")
    shown = json.loads(out)
    assert code == 0 and shown["user"] == "ann"
    assert shown["genres"][0]["tag"] == "ambient" and shown["genres"][0]["weight"] > 0
    assert [s["id"] for s in shown["liked"]] == ["a3"] and shown["histories"][0]["matched"] == 2
    assert any("ambient" in line for line in shown["changes"])
    assert run("profile", "remove", "history:h1", "--user", "ann")[0] == 0
    assert run("profile", "reset", "--user", "ann")[0] == 0
    shown = json.loads(run("profile", "show", "--json", "--user", "ann")[1])
    assert shown["liked"] == [] and shown["histories"] == [] and shown["genres"] == []
    assert run("profile", "remove", "history:h1", "--user", "ann")[0] == 1
