"""Prototype situations: short, generic song-situation sentences with a known feeling.

GoEmotions is Reddit comments, where feelings are mostly *said* ("I'm so angry"). Songwriters
mostly *describe situations* ("the factory closed"), which the GoEmotions head often calls
neutral. The analyzer therefore also compares a text with these prototypes (MiniLM
cosine, softmax over the nearest) and mixes the result into the Ekman distribution and
into valence/arousal (see :mod:`copilot.emotion.analyzer`).

Each group below is one region of mood space: an Ekman group and a typical
(valence, arousal) point. The sentences were written by us as generic examples of common
song situations; they are not taken from any evaluation set.
"""

from __future__ import annotations

PROTOTYPES: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    # (Ekman group, valence, arousal, sentences)
    ("joy", 0.85, 0.65, (
        "we are celebrating tonight, everyone is dancing",
        "we won, we actually did it, what a feeling",
        "the best day of my life, I can't stop smiling",
        "party with friends until the sun comes up",
        "good news at last, we're going to make it",
        "a happy upbeat song full of sunshine",
        "I passed the exam and I feel on top of the world",
        "our baby is born and the whole family is cheering",
    )),
    ("joy", 0.75, -0.35, (
        "holding you close on a quiet morning, so in love",
        "thankful for my family around the table",
        "a tender song for someone I love",
        "singing softly to a sleeping child",
        "old friends sharing memories by the fireplace, content",
        "a warm and gentle love song",
    )),
    ("neutral", 0.45, -0.7, (
        "a peaceful, relaxing evening with nothing to do",
        "calm instrumental music to unwind",
        "a slow, soothing song for a quiet night",
        "gentle waves and soft light, everything is still",
    )),
    ("sadness", -0.8, -0.5, (
        "someone I love has died and I miss them",
        "she left me and the house feels empty",
        "I lost my job and I don't know what to do",
        "lonely nights, nobody calls anymore",
        "saying goodbye to a place I will never see again",
        "a sad song about heartbreak and tears",
        "the town I grew up in is gone now",
        "I regret what I said and I can't undo it",
        "he never came home and I'm still waiting",
    )),
    ("anger", -0.7, 0.75, (
        "I'm sick of being treated unfairly, enough is enough",
        "they lied to us and took our money",
        "the rich keep getting richer while we pay more",
        "he betrayed me and I will not forgive him",
        "an angry song about injustice and greedy bosses",
        "we will fight back and we won't back down",
        "I'm fed up and ready to explode",
    )),
    ("fear", -0.6, 0.65, (
        "I'm scared of what might happen tomorrow",
        "my heart is pounding before I go on stage",
        "something is wrong and I can't stop worrying",
        "alone in the dark, hearing noises outside",
        "waiting for news from the hospital, terrified",
        "anxious and nervous, I can't sleep",
    )),
    ("surprise", 0.3, 0.75, (
        "I can't believe it, I never saw that coming",
        "a sudden shocking twist nobody expected",
        "wait, what just happened? completely unexpected news",
        "out of nowhere, everything changed in one moment",
    )),
    ("disgust", -0.7, 0.35, (
        "that is disgusting, it makes me sick",
        "the stench of rotten food and filth",
        "corrupt and rotten people who make me want to vomit",
        "gross, revolting behaviour that makes my skin crawl",
    )),
)  # fmt: skip
"""(Ekman group, valence, arousal, sentences) for each region of mood space."""


def flat_prototypes() -> list[tuple[str, str, float, float]]:
    """One (sentence, group, valence, arousal) row per prototype sentence."""
    return [(s, group, v, a) for group, v, a, sentences in PROTOTYPES for s in sentences]
