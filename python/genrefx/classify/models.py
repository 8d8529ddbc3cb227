"""The model kinds of ``genrefx train``: scikit-learn Pipelines of a scaler and a classifier."""

from __future__ import annotations

from typing import Any

from ..exceptions import ParameterError

__all__ = ["MODELS", "make_pipeline"]

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
        An unknown ``kind`` or parameter name.
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
    model = OneVsRestClassifier(estimator) if multilabel else estimator
    return Pipeline([("scale", StandardScaler()), ("model", model)])
