"""The page's "Your taste" panel: what the profile learned, what it changes, and controls to edit it.

:func:`panel_data` (pure) turns a :class:`~copilot.catalog.profile_report.ProfileReport` into
what the panel shows; :func:`taste_figure` draws it (matplotlib, like the mood plot);
:func:`add_taste_panel` adds the components inside the page's Blocks and wires them.
Whose profile: the logged-in user when ``COPILOT_AUTH`` is set, else the default user
(:func:`copilot.state.taste.profile_user`).

No ``from __future__ import annotations`` here: Gradio finds the ``gr.Request`` parameter of a
callback by its annotation, which must be the class itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copilot.catalog.profile_report import ProfileReport
from copilot.errors import CopilotError, InputError
from copilot.llm.guard import safe_markdown
from copilot.settings import Settings


@dataclass(frozen=True)
class TastePanel:
    """What the panel shows: bars (tag, weight), liked songs (title, valence, arousal), text and choices."""

    user: str
    moods: tuple[tuple[str, float], ...]
    genres: tuple[tuple[str, float], ...]
    points: tuple[tuple[str, float, float], ...]
    markdown: str
    choices: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not (self.moods or self.genres or self.points)


def panel_data(report: ProfileReport) -> TastePanel:
    """The panel's content for ``report`` (pure; text made inert for Markdown)."""
    moods = tuple((p.tag, p.weight) for p in report.top("mood"))
    genres = tuple((p.tag, p.weight) for p in report.top("genre"))
    points = tuple(
        (s.title, s.valence, s.arousal) for s in report.liked if s.valence is not None and s.arousal is not None
    )
    counts = (
        f"{len(report.liked)} liked · {len(report.disliked)} disliked · {len(report.inputs.searches)} searches · "
        f"{len(report.inputs.histories)} imported histories"
    )
    lines = [f"**{safe_markdown(report.user)}**: {counts}", "", "**What your profile changes**"]
    lines += [f"- {safe_markdown(e)}" for e in report.effects]
    choices = tuple((i.label[:90], i.handle) for i in report.items)
    return TastePanel(report.user, moods, genres, points, "\n".join(lines), choices)


def taste_figure(panel: TastePanel) -> Any:
    """Top moods and genres as bars, liked songs on the valence-arousal plane (None when empty)."""
    if panel.empty:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 2.4), dpi=100)
    mx, gx, vx = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.1]})
    for ax, bars, title in ((mx, panel.moods, "moods"), (gx, panel.genres, "genres")):
        names = [t for t, _ in bars][::-1]
        weights = [w for _, w in bars][::-1]
        ax.barh(names, weights, color=["#2f9e44" if w > 0 else "#e03131" for w in weights])
        ax.set_xlim(-1, 1)
        ax.axvline(0, color="#bbb", lw=0.8)
        ax.set_title(title, fontsize=8)
        ax.tick_params(labelsize=7)
    vx.axhline(0, color="#bbb", lw=0.8)
    vx.axvline(0, color="#bbb", lw=0.8)
    vx.scatter([v for _, v, _ in panel.points], [a for _, _, a in panel.points], s=30, color="#d9480f", zorder=3)
    vx.set_xlim(-1, 1)
    vx.set_ylim(-1, 1)
    vx.set_xlabel("valence", fontsize=7)
    vx.set_ylabel("arousal", fontsize=7)
    vx.set_title("liked songs", fontsize=8)
    vx.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def add_taste_panel(settings: Settings, index_of: Callable[[], Any]) -> tuple[list[Any], Callable[..., Any]]:
    """Add the panel inside the current Blocks; returns (its outputs, the refresh callback).

    ``index_of`` gives the catalog index (the recommender's store snapshot)."""
    import gradio as gr

    from copilot.catalog.profile_report import profile_report
    from copilot.state import open_state
    from copilot.state.taste import TasteStore, profile_user

    def tastes() -> TasteStore:
        return TasteStore(open_state(settings))

    def user_of(request: gr.Request | None) -> str:
        return profile_user(settings, getattr(request, "username", None) or None)

    def view(user: str, note: str = "") -> tuple[Any, ...]:
        data = panel_data(profile_report(tastes().inputs(user), index_of()))
        text = (f"_{safe_markdown(note)}_\n\n" if note else "") + data.markdown
        return taste_figure(data), text, gr.update(choices=list(data.choices), value=None)

    def refresh(request: gr.Request) -> tuple[Any, ...]:
        try:
            return view(user_of(request))
        except CopilotError as exc:
            return None, f"Sorry: {safe_markdown(exc.user_message())}", gr.update()

    def remove(item: Any, request: gr.Request) -> tuple[Any, ...]:
        try:
            if not isinstance(item, str) or not item or len(item) > 300:
                raise InputError("choose an item of your profile to remove first")
            user = user_of(request)
            return view(user, f"Removed the {tastes().remove(user, item)}.")
        except CopilotError as exc:
            return None, f"Sorry: {safe_markdown(exc.user_message())}", gr.update()

    def reset(request: gr.Request) -> tuple[Any, ...]:
        try:
            user = user_of(request)
            tastes().reset(user)
            return view(user, "Your profile is reset: likes, searches and histories are forgotten.")
        except CopilotError as exc:
            return None, f"Sorry: {safe_markdown(exc.user_message())}", gr.update()

    with gr.Accordion("Your taste", open=False, elem_id="taste") as accordion:
        plot = gr.Plot(label="Your taste", elem_id="taste-plot")
        text = gr.Markdown(elem_id="taste-text")
        with gr.Row():
            item = gr.Dropdown([], label="Remove from your profile", elem_id="taste-item", scale=4)
            remove_btn = gr.Button("Remove", size="sm", elem_id="taste-remove", scale=1)
            reset_btn = gr.Button("Reset profile", size="sm", variant="stop", elem_id="taste-reset", scale=1)
            refresh_btn = gr.Button("Refresh", size="sm", elem_id="taste-refresh", scale=1)
    outputs = [plot, text, item]
    remove_btn.click(remove, [item], outputs, api_name="taste_remove")
    reset_btn.click(reset, None, outputs, api_name="taste_reset")
    refresh_btn.click(refresh, None, outputs, api_name="taste")
    accordion.expand(refresh, None, outputs, api_visibility="private", show_progress="hidden")
    return outputs, refresh
