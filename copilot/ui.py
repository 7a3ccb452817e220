"""The web page: a streaming chat beside a panel showing the song in progress.

:func:`build_demo` wires a :class:`~copilot.chat.Copilot` into a Gradio 6 Blocks
app. Each browser session holds its own :class:`~copilot.song.SongState` in a
``gr.State`` (nothing per-user lives at module level), so one user never sees
another's song, files or feedback; files are served only from
``settings.output_dir`` (see :func:`launch_kwargs`). Callbacks are thin adapters
that check their own inputs (every one of them is reachable through the API) and
turn :class:`~copilot.errors.CopilotError` into a friendly chat message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot.catalog.records import AudioFeatures
from copilot.chat import Copilot, songops
from copilot.chat.params import param_changes
from copilot.chat.understand import Details
from copilot.errors import CopilotError, InputError
from copilot.llm.guard import safe_markdown
from copilot.settings import Settings
from copilot.song import SongState
from copilot.web_profile import add_taste_panel

if TYPE_CHECKING:
    from copilot.lyrics.form import Lyrics

log = logging.getLogger(__name__)

KEYS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B"]
MODES = ["major", "minor", "dorian", "mixolydian", "phrygian", "lydian"]
METERS = ["4/4", "3/4", "6/8", "2/4", "12/8"]
LYRIC_COLUMNS = ["section", "#", "line", "syl.", "target", "rhyme"]
TABLE_COLUMNS = [*LYRIC_COLUMNS, "lock"]
"""The page's lyric table: :data:`LYRIC_COLUMNS` and a lock tick; "line" and "lock" are editable."""
LINE_COLUMN, LOCK_COLUMN = TABLE_COLUMNS.index("line"), TABLE_COLUMNS.index("lock")
REC_COLUMNS = ["#", "title", "artist", "score", "why", "moods", "sound"]
EXAMPLES = [
    "recommend songs for a rainy night drive",
    "write a chorus in the mood of #1",
    "put a melody to the chorus",
    "make it sadder",
    "play it",
]


