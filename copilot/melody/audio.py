"""A WAV preview of a melody, so people can listen before they download.

Renderers, best first: FluidSynth through pyfluidsynth (via pretty_midi) with a General MIDI
soundfont; the ``fluidsynth`` program with the same soundfont; pretty_midi's own sine-wave
synthesis, which needs nothing installed, so a preview always exists. pretty_midi is imported
lazily (it is heavy).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from copilot.errors import MidiError
from copilot.melody.midi_io import midi_bytes
from copilot.melody.model import Melody

SOUNDFONT_PATHS = (
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
)
"""General MIDI soundfonts from Debian packages (timgm6mb-soundfont, fluid-soundfont-gm)."""

RENDERERS = ("auto", "fluidsynth-lib", "fluidsynth-cli", "sine")


def find_soundfont() -> Path | None:
    """The first GM soundfont found: Debian's, else the TimGM6mb.sf2 pretty_midi ships."""
    for path in SOUNDFONT_PATHS:
        if path.is_file():
            return path
    try:
        import pretty_midi
    except ImportError:
        return None
    bundled = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
    return bundled if bundled.is_file() else None


def _to_wav(samples: np.ndarray, rate: int) -> bytes:
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    scaled = samples / peak * 0.8 if peak > 0 else samples
    pcm = (np.clip(scaled, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buf.getvalue()


def _lib(data: bytes, rate: int, sf2: Path) -> bytes:
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    return _to_wav(pm.fluidsynth(fs=rate, sf2_path=str(sf2)), rate)


def _cli(data: bytes, rate: int, sf2: Path, program: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="copilot-wav-") as tmp:
        mid, wav = Path(tmp) / "in.mid", Path(tmp) / "out.wav"
        mid.write_bytes(data)
        cmd = [program, "-ni", "-q", "-g", "0.8", "-r", str(rate), "-T", "wav", "-F", str(wav), str(sf2), str(mid)]
        done = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
        if done.returncode != 0 or not wav.is_file():
            raise MidiError(f"fluidsynth could not render the preview: {done.stderr.decode(errors='replace')[:200]}")
        return wav.read_bytes()


def _sine(data: bytes, rate: int) -> bytes:
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    return _to_wav(pm.synthesize(fs=rate), rate)


def render_wav(melody: Melody, *, sample_rate: int = 22050, renderer: str = "auto") -> tuple[bytes, str]:
    """The preview as WAV bytes (16-bit mono) and the name of the renderer that made it:
    "fluidsynth-lib", "fluidsynth-cli" or "sine"."""
    if renderer not in RENDERERS:
        raise MidiError(f"unknown renderer {renderer!r}; use one of {', '.join(RENDERERS)}")
    data = midi_bytes(melody)
    sf2 = find_soundfont() if renderer != "sine" else None
    if sf2 is not None and renderer in ("auto", "fluidsynth-lib"):
        try:
            import fluidsynth  # noqa: F401  (pyfluidsynth; raises ImportError without libfluidsynth)
        except (ImportError, OSError):
            if renderer == "fluidsynth-lib":
                raise MidiError("pyfluidsynth or libfluidsynth is not installed (apt-get install fluidsynth)") from None
        else:
            return _lib(data, sample_rate, sf2), "fluidsynth-lib"
    program = shutil.which("fluidsynth")
    if sf2 is not None and program and renderer in ("auto", "fluidsynth-cli"):
        return _cli(data, sample_rate, sf2, program), "fluidsynth-cli"
    if renderer == "fluidsynth-cli":
        raise MidiError(
            "the fluidsynth program or a GM soundfont is missing (apt-get install fluidsynth timgm6mb-soundfont)"
        )
    return _sine(data, sample_rate), "sine"
