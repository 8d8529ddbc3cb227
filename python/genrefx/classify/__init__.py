"""Genre classifiers on genrefx features, deployed as ONNX (``genrefx train / evaluate /
predict``).

:func:`train` cross-validates a scikit-learn model on a batch-extract feature table (folds
grouped by track, or by artist), fits it on all rows and writes one ONNX file whose metadata
holds the classes, the feature columns and the extraction options; :class:`GenreModel` loads
it (or any ONNX model on log-mel patches described by :func:`attach_logmel_metadata`) and
predicts from audio files or arrays with ONNX Runtime, extracting exactly the same features.
"""

from .dataset import join_labels, read_table, table_options
from .evaluate import evaluate
from .metadata import METADATA_KEY, attach_logmel_metadata
from .model import GenreModel
from .models import MODELS, make_pipeline
from .predict import PredictResult, predict_files
from .report import Report
from .train import TrainResult, train

__all__ = [
    "METADATA_KEY",
    "MODELS",
    "GenreModel",
    "PredictResult",
    "Report",
    "TrainResult",
    "attach_logmel_metadata",
    "evaluate",
    "join_labels",
    "make_pipeline",
    "predict_files",
    "read_table",
    "table_options",
    "train",
]