def launch_kwargs(settings: Settings, *, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Arguments for ``demo.launch``: loopback by default, never a share link, files only from output_dir,
    and :func:`file_url_guard` in front of Gradio's routes."""
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {
        "server_name": host or settings.host,
        "server_port": port if port is not None else settings.port,
        "share": False,
        "allowed_paths": [str(settings.output_dir)],
        "show_error": False,
        "max_file_size": settings.max_upload_bytes,
        "footer_links": ["api"],
        "app_kwargs": {"middleware": [file_url_guard(settings)]},
    }
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        kwargs["auth"] = (user, password)
    return kwargs


def file_url_guard(settings: Settings) -> Any:
    """The Starlette ``Middleware`` entry for :class:`~copilot.web_guard.FileUrlGuard` (for ``app_kwargs``).

    Gradio passes ``app_kwargs`` to ``FastAPI(...)``, so the guard sees every request before
    Gradio's routes do. The body cap (bytes) leaves room for the longest allowed message,
    JSON-escaped, beside the chat history.
    """
    from starlette.middleware import Middleware

    from copilot.web_guard import DEFAULT_MAX_BODY_BYTES, FileUrlGuard

    cap = max(DEFAULT_MAX_BODY_BYTES, 8 * settings.max_message_chars)
    return Middleware(FileUrlGuard, max_body_bytes=cap)


# ------------------------------------------------------------------ pure views of the state
def lyric_rows(state: SongState) -> list[list[Any]]:
    """One row per lyric line as shown: section, line number (through the song), text,
    syllables, target, and rhyme status (the lyric engine's own checks; for a line the
    writer kept although it misses a constraint, the flag's message, e.g. "no rhyme with line 2")."""
    if not state.lyrics:
        return []
    from copilot.lyrics.checks import check_section

    rows: list[list[Any]] = []
    for section in state.lyrics.sections:
        flags = {f.line: f.message for f in section.flags}
        for k, c in enumerate(check_section(section).lines):
            if k in flags:
                rhyme = flags[k]
            elif c.rhyme_ok is None:
                rhyme = "-"
            elif c.rhyme_ok:
                rhyme = f"ok ({c.rhyme_kind})" if c.rhyme_kind else "ok"
            else:
                rhyme = "no rhyme"
            syl = f"{c.syllables}" + ("" if c.syllables_ok else " (off)")
            rows.append([section.name, len(rows) + 1, c.text, syl, c.target, rhyme])
    return rows


def lyric_table(state: SongState) -> list[list[Any]]:
    """The page's lyric table: :func:`lyric_rows` with a lock tick per line (True when the
    person typed or chose the line; no rewrite touches it)."""
    rows = lyric_rows(state)
    if not rows or not state.lyrics:
        return []
    locks = [k in s.locked for s in state.lyrics.sections for k in range(s.n_lines)]
    return [[*row, locks[i] if i < len(locks) else False] for i, row in enumerate(rows)]


def _ticked(value: Any) -> bool:
    """A lock cell as sent by the page (True/False) or an API caller ("true", 1)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "locked")
    return value is True or (isinstance(value, int | float) and value == 1)


def _slots(lyrics: Lyrics) -> list[tuple[int, int]]:
    """(section index, 0-based line) of each table row, in order."""
    return [(si, k) for si, s in enumerate(lyrics.sections) for k in range(s.n_lines)]


def _cell_now(lyrics: Lyrics, si: int, k: int, col: int) -> Any:
    sec = lyrics.sections[si]
    return (sec.lines[k] if k < len(sec.lines) else "") if col == LINE_COLUMN else k in sec.locked


def cell_edit(lyrics: Lyrics, row: Any, col: Any, value: Any) -> Lyrics:
    """Apply one edited cell (0-based row and column) of the lyric table: a "line" cell is set
    and locked (:func:`~copilot.lyrics.edit.set_line`; the same words again change nothing),
    a "lock" tick locks or unlocks (:func:`~copilot.lyrics.edit.set_locks`)."""
    from copilot.lyrics import edit

    slots = _slots(lyrics)
    if not (isinstance(row, int) and isinstance(col, int) and 0 <= row < len(slots)):
        raise InputError("the lyrics table no longer matches the song: reload the page")
    if col not in (LINE_COLUMN, LOCK_COLUMN):
        raise InputError("only the line and lock columns can be changed")
    si, k = slots[row]
    now = _cell_now(lyrics, si, k, col)
    if col == LOCK_COLUMN:
        return edit.set_locks(lyrics, si + 1, [k + 1], _ticked(value))
    if isinstance(value, str) and value.strip() == now:
        return lyrics
    return edit.set_line(lyrics, si + 1, k + 1, value)


def table_edits(lyrics: Lyrics, table: Any) -> Lyrics:
    """Apply a whole edited lyric table (API callers send one): each changed "line" or "lock"
    cell through :func:`cell_edit`, compared with the song before the edit, so the second copy
    of a chorus does not undo the first. :class:`InputError` when the table does not match."""
    slots = _slots(lyrics)
    rows = table.get("data") if isinstance(table, dict) else table
    if not isinstance(rows, list) or len(rows) != len(slots):
        raise InputError("the lyrics table no longer matches the song: add or remove lines by asking in the chat")
    out = lyrics
    for r, ((si, k), row) in enumerate(zip(slots, rows, strict=True)):
        if not isinstance(row, list | tuple) or len(row) <= LOCK_COLUMN:
            raise InputError("the lyrics table no longer matches the song: reload the page")
        text, lock = row[LINE_COLUMN], row[LOCK_COLUMN]
        if not (isinstance(text, str) and text.strip() == _cell_now(lyrics, si, k, LINE_COLUMN)):
            out = cell_edit(out, r, LINE_COLUMN, text)
        elif _ticked(lock) != _cell_now(lyrics, si, k, LOCK_COLUMN):
            out = cell_edit(out, r, LOCK_COLUMN, lock)
    return out


def edit_note(before: Lyrics, after: Lyrics) -> str:
    """What a table edit did, for the panel."""
    if [s.lines for s in before.sections] != [s.lines for s in after.sections]:
        return "Saved your line; it is locked (untick it to let me rewrite it)."
    had = sum(len(s.locked) for s in before.sections)
    has = sum(len(s.locked) for s in after.sections)
    return "Locked: no rewrite will touch it." if has > had else "Unlocked: a rewrite may change it now."


def choice_view(state: SongState) -> tuple[str, list[tuple[str, str]]]:
    """The "choices" area: Markdown naming each flagged line, what it misses, its other takes
    and rhyme words; and the dropdown's options, (label, "section|line|take") all 1-based."""
    if not state.lyrics:
        return "", []
    notes: list[str] = []
    options: list[tuple[str, str]] = []
    seen: set[str] = set()
    for si, sec in enumerate(state.lyrics.sections):
        if sec.name in seen:
            continue
        seen.add(sec.name)
        for flag in sec.flags:
            where = f"{sec.name}, line {flag.line + 1}"
            note = f"- **{safe_markdown(where)}**: {safe_markdown(flag.message)}"
            if flag.rhyme_words:
                note += f" · rhyme words: {safe_markdown(', '.join(flag.rhyme_words))}"
            notes.append(note)
            for n, alt in enumerate(flag.alternatives, 1):
                options.append((f"{where}: {alt}", f"{si + 1}|{flag.line + 1}|{n}"))
    if not notes:
        return "", []
    head = "**Lines that miss a constraint**: pick another take below, or type your own line in the table.\n"
    return head + "\n".join(notes), options


def parse_choice(value: Any) -> tuple[int, int, int]:
    """A dropdown value "section|line|take" (1-based numbers) -> the three numbers; InputError otherwise."""
    parts = value.split("|") if isinstance(value, str) and len(value) < 40 else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InputError("choose one of the other takes in the list first")
    section, line, take = (int(p) for p in parts)
    return section, line, take


def sound_text(audio: AudioFeatures | None) -> str:
    """An imported audio file's measured features in one cell ("" for catalog rows).

    >>> sound_text(AudioFeatures(96.4, "Bb", "minor", -14.0, 0.42, 185.0))
    '96 BPM, Bb minor, energy 0.42, 3:05'
    """
    if audio is None:
        return ""
    minutes, seconds = divmod(round(audio.duration_s), 60)
    return f"{audio.tempo_bpm:.0f} BPM, {audio.tonic} {audio.mode}, energy {audio.energy:.2f}, {minutes}:{seconds:02d}"


def rec_rows(state: SongState) -> list[list[Any]]:
    """One row per recommendation shown: number, title, artist, score, why, moods, and the
    measured sound of audio imports (the Dataframe's plain rows)."""
    return [
        [i, r.title, r.artist, round(r.score, 3), r.why, ", ".join(r.moods[:4]), sound_text(r.audio)]
        for i, r in enumerate(state.recommendations, 1)
    ]


def mood_figure(state: SongState) -> Any:
    """A small matplotlib figure: the valence/arousal point and the top emotions (or None)."""
    emotion = state.emotion
    if emotion is None:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 2.4), dpi=100)
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    ax.axhline(0, color="#bbb", lw=0.8)
    ax.axvline(0, color="#bbb", lw=0.8)
    ax.scatter([emotion.valence], [emotion.arousal], s=80, color="#d9480f", zorder=3)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("valence", fontsize=8)
    ax.set_ylabel("arousal", fontsize=8)
    ax.tick_params(labelsize=7)
    for x, y, label in ((0.55, 0.85, "excited"), (-0.95, 0.85, "tense"), (-0.95, -0.9, "sad"), (0.6, -0.9, "calm")):
        ax.text(x, y, label, fontsize=7, color="#888")
    top = sorted(emotion.labels.items(), key=lambda kv: kv[1], reverse=True)[:5] or list(emotion.ekman.items())[:5]
    names = [k for k, _ in top][::-1]
    bx.barh(names, [v for _, v in top][::-1], color="#1c7ed6")
    bx.set_xlim(0, 1)
    bx.tick_params(labelsize=7)
    bx.set_title(emotion.summary[:48], fontsize=8)
    fig.tight_layout()
    return fig


