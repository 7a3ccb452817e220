"""The lyric engine: song form, prosody checks, prompt assembly, the generate-check-repair
loop, editing with locks and export. See :mod:`copilot.lyrics.generator` for the loop."""
