"""Closeness to the narrative catalogue: meaning, not keywords, and criticism apart from plots."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.model.full.tier import unit_means
from moderation.model.narratives.catalogue import Catalogue, Narrative
from moderation.model.narratives.similarity import FEATURES, NarrativeIndex

CATALOGUE = Catalogue(
    (
        Narrative(
            "staged-attacks",
            "Staged attacks",
            "geopolitics",
            "Attacks in wars are staged to justify intervention.",
            (
                "The gas attack was set up by the rescuers so the West could bomb.",
                "Every atrocity in that war is staged with actors to sell the next invasion.",
            ),
            ("The government's account of the attack has gaps that an inquiry should look at.",),
        ),
        Narrative(
            "vaccine-chips",
            "Vaccine microchips",
            "health",
            "Vaccines carry microchips to track people.",
            ("They put tracking chips in the jabs.", "The vaccine is a way to microchip the population."),
            ("The vaccine rollout was badly organised.",),
        ),
    )
)


@pytest.fixture(scope="module")
def index() -> NarrativeIndex:
    from moderation.model.encoder.network import shared_encoder

    encoder = shared_encoder()
    return NarrativeIndex.build(CATALOGUE, lambda texts: unit_means(encoder.embed(texts)))


def _units(texts: list[str]) -> np.ndarray:
    from moderation.model.encoder.network import shared_encoder

    return unit_means(shared_encoder().embed(texts))


def test_a_paraphrase_is_closer_than_ordinary_talk(index: NarrativeIndex) -> None:
    units = _units(["That chemical massacre was faked by the White Helmets to give NATO an excuse.", "I like soup."])
    features = index.features(units)
    top = FEATURES.index("narrative_top")
    assert features[0, top] > features[1, top] + 0.2
    geo = FEATURES.index("domain_geopolitics")
    assert features[0, geo] > features[0, FEATURES.index("domain_health")]


def test_criticism_is_closer_to_the_critical_statements_than_a_plot_is(index: NarrativeIndex) -> None:
    units = _units(["The ministry handled the vaccine rollout badly.", "The jab puts a tracking chip in your arm."])
    margin = index.features(units)[:, FEATURES.index("narrative_minus_critical")]
    assert margin[1] > margin[0]


def test_closest_names_the_narrative(index: NarrativeIndex) -> None:
    (unit,) = _units(["There's a microchip in the vaccine so they can follow you."])
    named = index.closest(unit, k=2)
    assert named[0][:2] == ("vaccine-chips", "Vaccine microchips")
    assert named[0][2] > named[1][2]


def test_features_have_their_columns_even_for_no_comments(index: NarrativeIndex) -> None:
    assert index.features(np.zeros((0, 384))).shape == (0, len(FEATURES))
    assert index.narrative_similarity(_units(["hello"])).shape == (1, 2)