def restored_chat(state: SongState, limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` messages of the song's own transcript, made inert for the page
    (``safe_markdown``), as Chatbot messages."""
    if limit <= 0:
        return []
    return [{"role": m.role, "content": safe_markdown(m.content)} for m in state.history[-limit:]]


def mood_text(state: SongState) -> str:
    """One Markdown line about the mood and the music settings."""
    p = state.params
    mood = state.emotion.summary if state.emotion else "no mood yet: tell me how the song should feel"
    return f"**{state.title}** · mood: {mood} · {p.tonic} {p.mode}, {p.tempo_bpm} BPM, {p.meter}"


# ------------------------------------------------------------------ the page
def build_demo(copilot: Copilot) -> Any:
    """The Gradio Blocks app for ``copilot`` (cheap: loads no model)."""
    import gradio as gr

    settings = copilot.settings
    output_root = settings.output_dir
    edit_lock = threading.Lock()  # lyric table edits, one at a time (they take milliseconds)

    def session(state: Any) -> SongState:
        return state if isinstance(state, SongState) else copilot.new_state()

    def panel(state: SongState, play: bool = False) -> tuple[Any, ...]:
        """Every panel output, in the order of ``panel_outputs``."""
        p = state.params
        wav = state.melody_file("wav", output_root)
        png = state.melody_file("png", output_root)
        mid = state.melody_file("mid", output_root)
        xml = state.melody_file("musicxml", output_root)
        zip_path = _zip_for(state)
        return (
            mood_text(state),
            mood_figure(state),
            gr.update(value=round(state.emotion.valence, 2) if state.emotion else 0.0),
            gr.update(value=round(state.emotion.arousal, 2) if state.emotion else 0.0),
            gr.update(value=p.tonic),
            gr.update(value=p.mode),
            gr.update(value=p.tempo_bpm),
            gr.update(value=p.meter),
            " ".join(state.form),
            lyric_table(state),
            *choice_outputs(state),
            gr.update(value=str(wav) if wav else None, autoplay=play),
            str(png) if png else None,
            gr.update(value=str(mid) if mid else None, visible=mid is not None),
            gr.update(value=str(xml) if xml else None, visible=xml is not None),
            gr.update(value=str(zip_path) if zip_path else None, visible=zip_path is not None),
            rec_rows(state),
        )

    def choice_outputs(state: SongState) -> tuple[Any, Any, Any]:
        """The choices area: its notes, the takes dropdown and the button (hidden when nothing is flagged)."""
        notes, options = choice_view(state)
        return (
            gr.update(value=notes, visible=bool(notes)),
            gr.update(choices=options, value=None, visible=bool(options)),
            gr.update(visible=bool(options)),
        )

    def lyric_outputs(state: SongState, note: str) -> tuple[Any, ...]:
        """What a lyric edit refreshes: state, note, the table, the choices area, the zip."""
        zip_path = _zip_for(state)
        return (
            state,
            note,
            lyric_table(state),
            *choice_outputs(state),
            gr.update(value=str(zip_path) if zip_path else None, visible=zip_path is not None),
        )

    def save_lyrics(state: SongState, lyrics: Lyrics, done: str) -> str:
        """Keep the edited words in the song and save it; the note for the panel."""
        state.lyrics = lyrics
        copilot.save(state)
        return done + (' Say "put a melody to it" to sing the new words.' if state.melody else "")

    def edit_table(table: Any, state: Any, seen: Any) -> tuple[Any, ...]:
        """A cell of the lyric table was edited: set (and lock) the typed line or flip a lock.
        The page sends one edit twice, both times with the table as it was before the edit; the
        repeat (the same table as the last one received, kept in this session's ``seen``) is
        ignored, or it would undo the lock the first one set. Edits run one at a time."""
        rows = table.get("data") if isinstance(table, dict) else table
        box = seen if isinstance(seen, dict) else {}
        with edit_lock:
            state = session(state)
            if rows is not None and rows == box.get("rows"):
                return (gr.skip(),) * 7
            box["rows"] = rows
            try:
                if not state.lyrics:
                    raise InputError("there are no lyrics yet: ask me to write a verse or a chorus first")
                before = state.lyrics
                after = table_edits(before, rows)
                note = save_lyrics(state, after, edit_note(before, after)) if after != before else ""
            except CopilotError as exc:
                note, box["rows"] = f"Sorry: {exc.user_message()}", None
                gr.Warning(exc.user_message())
        return lyric_outputs(state, safe_markdown(note))

    def use_choice(value: Any, state: Any) -> tuple[Any, ...]:
        """Put the chosen other take in place (locked)."""
        from copilot.lyrics import edit

        state = session(state)
        try:
            if not state.lyrics:
                raise InputError("there are no lyrics yet: ask me to write a verse or a chorus first")
            section, line, take = parse_choice(value)
            after = edit.choose_alternative(state.lyrics, section, line, take)
            note = save_lyrics(state, after, f"Took the other line for line {line}; it is locked.")
        except CopilotError as exc:
            note = f"Sorry: {exc.user_message()}"
            gr.Warning(exc.user_message())
        return lyric_outputs(state, safe_markdown(note))

    def _zip_for(state: SongState) -> Path | None:
        if not (state.lyrics or state.melody):
            return None
        return songops.export_song(state, copilot.output_dir(state), settings.output_dir)

    def respond(message: Any, history: Any, state: Any) -> Iterator[tuple[Any, ...]]:
        """Stream the reply to ``message`` into the chat; the panel refreshes afterwards."""
        state = session(state)
        history = _check_history(history, 2 * settings.max_history_turns)
        text = message if isinstance(message, str) else ""
        shown = safe_markdown(text[: settings.max_message_chars])  # the page renders Markdown: keep it inert
        history = [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": ""}]
        reply, progress, play = "", "", False
        song_id = state.session_id
        keep = gr.skip()  # after the first step the box is the user's again: what they type next stays
        try:
            events = copilot.handle(text, state)
            yield history, "", state, False
            for event in events:
                if state.session_id != song_id:  # a saved song was reopened or a new one started
                    song_id = state.session_id
                    history = [*restored_chat(state, 2 * settings.max_history_turns), *history[-2:]]
                if event.kind == "text":
                    reply += event.text
                    progress = ""
                elif event.kind == "progress":
                    progress = event.text
                elif event.kind == "error":
                    reply += ("\n\n" if reply else "") + f"Sorry: {event.text}"
                elif event.kind == "state" and event.data.get("play"):
                    play = True
                shown = safe_markdown(reply) + (f"\n\n_{safe_markdown(progress)}_" if progress else "")
                history[-1] = {"role": "assistant", "content": shown}
                yield history, keep, state, play
        except InputError as exc:
            history[-1] = {"role": "assistant", "content": f"Sorry: {safe_markdown(exc.user_message())}"}
            yield history, text[: settings.max_message_chars], state, False
        except CopilotError as exc:
            history[-1] = {"role": "assistant", "content": f"Sorry: {safe_markdown(exc.user_message())}"}
            yield history, keep, state, False
        except Exception:  # the page must never get stuck; the trace goes to the server log
            log.exception("unexpected error in a chat turn")
            history[-1] = {"role": "assistant", "content": "Sorry: Something went wrong on my side; please try again."}
            yield history, keep, state, False

    def undo_change(state: Any) -> tuple[Any, ...]:
        """The Undo button: back to before the last change of the song (nothing is deleted)."""
        state = session(state)
        try:
            note = copilot.undo(state)
        except CopilotError as exc:
            note = f"Sorry: {exc.user_message()}"
        return (state, safe_markdown(note), *panel(state))

    def refresh(state: Any, play: Any) -> tuple[Any, ...]:
        return panel(session(state), play=bool(play))

    def apply_params(
        tonic: Any, mode: Any, tempo: Any, meter: Any, form: Any, valence: Any, arousal: Any, state: Any
    ) -> tuple[Any, ...]:
        """Apply the mood/key/tempo/form controls (each value checked) and re-compose if needed."""
        state = session(state)
        try:
            asked = Details(
                key=str(tonic) if tonic else None,
                mode=str(mode) if mode else None,
                tempo=round(float(tempo)) if tempo not in (None, "") else None,
                meter=str(meter) if meter else None,
            )
            checked = param_changes(asked, state.params)
            if checked.refused:
                raise InputError("; ".join(checked.refused))
            changes = checked.values
            new_form = _check_form(form)
            mood = None if valence is None or arousal is None else (float(valence), float(arousal))
            note = copilot.apply_params(state, changes, new_form, mood)
        except CopilotError as exc:
            note = f"Sorry: {exc.user_message()}"
        except (TypeError, ValueError):
            note = "Sorry: the tempo must be a number of BPM"
        return (state, note, *panel(state))

    def feedback(number: Any, kind: str, state: Any) -> tuple[Any, ...]:
        state = session(state)
        try:
            note = copilot.feedback(state, _check_number(number, len(state.recommendations)), kind)
        except CopilotError as exc:
            note = f"Sorry: {exc.user_message()}"
        return state, note, rec_rows(state)

    def analyze_upload(file: Any, state: Any) -> tuple[Any, str]:
        """Check (size, MThd, inside the upload cache) and analyze an uploaded MIDI file."""
        from copilot.uploads import analyze_midi_upload, describe_analysis

        state = session(state)
        try:
            note = describe_analysis(analyze_midi_upload(file, settings, [Path(gr.utils.get_upload_folder())]))
        except CopilotError as exc:
            note = f"Sorry: {exc.user_message()}"
        return state, safe_markdown(note)

    def on_load(state: Any) -> tuple[Any, ...]:
        copilot.warm_up()
        state = session(state)
        return (state, *panel(state))

    ttl = settings.upload_ttl_s  # uploads and served copies leave Gradio's cache after ttl seconds
    with gr.Blocks(
        title="copilot: songwriter's co-pilot", analytics_enabled=False, fill_width=True, delete_cache=(ttl, ttl)
    ) as demo:
        state = gr.State(None)
        play_flag = gr.State(False)
        table_seen = gr.State({})  # this session's last lyric table from the page (see edit_table)
        gr.Markdown(
            "## copilot: a songwriter's co-pilot\nRecommend songs, write lyrics, compose melodies, all offline."
        )
        with gr.Row():
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="Conversation", height=520, elem_id="chat", buttons=["copy"])
                with gr.Row():
                    msg = gr.Textbox(
                        placeholder="e.g. recommend songs for a rainy night drive",
                        show_label=False,
                        scale=6,
                        elem_id="msg",
                        max_length=settings.max_message_chars,
                        autofocus=True,
                    )
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                gr.Examples(EXAMPLES, inputs=[msg], label="Try")
            with gr.Column(scale=4):
                mood_md = gr.Markdown(elem_id="mood-text")
                mood_plot = gr.Plot(label="Mood", elem_id="mood-plot")
                with gr.Row():
                    val_sl = gr.Slider(
                        -1,
                        1,
                        step=0.05,
                        value=0.0,
                        label="Valence (unpleasant to pleasant)",
                        info="Moving the mood I read from your words teaches me what you mean (kept for you)",
                    )  # learning hook: Copilot.apply_params keeps a move of a mood read from words as a correction
                    aro_sl = gr.Slider(-1, 1, step=0.05, value=0.0, label="Arousal (calm to excited)")
                with gr.Row():
                    key_dd = gr.Dropdown(KEYS, label="Key", value="C", min_width=70)
                    mode_dd = gr.Dropdown(MODES, label="Mode", value="major", min_width=90)
                    tempo_sl = gr.Slider(40, 200, step=1, value=100, label="Tempo (BPM)", min_width=140)
                    meter_dd = gr.Dropdown(METERS, label="Meter", value="4/4", min_width=70)
                with gr.Row():
                    form_tb = gr.Textbox(label="Form", scale=4)
                    apply_btn = gr.Button("Apply", scale=1, elem_id="apply")
                    undo_btn = gr.Button("Undo", scale=1, elem_id="undo", size="sm")
                    midi_up = gr.UploadButton(
                        "Analyze my MIDI", file_types=[".mid", ".midi"], scale=1, elem_id="midi-up", size="sm"
                    )
                note_md = gr.Markdown(elem_id="note")
                lyrics_df = gr.Dataframe(
                    headers=TABLE_COLUMNS,
                    datatype=["str", "number", "str", "str", "number", "str", "bool"],
                    label="Lyrics (checked): type over a line to change it; a typed or ticked line is locked",
                    interactive=True,
                    static_columns=[i for i in range(len(TABLE_COLUMNS)) if i not in (LINE_COLUMN, LOCK_COLUMN)],
                    type="array",
                    wrap=True,
                    elem_id="lyrics",
                    column_widths=["12%", "6%", "39%", "9%", "11%", "15%", "8%"],
                )
                choices_md = gr.Markdown(visible=False, elem_id="choices")
                with gr.Row():
                    take_dd = gr.Dropdown(
                        [], label="Other takes", visible=False, elem_id="takes", scale=4, allow_custom_value=False
                    )
                    take_btn = gr.Button("Use this line", visible=False, elem_id="use-take", scale=1, size="sm")
                audio = gr.Audio(label="Preview", type="filepath", interactive=False, elem_id="preview")
                roll = gr.Image(label="Piano roll", type="filepath", interactive=False, height=180)
                with gr.Row():
                    dl_mid = gr.DownloadButton("Download MIDI", visible=False, elem_id="dl-mid", size="sm")
                    dl_xml = gr.DownloadButton("Download MusicXML", visible=False, elem_id="dl-xml", size="sm")
                    dl_zip = gr.DownloadButton("Download all (.zip)", visible=False, elem_id="dl-zip", size="sm")
                recs_df = gr.Dataframe(
                    headers=REC_COLUMNS,
                    label="Recommendations",
                    interactive=False,
                    wrap=True,
                    elem_id="recs",
                    column_widths=["6%", "24%", "20%", "10%", "25%", "15%"],
                )
                with gr.Row():
                    rec_no = gr.Number(label="Result #", value=1, precision=0, minimum=1, min_width=80)
                    like_btn = gr.Button("Like", size="sm", elem_id="like")
                    dislike_btn = gr.Button("Dislike", size="sm", elem_id="dislike")
                taste_outputs, taste_refresh = add_taste_panel(
                    settings, lambda: copilot.engines.get("recommender").store.snapshot()
                )
        panel_outputs = [
            mood_md,
            mood_plot,
            val_sl,
            aro_sl,
            key_dd,
            mode_dd,
            tempo_sl,
            meter_dd,
            form_tb,
            lyrics_df,
            choices_md,
            take_dd,
            take_btn,
            audio,
            roll,
            dl_mid,
            dl_xml,
            dl_zip,
            recs_df,
        ]
        for trigger, name in ((send.click, "chat"), (msg.submit, "chat_submit")):
            visibility = "public" if name == "chat" else "private"
            trigger(
                respond, [msg, chat, state], [chat, msg, state, play_flag], api_name=name,
                api_visibility=visibility, show_progress="minimal",
            ).then(
                refresh, [state, play_flag], panel_outputs, api_name="panel" if name == "chat" else "panel_submit",
                api_visibility=visibility, show_progress="hidden",
            )  # fmt: skip
        apply_btn.click(
            apply_params,
            [key_dd, mode_dd, tempo_sl, meter_dd, form_tb, val_sl, aro_sl, state],
            [state, note_md, *panel_outputs],
            api_name="apply_params",
        )
        undo_btn.click(undo_change, [state], [state, note_md, *panel_outputs], api_name="undo")
        like_btn.click(
            lambda n, s: feedback(n, "like", s), [rec_no, state], [state, note_md, recs_df], api_name="like"
        ).then(taste_refresh, None, taste_outputs, show_progress="hidden")  # the "Your taste" panel (web_profile)
        dislike_btn.click(
            lambda n, s: feedback(n, "dislike", s), [rec_no, state], [state, note_md, recs_df], api_name="dislike"
        ).then(taste_refresh, None, taste_outputs, show_progress="hidden")
        lyric_edit_outputs = [state, note_md, lyrics_df, choices_md, take_dd, take_btn, dl_zip]
        lyrics_df.input(edit_table, [lyrics_df, state, table_seen], lyric_edit_outputs, api_name="edit_lyrics")
        take_btn.click(use_choice, [take_dd, state], lyric_edit_outputs, api_name="use_take")
        midi_up.upload(analyze_upload, [midi_up, state], [state, note_md], api_name="analyze_midi")
        demo.load(on_load, [state], [state, *panel_outputs], api_name="load", api_visibility="private")
    # a bounded queue: beyond queue_size waiting requests, callers get a fast "queue is full"
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.queue_size)
    return demo


def _check_number(value: Any, count: int) -> int:
    """A result number from a form field: a whole number between 1 and ``count``."""
    try:
        number = int(float(value))
    except (TypeError, ValueError) as exc:
        raise InputError("choose a result number, e.g. 1") from exc
    if count == 0:
        raise InputError("there are no recommendations yet: ask for some songs first")
    if not 1 <= number <= count:
        raise InputError(f"choose a result number between 1 and {count}")
    return number


def _check_history(value: Any, limit: int) -> list[dict[str, Any]]:
    """The chat shown so far as sent by the page: the last ``limit`` well-formed messages only."""
    if not isinstance(value, list):
        return []
    keep = [m for m in value[-limit:] if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
    return [{"role": str(m["role"]), "content": m.get("content", "")} for m in keep]


def _check_form(value: Any) -> list[str] | None:
    """Section names separated by spaces or commas (verse, chorus, bridge, intro, outro, pre-chorus)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value) > 300:
        raise InputError("the form is a short list of sections, e.g. 'verse chorus verse chorus bridge chorus'")
    allowed = {"verse", "chorus", "bridge", "intro", "outro", "pre-chorus"}
    parts = [p for p in value.replace(",", " ").lower().split() if p]
    bad = [p for p in parts if p not in allowed]
    if bad or not parts or len(parts) > 16:
        raise InputError(f"the form may use {', '.join(sorted(allowed))} (up to 16 sections)")
    return parts
