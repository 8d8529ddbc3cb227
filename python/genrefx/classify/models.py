"""The model kinds of ``genrefx train``: scikit-learn Pipelines of a scaler and a classifier."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np

from ..exceptions import ParameterError

__all__ = ["MODELS", "fit", "make_pipeline"]

#: Model kinds, by their ``--model`` names.
MODELS = ("logreg", "svm", "rf", "knn", "hgb", "mlp")


def _estimator(kind: str):
    """The classifier of ``kind`` with genrefx's defaults (imports scikit-learn lazily)."""
    if kind == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=1.0, max_iter=2000)
    if kind == "svm":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import SVC

        # Platt-scaled probabilities, as SVC(probability=True) (deprecated in scikit-learn 1.9,
        # removed in 1.11), by the replacement scikit-learn recommends; skl2onnx converts it
        svc = SVC(C=10.0, kernel="rbf", gamma="scale")
        return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)
    if kind == "rf":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=200)
    if kind == "knn":
        from sklearn.neighbors import KNeighborsClassifier

        # uniform weights: distance weights make the probabilities depend on float32 round-off
        # of the distances in ONNX Runtime (differences of 1e-2 seen), uniform ones do not
        return KNeighborsClassifier(n_neighbors=5)
    if kind == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1)
    if kind == "mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(hidden_layer_sizes=(256,), alpha=1e-3, max_iter=500)
    raise ParameterError(f"model={kind!r} is not a model kind; choose from {MODELS}")


def make_pipeline(
    kind: str, *, multilabel: bool = False, params: dict[str, Any] | None = None, seed: int = 0
):
    """A scikit-learn Pipeline ``StandardScaler -> classifier`` of model ``kind``.

    Parameters
    ----------
    kind : str
        One of :data:`MODELS`: ``logreg`` (LogisticRegression, C=1), ``svm`` (SVC, RBF kernel,
        C=10, with sigmoid (Platt) probabilities fitted on 3 internal folds by
        CalibratedClassifierCV(ensemble=False)), ``rf`` (RandomForestClassifier, 200 trees), ``knn``
        (KNeighborsClassifier, 5 neighbours, uniform weights), ``hgb``
        (HistGradientBoostingClassifier, 200 iterations), ``mlp`` (MLPClassifier, one hidden
        layer of 256, alpha=1e-3, at most 500 epochs).
    multilabel : bool
        Wrap the classifier in a OneVsRestClassifier: one binary classifier per class, each
        giving the probability that its class applies.
    params : dict or None
        Parameters of the classifier that replace the defaults (``{"n_estimators": 50}``; for
        ``svm``, the SVC's or the calibration's).
    seed : int
        ``random_state`` of classifiers that have one.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``scale`` and ``model``.

    Raises
    ------
    ParameterError
        An unknown ``kind`` or parameter name, or a value that scikit-learn's declared
        constraints reject (``C=-1``, ``n_estimators="abc"``). Values that only conflict with
        each other or with the data (``penalty="l1"`` with the lbfgs solver) are found when
        the model is fitted: see :func:`fit`.
    """
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    estimator = _estimator(kind)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=seed)
    for name, value in (params or {}).items():
        # svm's own parameters (C, gamma ...) are its calibrated SVC's
        target = name if name in estimator.get_params() else f"estimator__{name}"
        if target not in estimator.get_params():
            raise ParameterError(
                f"params: {kind} ({type(estimator).__name__}) has no parameter {name!r}"
            )
        try:
            estimator.set_params(**{target: value})
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"params: {name}={value!r}: {exc}") from None
    _validate(estimator, kind, params or {})
    model = OneVsRestClassifier(estimator) if multilabel else estimator
    return Pipeline([("scale", StandardScaler()), ("model", model)])


def _validate(estimator, kind: str, params: dict[str, Any]) -> None:
    """Check the parameter values against scikit-learn's declared constraints before any work.

    scikit-learn validates them only when fitting; every estimator has ``_validate_params``
    (scikit-learn >= 1.2), which is called when present, for the calibrated SVC of ``svm``
    too. Its InvalidParameterError is a ValueError and a TypeError.
    """
    if not params:
        return
    for part in (estimator, getattr(estimator, "estimator", None)):
        validate = getattr(part, "_validate_params", None)
        if validate is None:
            continue
        try:
            validate()
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"params {_shown(params)}: {kind}: {exc}") from None


def _shown(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _fewest_per_class(y: np.ndarray) -> int:
    """Rows of the rarest class present in ``y`` (multilabel: of the rarer of each label's
    yes / no, among labels that are not constant)."""
    if y.ndim == 2:  # a label all or none of the rows have is learnt as constant
        positives = y.sum(axis=0)
        fewer = np.minimum(positives, y.shape[0] - positives)
        return int(fewer[fewer > 0].min()) if (fewer > 0).any() else y.shape[0]
    counts = np.bincount(y)
    return int(counts[counts > 0].min())


def fit(pipeline, X: np.ndarray, y: np.ndarray, *, params: dict[str, Any] | None = None):
    """Fit a :func:`make_pipeline` Pipeline on ``X``, ``y``, fitting it to small data.

    * ``svm``: the calibration's internal folds (``cv``, 3) need as many rows of every class;
      ``cv`` is lowered to the rows of the rarest class (at least 2).
    * ``knn``: ``n_neighbors`` is lowered to the training rows when it exceeds them.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Changed in place (the lowered parameters) and fitted.
    X, y : np.ndarray
    params : dict or None
        The parameters the user gave: an error of scikit-learn while fitting is theirs, and
        is reported naming them.

    Returns
    -------
    list of str
        Notes on the parameters that were lowered (empty when none was).

    Raises
    ------
    ParameterError
        ``svm`` with a class of fewer than 2 rows, or ``params`` that scikit-learn rejects
        when fitting (e.g. ``penalty="l1"`` with the lbfgs solver).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.neighbors import KNeighborsClassifier

    notes = []
    model = pipeline.steps[-1][1]
    prefix = "model__estimator__" if isinstance(model, OneVsRestClassifier) else "model__"
    inner = model.estimator if isinstance(model, OneVsRestClassifier) else model
    if isinstance(inner, CalibratedClassifierCV) and isinstance(inner.cv, Integral):
        fewest = _fewest_per_class(y)
        if fewest < 2:
            raise ParameterError(
                f"model svm calibrates its probabilities on internal folds and needs at least 2 "
                f"rows of every class in each training set; one has {fewest} (with grouped "
                "cross-validation: give at least 3 tracks per class, or choose another --model)"
            )
        if inner.cv > fewest:
            notes.append(
                f"svm: the calibration's cv={inner.cv} was lowered to the rows of the rarest "
                "class where there were fewer"
            )
            pipeline.set_params(**{prefix + "cv": fewest})
    if isinstance(inner, KNeighborsClassifier) and inner.n_neighbors > X.shape[0]:
        notes.append(
            f"knn: n_neighbors={inner.n_neighbors} was lowered to the training rows where there "
            "were fewer (then every row votes)"
        )
        pipeline.set_params(**{prefix + "n_neighbors": X.shape[0]})
    try:
        pipeline.fit(X, y)
    except (TypeError, ValueError) as exc:
        if not params:
            raise
        kind = type(inner).__name__
        raise ParameterError(f"params {_shown(params)}: {kind} cannot be fitted: {exc}") from None
    return notes
