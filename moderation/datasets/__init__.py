"""The public labeled corpora, mapped onto our targets, with honest accounting of what was read.

Each corpus has an adapter (see ``corpora``) that turns its files into ``Example`` rows. A target a corpus
does not annotate is None, never 0. Splits are by group (article, video, question, post), by a stable hash,
so the comments of one article never straddle train and test.
"""

from moderation.datasets.corpora import CORPORA, load_corpus
from moderation.datasets.records import TARGETS, Corpus, DedupReport, Example
from moderation.datasets.splits import load_corpora, split_of

__all__ = ["CORPORA", "TARGETS", "Corpus", "DedupReport", "Example", "load_corpora", "load_corpus", "split_of"]
