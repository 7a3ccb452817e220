"""The one exception tree of copilot.

Every error the package raises on purpose is a :class:`CopilotError`. Core code
raises them with a plain, user-facing message and, where useful, the name of the
setting that fixes the problem (``setting``). Only the CLI and the UI turn them
into text for people; nothing else catches them to print.

This module imports nothing from the package, so any module may import it.
"""

from __future__ import annotations


class CopilotError(Exception):
    """Base of every error copilot raises on purpose.

    ``setting`` names the environment variable (or CLI flag) a user can change
    to fix the problem, when there is one.
    """

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.setting = setting

    def user_message(self) -> str:
        """One line for a person: the message and, if known, the setting to fix."""
        text = self.message.strip().splitlines()[0] if self.message.strip() else type(self).__name__
        if self.setting and self.setting not in text:
            text = f"{text} (setting: {self.setting})"
        return text


class ConfigError(CopilotError):
    """A setting is missing or has a value that cannot work."""


class InputError(CopilotError, ValueError):
    """Input from a user (text, numbers, options) is empty, too large or malformed."""


class ModelError(CopilotError):
    """A model file is missing, corrupt (sha256 mismatch) or cannot be loaded."""


class LLMError(CopilotError):
    """The LLM endpoint failed; subclasses say how."""


class LLMUnavailable(LLMError):
    """The endpoint refused the connection or could not be reached."""


class LLMAuthError(LLMError):
    """The endpoint rejected the API key (HTTP 401/403)."""


class LLMTimeout(LLMError):
    """The endpoint did not answer within the configured time budget."""


class LLMRateLimited(LLMError):
    """The endpoint answered 429; ``retry_after`` is in seconds when it said."""

    def __init__(self, message: str, *, setting: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, setting=setting)
        self.retry_after = retry_after


class LLMBadResponse(LLMError):
    """The endpoint answered with a server error or data we could not use."""


class StoreError(CopilotError):
    """The vector store failed, is damaged, or could not be reached."""


class StoreLocked(StoreError):
    """Another process holds the store's writer lock."""


class CatalogError(InputError):
    """A catalog file or row is invalid."""


class MidiError(InputError):
    """A MIDI file is invalid, hostile, or over the limits."""


class NotFound(CopilotError, LookupError):
    """A song, session, result number or file that was asked for does not exist."""


class Cancelled(CopilotError):
    """Background work was stopped before it finished (the program is closing); nothing half-done was kept."""


class LLMStopped(LLMUnavailable, Cancelled):
    """The embedded LLM server was stopped while it loaded (the program is closing): not a fault to report."""
