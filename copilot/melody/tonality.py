"""Tonal clarity: does a melody's pitch content say its key? (pure)

The same measure music21's default key analysis uses: Pearson correlation of a
duration-weighted pitch-class histogram with the Aarden-Essen key profiles.
"""

from __future__ import annotations

from copilot.theory import Key

AARDEN_ESSEN = {
    "major": (17.7661, 0.145624, 14.9265, 0.160186, 19.8049, 11.3587, 0.291248, 22.062, 0.145624, 8.15494,
              0.232998, 4.95122),
    "minor": (18.2648, 0.737619, 14.0499, 16.8599, 0.702494, 14.4362, 0.702494, 18.6161, 4.56621, 1.93186,
              7.37619, 1.75623),
}  # fmt: skip
"""Aarden-Essen key profiles (pitch-class weights from the tonic up; from Humdrum's keycor), the
profiles music21's default key analysis correlates with a duration-weighted pitch histogram."""


def key_correlations(histogram: list[float]) -> dict[tuple[int, str], float]:
    """Pearson correlation of a 12-bin pitch-class histogram (durations) with every major and
    minor key profile: {(tonic pitch class, "major"/"minor"): r}.

    >>> best = max(key_correlations([4, 0, 2, 0, 3, 1, 0, 3, 0, 1, 0, 1]).items(), key=lambda kv: kv[1])
    >>> best[0]
    (0, 'major')
    """
    n = 12
    mean_h = sum(histogram) / n
    dev_h = [h - mean_h for h in histogram]
    norm_h = sum(d * d for d in dev_h) ** 0.5
    out: dict[tuple[int, str], float] = {}
    for quality, weights in AARDEN_ESSEN.items():
        mean_w = sum(weights) / n
        dev_w = [w - mean_w for w in weights]
        norm_w = sum(d * d for d in dev_w) ** 0.5
        for tonic in range(n):
            top = sum(dev_w[(j - tonic) % n] * dev_h[j] for j in range(n))
            out[(tonic, quality)] = top / (norm_w * norm_h) if norm_h and norm_w else 0.0
    return out


def tonal_margin(histogram: list[float], key: Key) -> float:
    """How clearly a histogram says ``key``: its correlation minus the best other key's (> 0:
    a key finder names the key's tonic and major/minor quality)."""
    corr = key_correlations(histogram)
    mine = corr[(key.tonic_pc, key.quality)]
    return mine - max(v for k, v in corr.items() if k != (key.tonic_pc, key.quality))
