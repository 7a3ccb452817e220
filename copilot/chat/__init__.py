"""The conversation: the turn loop (:mod:`.conversation`), request understanding
(:mod:`.understand`), the handlers per intent (:mod:`.handlers`) and the song operations
they share (:mod:`.songops`, :mod:`.params`). The web page and the CLI use :class:`Copilot`.
"""

from copilot.chat.conversation import CHAT_MAX_TOKENS, Copilot, render_prompt, song_summary
from copilot.chat.engines import Engines
from copilot.chat.events import Event

__all__ = ["CHAT_MAX_TOKENS", "Copilot", "Engines", "Event", "render_prompt", "song_summary"]
