"""Request understanding: a chat message -> typed requests (intent + every stated detail).

The public surface is small: :class:`Reader` (``Reader(embed, llm).read(text, ctx)``), the
types :class:`Intent`, :class:`Details`, :class:`Request`, :class:`Understanding`,
:class:`SongContext`, and :data:`DOING` (what each intent does, in words). Inside: the
learned intent model (:mod:`.classifier`, trained by :mod:`.train` on ``data/``), the cut
into parts (:mod:`.split`), the detail parsers (:mod:`.details`) and the LLM's reading
(:mod:`.llm`). Pure apart from the embedder and the LLM passed in.
"""

from copilot.chat.understand.reader import DOING, Reader
from copilot.chat.understand.requests import Details, Intent, Request, SongContext, Understanding

__all__ = ["DOING", "Details", "Intent", "Reader", "Request", "SongContext", "Understanding"]
