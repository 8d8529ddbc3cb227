"""Grouped cross-validation: no track (or group, e.g. artist) in both training and test."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import ParameterError
from .dataset import Labelled
from .models import fit

__all__ = ["MAX_SPLITS", "cross_val_probabilities", "folds", "n_splits"]

#: Folds of the cross-validation, unless fewer groups per class allow only fewer.
MAX_SPLITS = 5


def n_splits(data: Labelled) -> int:
    """``min(MAX_SPLITS, fewest groups of any class)``.

    Raises
    ------
    ParameterError
        When a class has fewer than two groups: it could not be both learnt and tested.
    """
    indicator = data.y if data.multilabel else np.eye(len(data.classes), dtype=bool)[data.y]
    counts = [np.unique(data.groups[indicator[:, k] > 0]).size for k in range(len(data.classes))]
    fewest = int(np.argmin(counts))
    if counts[fewest] < 2:
        unit = "track" if np.array_equal(data.groups, data.tracks) else "group"
        raise ParameterError(
            f"class {data.classes[fewest]!r} has {counts[fewest]} {unit}(s); grouped "
            f"cross-validation needs at least 2 {unit}s per class"
        )
    return min(MAX_SPLITS, counts[fewest])


def folds(data: Labelled, *, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices of each fold: StratifiedGroupKFold for single-label data,
    GroupKFold for multilabel data, both shuffled with ``seed``, :func:`n_splits` folds. All
    rows of a group (all segments of a track) are in the same fold."""
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    k = n_splits(data)
    if data.multilabel:
        cv = GroupKFold(k, shuffle=True, random_state=seed)
        return list(cv.split(data.X, groups=data.groups))
    cv = StratifiedGroupKFold(k, shuffle=True, random_state=seed)
    return list(cv.split(data.X, data.y, groups=data.groups))


def cross_val_probabilities(
    pipeline,
    data: Labelled,
    *,
    seed: int = 0,
    params: dict | None = None,
    notes: list[str] | None = None,
) -> tuple[np.ndarray, int]:
    """Out-of-fold class probabilities of every row.

    Each fold of :func:`folds` is predicted by a clone of ``pipeline`` fitted on the others
    (by :func:`~genrefx.classify.models.fit`, which fits the model to small folds).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
    data : Labelled
    seed : int
    params : dict or None
        The user's classifier parameters, named when fitting fails.
    notes : list or None
        Receives the notes of :func:`~genrefx.classify.models.fit` (each once).

    Returns
    -------
    probabilities : np.ndarray [shape=(rows, classes)], float64
    n_splits : int
    """
    from sklearn.base import clone

    splits = folds(data, seed=seed)
    out = np.zeros((data.X.shape[0], len(data.classes)), dtype=np.float64)
    for train, test in splits:
        model = clone(pipeline)
        with warnings.catch_warnings():
            # a label that no track (or every track) of a training fold has is learnt as
            # constant: OneVsRest warns per fold; the test fold's score shows the cost
            warnings.filterwarnings("ignore", "Label .* is present in all training examples")
            said = fit(model, data.X[train], data.y[train], params=params)
        if notes is not None:
            notes.extend(n for n in said if n not in notes)
        proba = model.predict_proba(data.X[test])
        if data.multilabel:
            out[test] = proba
        else:  # a class missing from the training fold has no column: it gets 0
            out[np.ix_(test, model.classes_)] = proba
    return out, len(splits)
