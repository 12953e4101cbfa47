"""The classifier: normalise and featurise text, score it, explain the scores, save and load models.

Importing this package is cheap; the model file is read on first use of ``load_model``.
"""

from moderation.model.artifact import load_model

__all__ = ["load_model"]
