"""Named conspiracy narratives: the shipped catalogue, a site's additions, and the measuring set's loader."""

from moderation.model.narratives.catalogue import (
    CATALOGUE_PATH,
    DOMAINS,
    Catalogue,
    Narrative,
    extend_catalogue,
    load_catalogue,
    load_catalogue_with_config,
    statement_key,
)
from moderation.model.narratives.measuring_set import MeasuredStatement, MeasuringSet, load_measuring_set

__all__ = [
    "CATALOGUE_PATH",
    "DOMAINS",
    "Catalogue",
    "MeasuredStatement",
    "MeasuringSet",
    "Narrative",
    "extend_catalogue",
    "load_catalogue",
    "load_catalogue_with_config",
    "load_measuring_set",
    "statement_key",
]
