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
        "she said yes and I'm over the moon",
        "we're getting married and everyone we love will be there",
        "the team scored in the final seconds and the crowd went wild",
        "I finally got my dream job",
        "a summer holiday by the sea with my friends",
        "we bought our first home together, we're so excited",
        "the band is back on tour and the crowd is singing every word",
        "a big family reunion full of laughter and hugs",
        "I'm so proud of you for everything you did",
        "my recovery is going well and I feel alive again",
        "counting the days until we're together again, can't wait",
        "a loud anthem for a night out in the city",
    )),
    ("joy", 0.75, -0.35, (
        "holding you close on a quiet morning, so in love",
        "thankful for my family around the table",
        "a tender song for someone I love",
        "singing softly to a sleeping child",
        "old friends sharing memories by the fireplace, content",
        "a warm and gentle love song",
        "a slow sunday with nowhere to be and someone I love beside me",
        "growing old together and still holding hands",
        "grateful for the small good things in an ordinary day",
        "a lazy afternoon in the sun, happy and at ease",
        "the garden in bloom and birds singing in the morning",
        "a quiet thank you to the people who looked after me",
    )),
    ("neutral", 0.45, -0.7, (
        "a peaceful, relaxing evening with nothing to do",
        "calm instrumental music to unwind",
        "a slow, soothing song for a quiet night",
        "gentle waves and soft light, everything is still",
    )),
    ("neutral", 0.1, -0.4, (
        "a song describing the streets of my town as they are",
        "the daily routine of a shopkeeper opening up in the morning",
        "a list of ordinary things on my kitchen table",
        "a story song about a fisherman's working day",
        "the weather and the fields through the seasons",
        "a song about the journey from one town to another",
        "describing the view from my window",
        "what happened at the market on tuesday",
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
        "my father is sick and getting weaker every week",
        "our old dog is dying and there's nothing we can do",
        "my parents are getting divorced",
        "we drifted apart and we don't talk anymore",
        "I moved far away and I miss everyone back home",
        "the funeral was yesterday and the house is so quiet",
        "I feel empty and tired, nothing matters anymore",
        "my grandmother doesn't remember who I am",
        "the friend I lost and the things I never got to say",
        "packing up her things after she moved out",
        "another rejection letter, another dream gone",
    )),
    ("sadness", 0.0, -0.45, (
        "remembering the summers of my childhood that will never come back",
        "looking through old photographs of people who are gone",
        "the last day of something good, happy it happened and sad it ended",
        "missing the way things used to be",
        "driving past the house where I grew up",
        "an old song on the radio that reminds me of you",
    )),
    ("anger", -0.7, 0.75, (
        "I'm sick of being treated unfairly, enough is enough",
        "they lied to us and took our money",
        "the rich keep getting richer while we pay more",
        "he betrayed me and I will not forgive him",
        "an angry song about injustice and greedy bosses",
        "we will fight back and we won't back down",
        "I'm fed up and ready to explode",
        "she cheated on me and then blamed me for it",
        "my boss humiliated me in front of everyone",
        "they ignored us again, nobody listens, I'm done being polite",
        "the landlord won't fix anything and keeps raising the rent",
        "they stole what was mine and laughed about it",
        "the police beat an innocent man and walked away",
        "politicians who break every promise they make",
        "I'm livid, furious, seething with rage",
        "slamming doors and shouting, I've had enough of you",
        "a protest song, raise your fists, we want justice",
        "the referee cheated us out of the win",
    )),
    ("fear", -0.6, 0.65, (
        "I'm scared of what might happen tomorrow",
        "my heart is pounding before I go on stage",
        "something is wrong and I can't stop worrying",
        "alone in the dark, hearing noises outside",
        "waiting for news from the hospital, terrified",
        "anxious and nervous, I can't sleep",
        "the doctor found something and I'm waiting for the results",
        "what if something terrible happens to my kids",
        "someone is following me and I don't feel safe",
        "a storm is coming and the house is shaking",
        "I might lose my job and I can't pay the bills",
        "panic on the plane as it drops through the clouds",
        "a stranger at the window in the middle of the night",
        "my child is missing and nobody has seen her",
        "the war is getting closer to our town",
        "trembling, cold sweat, I can't breathe",
    )),
    ("surprise", 0.3, 0.75, (
        "I can't believe it, I never saw that coming",
        "a sudden shocking twist nobody expected",
        "wait, what just happened? completely unexpected news",
        "out of nowhere, everything changed in one moment",
        "they threw me a surprise party and I had no idea",
        "an old friend turned up at my door after twenty years",
        "I won a prize I didn't even know I'd entered",
        "a letter arrived from someone I thought was gone forever",
        "she kissed me out of the blue",
        "I just found out a secret about my family",
    )),
    ("surprise", -0.4, 0.7, (
        "I found out he was married all along",
        "the news hit me out of nowhere and I'm in shock",
        "I never suspected my best friend would betray me like that",
    )),
    ("disgust", -0.7, 0.35, (
        "that is disgusting, it makes me sick",
        "the stench of rotten food and filth",
        "corrupt and rotten people who make me want to vomit",
        "gross, revolting behaviour that makes my skin crawl",
        "the toilets were filthy and the smell made me gag",
        "greasy food crawling with flies",
        "hypocrites who preach and then steal from the poor",
        "the way he treats people turns my stomach",
        "rats in the kitchen and mould on the walls",
        "sleazy men leering at girls in the bar, vile",
    )),
)  # fmt: skip
"""(Ekman group, valence, arousal, sentences) for each region of mood space."""


def flat_prototypes() -> list[tuple[str, str, float, float]]:
    """One (sentence, group, valence, arousal) row per prototype sentence."""
    return [(s, group, v, a) for group, v, a, sentences in PROTOTYPES for s in sentences]
