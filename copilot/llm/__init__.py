"""Talking to LLMs: one protocol (OpenAI chat completions) for every backend."""
