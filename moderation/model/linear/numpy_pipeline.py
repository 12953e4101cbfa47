"""The relevance pipeline (scaler, polynomial features, logistic regression) evaluated with numpy alone.

Importing scikit-learn costs about a second and a half, longer than scoring tens of thousands of comments, and
scoring needs nothing of it but ``predict_proba`` of one small pipeline. So a model file is read with these
stand-ins in place of the scikit-learn classes it names: each takes the fitted estimator's pickled state
as is and repeats scikit-learn's arithmetic operation for operation, so the probabilities are the same
numbers up to the last bit (numpy's ``exp`` is its own vector code on AVX-512 CPUs, where scipy's ``expit``
calls the C library's). A pipeline of any other shape raises ``Unsupported`` and the model is read with
scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Unsupported(Exception):
    """The model names a scikit-learn class, or a setting, that has no stand-in here."""


class _FittedState:
    """Restored from a pickled scikit-learn estimator: its fitted attributes become ours."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._check()

    def _check(self) -> None:
        pass


class StandardScaler(_FittedState):
    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        if self.with_mean:
            X -= self.mean_
        if self.with_std:
            X /= self.scale_
        return X


class PolynomialFeatures(_FittedState):
    """Columns in scikit-learn's order: the bias, the features, then each degree's products in turn."""

    def _check(self) -> None:
        if self.interaction_only or self._min_degree > 1 or self.order != "C":
            raise Unsupported("polynomial features with interaction_only, a minimum degree or order F")

    def transform(self, X: np.ndarray) -> np.ndarray:
        n_samples, n_features = X.shape
        XP = np.empty((n_samples, self.n_output_features_), dtype=X.dtype)
        col = 0
        if self.include_bias:
            XP[:, 0] = 1
            col = 1
        if self._max_degree == 0:
            return XP
        XP[:, col : col + n_features] = X
        index = [*range(col, col + n_features), col + n_features]
        col += n_features
        for _ in range(2, self._max_degree + 1):
            # the terms of this degree: each feature times the previous degree's terms from that feature on
            new_index, end = [], index[-1]
            for feature in range(n_features):
                start = index[feature]
                new_index.append(col)
                stop = col + end - start
                if stop <= col:
                    break
                np.multiply(XP[:, start:end], X[:, feature : feature + 1], out=XP[:, col:stop], casting="no")
                col = stop
            new_index.append(col)
            index = new_index
        return XP


class LogisticRegression(_FittedState):
    def _check(self) -> None:
        if len(self.classes_) != 2:
            raise Unsupported("logistic regression with more than two classes")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        scores = (X @ self.coef_.T + self.intercept_).reshape(-1)
        with np.errstate(over="ignore"):  # exp overflows to inf for hopeless scores: p is then 0, as expit gives
            p = 1.0 / (1.0 + np.exp(-scores))  # scipy's expit, the same expression
        return np.vstack([1 - p, p]).T


class Pipeline(_FittedState):
    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        for _, step in self.steps[:-1]:
            if step is not None and step != "passthrough":
                X = step.transform(X)
        return self.steps[-1][1].predict_proba(X)


STAND_INS: dict[tuple[str, str], type] = {
    ("sklearn.pipeline", "Pipeline"): Pipeline,
    ("sklearn.preprocessing._data", "StandardScaler"): StandardScaler,
    ("sklearn.preprocessing._polynomial", "PolynomialFeatures"): PolynomialFeatures,
    ("sklearn.linear_model._logistic", "LogisticRegression"): LogisticRegression,
}
"""The scikit-learn classes a model file may name, as pickles name them, and what stands in for each."""


def stand_in(module: str, name: str) -> type | None:
    """What replaces ``module.name`` when a model file is read; None for classes outside scikit-learn."""
    if module != "sklearn" and not module.startswith("sklearn."):
        return None
    found = STAND_INS.get((module, name))
    if found is None:
        raise Unsupported(f"{module}.{name}")
    return found
