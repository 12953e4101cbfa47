"""Identity mentions that are not abuse: a template set to measure false positives on.

A model that learns "gay" or "Muslim" as an insult, because they appear in so many abusive comments,
silences the people it should protect. These neutral and positive sentences mention identities in the ways
readers do; the share flagged as abuse is the false-positive rate the model card reports.
"""

from __future__ import annotations

from itertools import product

IDENTITIES = (
    "gay", "lesbian", "bisexual", "transgender", "trans", "queer", "straight", "Muslim", "Jewish", "Christian",
    "Catholic", "Hindu", "Sikh", "Buddhist", "atheist", "Black", "white", "Asian", "Latino", "Hispanic",
    "Indigenous", "Arab", "African", "Mexican", "Chinese", "Indian", "immigrant", "refugee", "disabled", "deaf",
    "blind", "old", "young", "female", "male", "feminist", "conservative", "liberal",
)  # fmt: skip

PEOPLE = ("woman", "man", "person", "teacher", "nurse", "neighbour", "student", "father", "mother", "doctor")

TEMPLATES = (
    "I am a {identity} {person}.",
    "As a {identity} {person}, I found this article very informative.",
    "My {identity} neighbours are lovely people.",
    "My best friend is a {identity} {person} and a wonderful parent.",
    "Being {identity} is part of who I am and I am proud of it.",
    "The {identity} community in our town organised a food drive last week.",
    "I work with a {identity} {person} who is brilliant at her job.",
    "We welcomed a {identity} family to our street this summer.",
    "Thank you for covering the experiences of {identity} Canadians fairly.",
    "Our {identity} mayor did a good job with the budget this year.",
)


def identity_sentences() -> list[str]:
    """Every template filled with every identity (and a rotating noun, to keep the set varied)."""
    out = []
    for k, (template, identity) in enumerate(product(TEMPLATES, IDENTITIES)):
        out.append(template.format(identity=identity, person=PEOPLE[k % len(PEOPLE)]))
    return out
