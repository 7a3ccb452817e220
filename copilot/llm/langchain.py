"""A langchain-openai ``ChatOpenAI`` for the same endpoint the app uses, for langchain users.

The app itself talks through :class:`~copilot.llm.client.OpenAIChatModel`; this adapter
is for code that wants langchain (chains, tool calling with
``with_structured_output(..., method="function_calling")``; json_schema is rejected by
the llama.cpp server). It is configured exactly like the core client: explicit time
limits and retries from settings, the embedded server's random key, never the
environment::

    with LLMRuntime(settings) as runtime:
        chat = langchain_chat_model(runtime)
        print(chat.invoke("hello").content)

Pitfalls handled here: langchain sends ``max_completion_tokens``, which llama.cpp's
server ignores, so ``max_tokens`` is also sent in the body. Do not call ``get_num_tokens`` on it: tiktoken would try to download an encoding.
langchain's errors are openai's; they are not mapped to :class:`~copilot.errors.LLMError`.
"""

from __future__ import annotations

from typing import Any

from copilot.llm.factory import LLMRuntime
from copilot.llm.server import MODEL_ALIAS


def langchain_chat_model(
    runtime: LLMRuntime, *, temperature: float = 0.7, seed: int | None = None, max_tokens: int | None = None
) -> Any:
    """A ``langchain_openai.ChatOpenAI`` for ``runtime``'s endpoint (starts the embedded server).

    ``max_tokens`` defaults to, and is capped at, ``settings.llm_max_tokens``.
    """
    import openai
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    s = runtime.settings
    if runtime.server is not None:
        base_url, api_key, model = runtime.server.base_url, runtime.server.api_key, MODEL_ALIAS
    else:
        base_url, api_key, model = s.llm_base_url or "", s.llm_api_key or "not-needed", s.llm_model
    cap = min(max_tokens or s.llm_max_tokens, s.llm_max_tokens)
    # langchain-openai sends the cap as `max_completion_tokens`, which llama.cpp's server
    # (and some other OpenAI-compatible servers) ignore: without `max_tokens` a reply
    # would run to the context limit. api.openai.com rejects both at once, so not there.
    extra = {} if "api.openai.com" in base_url else {"max_tokens": cap}
    return ChatOpenAI(  # type: ignore[call-arg]  # pydantic aliases
        base_url=base_url,
        api_key=SecretStr(api_key),
        model=model,
        timeout=openai.Timeout(s.llm_timeout_s, connect=s.llm_connect_timeout_s),
        max_retries=s.llm_retries,
        max_tokens=cap,
        extra_body=extra or None,
        temperature=temperature,
        seed=seed,
        streaming=True,
        stream_usage=False,
    )
