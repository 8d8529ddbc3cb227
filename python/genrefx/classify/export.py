"""A fitted scikit-learn Pipeline to ONNX (skl2onnx), with tensor outputs."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["INPUT_NAME", "OUTPUT_NAME", "to_onnx"]

#: Name of the exported model's input: float32 ``[N, n_features]``.
INPUT_NAME = "features"
#: Name of the exported model's probability output: float32 ``[N, n_classes]``.
OUTPUT_NAME = "probabilities"


class _IntAttributes:
    """A skl2onnx container whose nodes get Python ints where a converter passes booleans in
    integer-list attributes.

    skl2onnx 1.20's HistGradientBoosting converter puts ``False`` into
    ``nodes_missing_value_tracks_true`` for leaves; protobuf >= 6 rejects a bool in a repeated
    int field ("Expected an int, got a boolean"), so the conversion fails without this.
    """

    def __init__(self, container):
        self._container = container

    def __getattr__(self, name):
        return getattr(self._container, name)

    def add_node(self, *args, **attrs):
        for key, value in attrs.items():
            if isinstance(value, list) and any(isinstance(v, bool | np.bool_) for v in value):
                attrs[key] = [int(v) if isinstance(v, bool | np.bool_) else v for v in value]
        return self._container.add_node(*args, **attrs)


def _convert_hgb(scope, operator, container):
    from skl2onnx.common._registration import get_converter

    convert = get_converter("SklearnHistGradientBoostingClassifier")
    return convert(scope, operator, _IntAttributes(container))


def to_onnx(pipeline, n_features: int):
    """The ONNX model of a fitted classifier Pipeline.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted on float32 features with integer class indices (or, multilabel, an indicator
        matrix); its last step is the classifier or a OneVsRestClassifier.
    n_features : int
        Columns of the input.

    Returns
    -------
    onnx.ModelProto
        Input :data:`INPUT_NAME` float32 ``[N, n_features]``; outputs ``label`` (int64 class
        index ``[N]``, or the 0/1 indicator ``[N, n_classes]`` when multilabel) and
        :data:`OUTPUT_NAME` (float32 ``[N, n_classes]``, as ``predict_proba``). No ZipMap.
    """
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import HistGradientBoostingClassifier

    classifier = pipeline.steps[-1][1]
    with warnings.catch_warnings():
        # skl2onnx's SVC converter reads probA_ / probB_, deprecated in scikit-learn 1.9
        warnings.filterwarnings("ignore", "Attribute `prob[AB]_` was deprecated", FutureWarning)
        return convert_sklearn(
            pipeline,
            initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
            options={id(classifier): {"zipmap": False}},
            custom_conversion_functions={HistGradientBoostingClassifier: _convert_hgb},
        )
