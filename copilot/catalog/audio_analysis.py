"""Audio features from samples: tempo, key and mode, loudness, energy (librosa; numpy for the math).

Runs inside the audio child process (:mod:`copilot.catalog.audio_child`); the pure parts
(:func:`estimate_key`, :func:`loudness_db`, :func:`energy_from`) are plain numpy and
tested directly.

- **Tempo** (BPM): the autocorrelation of the onset strength of the low band (mel bands up to
  :data:`LOW_BAND_HZ`: bass and kick, which mark beats more than melodies and hi-hats do), weighted
  by a log-normal prior around 120 BPM (one octave wide) over 50-220 BPM, the peak refined by
  parabolic interpolation; then doubled when half the period is almost as periodic
  (:data:`DOUBLE_RATIO`) and the double stays under :data:`MAX_DOUBLED_BPM`. Silent low band:
  the full band is used. (:func:`tempo_from_envelope`.)
- **Key and mode**: the mean constant-Q chroma, correlated (Pearson) with a major and a minor key
  profile rotated to each of the 12 tonics; the best of the 24 wins (Krumhansl-Schmuckler).
- **Loudness** (dBFS): ``10 log10(mean(x^2))`` over the analysed samples (the RMS level; a full-scale
  sine is -3 dB, silence is clamped to :data:`SILENCE_DB`).
- **Energy** in [0, 1]: the mean of two parts, each clipped to [0, 1]: loudness scaled from
  -45 dBFS (0) to -6 dBFS (1), and the onset rate scaled from 0 to :data:`BUSY_ONSETS_PER_S`
  onsets per second (1). Loud, busy music scores near 1; quiet, sparse music near 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

ANALYSIS_RATE = 22050
HOP = 512
SILENCE_DB = -100.0
QUIET_DB, LOUD_DB = -45.0, -6.0
BUSY_ONSETS_PER_S = 6.0
LOW_BAND_HZ = 300.0
MIN_BPM, MAX_BPM, PRIOR_BPM = 50.0, 220.0, 120.0
DOUBLE_RATIO = 0.7
MAX_DOUBLED_BPM = 200.0
ONSET_DELTA = 1.0
"""Least rise of the onset strength (log-mel flux) that counts as an onset."""

KEY_PROFILES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    # Krumhansl & Kessler (1982) probe-tone ratings
    "krumhansl": (
        (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88),
        (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17),
    ),
    # Temperley (2001) Kostka-Payne corpus profiles
    "temperley": (
        (0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400),
        (0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330),
    ),
}
"""Key profiles (weight of each pitch class above the tonic), major then minor."""
DEFAULT_PROFILE = "krumhansl"


@dataclass(frozen=True)
class Measured:
    """Raw analysis of one file: tonic as a pitch class (C = 0), mode "major"/"minor"."""

    tempo_bpm: float
    tonic_pc: int
    mode: str
    key_strength: float
    loudness_db: float
    energy: float
    analysed_s: float


def estimate_key(chroma: np.ndarray, profile: str = DEFAULT_PROFILE) -> tuple[int, str, float]:
    """(tonic pitch class, "major"/"minor", correlation) of a 12-bin chroma vector.

    >>> c_major = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1.0]); c_major[[0, 4, 7]] += 1
    >>> estimate_key(c_major)[:2], estimate_key(np.roll(c_major, 9))[:2]
    ((0, 'major'), (9, 'major'))
    """
    vec = np.asarray(chroma, dtype=np.float64).reshape(12)
    if not np.any(vec > 0) or np.allclose(vec, vec[0]):
        return 0, "major", 0.0
    best = (0, "major", -2.0)
    for mode, weights in zip(("major", "minor"), KEY_PROFILES[profile], strict=True):
        prof = np.asarray(weights)
        for tonic in range(12):
            r = float(np.corrcoef(vec, np.roll(prof, tonic))[0, 1])
            if r > best[2]:
                best = (tonic, mode, r)
    return best


def tempo_from_envelope(envelope: np.ndarray, frames_per_s: float) -> float:
    """Tempo (BPM) of an onset-strength envelope (see the module doc); 0.0 when it has no pulse.

    >>> env = np.zeros(2000); env[::44] = 1.0  # a pulse every 44 frames at 43.07 frames/s: 58.7 BPM
    >>> round(float(tempo_from_envelope(env, 22050 / 512)), 1)
    58.7
    >>> env[22::44] = 0.8  # and almost as strong between: the pulse is twice as fast
    >>> round(float(tempo_from_envelope(env, 22050 / 512)), 1)
    117.5
    """
    env = np.asarray(envelope, dtype=np.float64)
    env = env - env.mean()
    size = min(env.size, int(6 * frames_per_s))
    if size < 4 or not np.any(env):
        return 0.0
    acf = np.array([float(np.dot(env[: env.size - lag], env[lag:])) for lag in range(size)])
    lags = np.arange(1, size - 1)
    bpm = 60.0 * frames_per_s / lags
    prior = np.exp(-0.5 * np.log2(bpm / PRIOR_BPM) ** 2)
    score = np.where((bpm >= MIN_BPM) & (bpm <= MAX_BPM), acf[1:-1] * prior, -np.inf)
    if not np.isfinite(score).any():
        return 0.0
    lag = int(lags[int(np.argmax(score))])
    a, b, c = acf[lag - 1], acf[lag], acf[lag + 1]
    curve = a - 2 * b + c
    exact = lag + (0.5 * (a - c) / curve if curve < 0 else 0.0)
    tempo = 60.0 * frames_per_s / exact
    half = round(exact / 2)
    if 2 * tempo <= MAX_DOUBLED_BPM and half >= 1 and acf[half] >= DOUBLE_RATIO * b:
        tempo *= 2
    return float(tempo)


def loudness_db(samples: np.ndarray) -> float:
    """RMS level in dBFS (full scale = 1.0), at least :data:`SILENCE_DB`.

    >>> round(loudness_db(np.ones(100)), 1), loudness_db(np.zeros(10))
    (0.0, -100.0)
    """
    if samples.size == 0:
        return SILENCE_DB
    power = float(np.mean(np.square(samples, dtype=np.float64)))
    return max(SILENCE_DB, 10.0 * float(np.log10(power))) if power > 0 else SILENCE_DB


def energy_from(level_db: float, onsets_per_s: float) -> float:
    """Energy in [0, 1] from the loudness and the onset rate (see the module doc).

    >>> energy_from(-6.0, 6.0), energy_from(-60.0, 0.0), energy_from(-25.5, 3.0)
    (1.0, 0.0, 0.5)
    """
    loud = min(1.0, max(0.0, (level_db - QUIET_DB) / (LOUD_DB - QUIET_DB)))
    busy = min(1.0, max(0.0, onsets_per_s / BUSY_ONSETS_PER_S))
    return round(0.5 * loud + 0.5 * busy, 4)


def analyse(samples: np.ndarray, rate: int, profile: str = DEFAULT_PROFILE) -> Measured:
    """Tempo, key, loudness and energy of mono ``samples`` at ``rate`` Hz."""
    import librosa

    y = np.asarray(samples, dtype=np.float32)
    if rate != ANALYSIS_RATE:
        y = librosa.resample(y, orig_sr=rate, target_sr=ANALYSIS_RATE, res_type="soxr_hq")
    seconds = y.size / ANALYSIS_RATE
    level = loudness_db(y)
    if y.size < ANALYSIS_RATE // 2 or level <= SILENCE_DB + 1:
        return Measured(0.0, 0, "major", 0.0, level, energy_from(level, 0.0), seconds)
    envelope = librosa.onset.onset_strength(y=y, sr=ANALYSIS_RATE, hop_length=HOP)
    low = librosa.onset.onset_strength(y=y, sr=ANALYSIS_RATE, hop_length=HOP, fmax=LOW_BAND_HZ, n_mels=32)
    fps = ANALYSIS_RATE / HOP
    tempo = tempo_from_envelope(low, fps) or tempo_from_envelope(envelope, fps)
    # an absolute peak threshold (not librosa's per-file normalisation): a steady tone has no onsets
    onsets = librosa.onset.onset_detect(
        onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP, normalize=False, delta=ONSET_DELTA
    )
    chroma = librosa.feature.chroma_cqt(y=y, sr=ANALYSIS_RATE, hop_length=HOP)
    tonic, mode, strength = estimate_key(chroma.mean(axis=1), profile)
    return Measured(
        tempo_bpm=round(tempo, 2),
        tonic_pc=tonic,
        mode=mode,
        key_strength=round(strength, 4),
        loudness_db=round(level, 2),
        energy=energy_from(level, len(onsets) / max(seconds, 1e-6)),
        analysed_s=round(seconds, 3),
    )


def measured_to_json(m: Measured) -> dict[str, Any]:
    """The child's wire form of a :class:`Measured` (JSON edge): its fields by name."""
    return asdict(m)
