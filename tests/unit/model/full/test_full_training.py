"""Training the full tier end to end on small generated corpora (real encoder, tiny data)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from moderation.datasets.records import Corpus, Example, labels
from moderation.model.full.tier import FullModel
from moderation.records import Comment

TOPICS = ["the transit budget", "the school board vote", "the hospital strike", "the new bridge", "the housing plan"]
INSULTS = ["you are a pathetic idiot", "shut up, moron", "what a stupid clown you are", "nobody cares, loser"]
FINE = [
    "I think {t} deserves more debate",
    "good reporting on {t}",
    "the numbers on {t} look right",
    "thanks for covering {t}",
]
PLOTS = ["the elites planned {t} to control us", "{t} is a cover-up by the deep state", "they hide the truth about {t}"]
PLAIN = ["I read the report on {t}", "{t} was discussed at the meeting", "my neighbour works on {t}"]
SPAM = ["subscribe to my channel for free gifts", "check out my page, click the link", "win money now, follow me"]


def corpus(name: str, rows: list[tuple[str, dict, str, str | None]]) -> Corpus:
    c = Corpus(name=name, folder=name, license="test", commercial_use=True)
    c.examples = [Example(text=t, labels=labels(**y), source=name, group=g, context=ctx) for t, y, g, ctx in rows]
    return c


@pytest.fixture(scope="module")
def corpora() -> list[Corpus]:
    rng = random.Random(0)
    out = []
    news = []
    for a in range(24):
        topic = TOPICS[a % len(TOPICS)]
        article = f"Article {a}: the city council discussed {topic} at length on Monday."
        for k in range(6):
            rude = k % 3 == 0
            text = rng.choice(INSULTS) if rude else rng.choice(FINE).format(t=topic)
            news.append((f"{text} ({a}.{k})", {"abuse": int(rude)}, str(a), article))
    out.append(corpus("c3", news))
    for name, positives, negatives, target in (
        ("olid", INSULTS, FINE, "abuse"),
        ("toxigen", ["those people are all criminals", "they should go back home"], FINE, "abuse"),
        ("psycomark", PLOTS, PLAIN, "conspiracy"),
        ("pan", PLOTS, PLAIN, "conspiracy"),
        ("mediaeval", PLOTS, PLAIN, "conspiracy"),
        ("covid", PLOTS, PLAIN, "conspiracy"),
    ):
        rows = []
        for i in range(60):
            y = i % 2
            text = rng.choice(positives if y else negatives).format(t=rng.choice(TOPICS))
            rows.append((f"{text} #{name}{i}", {target: y}, f"{name}{i}", None))
        out.append(corpus(name, rows))
    videos = ["Youtube01-Psy", "Youtube04-Eminem", "Youtube05-Shakira"]
    yt = [
        (f"{rng.choice(SPAM) if i % 2 else 'love this song ' + str(i)}", {"spam": i % 2}, videos[i % 3], None)
        for i in range(60)
    ]
    out.append(corpus("youtube", yt))
    return out


@pytest.fixture(scope="module")
def trained(corpora: list[Corpus]) -> FullModel:
    from moderation.model.full.training import train_full
    from moderation.model.linear.training import train_on

    fast, _, ts = train_on(corpora, progress=lambda _: None, cross_domain=False)
    return train_full(fast, ts, progress=lambda _: None)


def test_full_tier_learns_and_reports_its_selection(trained: FullModel) -> None:
    table = trained.info["selection"]
    assert set(table) == {"abuse", "conspiracy"}
    assert set(table["abuse"]["auc"]["linear tier"]) == {"news comments", "tweets", "identity statements"}
    assert table["abuse"]["chosen"] in table["abuse"]["mean"]
    assert trained.version.endswith("-full") and trained.fast.version.endswith("-fast")
    assert set(trained.thresholds) == {"abuse", "conspiracy", "off_topic"}
    rude, plot, fine = trained.score(
        [
            Comment("1", "you are a pathetic idiot"),
            Comment("2", "the elites planned the bridge to control us"),
            Comment("3", "thanks for covering the housing plan"),
        ]
    )
    assert rude.scores["abuse"] > fine.scores["abuse"]
    assert plot.scores["conspiracy"] > fine.scores["conspiracy"]


def test_retraining_embeds_only_new_texts(corpora: list[Corpus], trained: FullModel) -> None:
    from moderation.model.encoder.cache import cached_vectors
    from moderation.model.encoder.network import DIM, encoder_id

    seen = []

    class Counting:
        def embed(self, texts):
            seen.extend(texts)
            return np.zeros((len(texts), DIM), dtype=np.float32)

    texts = [e.text for c in corpora for e in c.examples]
    cached_vectors([*texts, "a decision on a brand new comment"], Counting(), encoder_id(), DIM)
    assert seen == ["a decision on a brand new comment"]
