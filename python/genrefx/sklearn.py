"""scikit-learn integration: genrefx feature extraction as a transformer.

:class:`FeatureExtractor` maps audio (paths or arrays) to the rows of a batch-extract feature
table, so extraction can sit inside a Pipeline and be tuned by GridSearchCV::

    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC
    from genrefx.sklearn import FeatureExtractor

    pipe = make_pipeline(FeatureExtractor(features=("mfcc", "chroma_stft")), SVC())
    search = GridSearchCV(pipe, {"featureextractor__n_mfcc": [13, 20]}, cv=3)
    search.fit(paths, genres)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .batch.audio import DecodeError
from .batch.features import BatchOptions, describe_error, process_array, process_source
from .batch.sources import Source, expand_inputs
from .batch.summary import DEFAULT_STATS
from .exceptions import ParameterError
from .extract import FEATURES

__all__ = ["FeatureExtractor"]


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Audio to genrefx summary features: one row per input, as a batch-extract table's.

    Stateless: ``fit`` only validates the parameters; ``transform`` decodes each path as
    ``librosa.load`` (mono, resampled to ``sr``) or takes each array as audio at ``sr`` Hz,
    extracts ``features`` with one FFT pass and summarizes them over the frames with ``stats``.

    Parameters
    ----------
    sr : int > 0
        Analysis rate; files are resampled to it, arrays must already be at it.
    features : tuple of str
        Names from :data:`genrefx.FEATURES` and :data:`genrefx.RECIPE_FEATURES`.
    stats : tuple of str
        Statistics over frames (``mean std skew kurtosis median min max var``).
    n_fft, hop_length, n_mels, n_mfcc, n_chroma, n_bands : int
        As in :func:`genrefx.extract`.
    offset : float
        Seconds skipped at the start of each input.
    duration : float or None
        Seconds analysed at most.

    See Also
    --------
    genrefx.batch.extract_files : the same rows as a table, for many files.

    Examples
    --------
    >>> from genrefx.sklearn import FeatureExtractor
    >>> X = FeatureExtractor(features=("mfcc",), stats=("mean",)).fit_transform(["a.wav"])
    ... # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (1, 20)
    """

    def __init__(
        self,
        sr: int = 22050,
        features: tuple[str, ...] = FEATURES,
        stats: tuple[str, ...] = DEFAULT_STATS,
        n_fft: int = 2048,
        hop_length: int = 512,
        n_mels: int = 128,
        n_mfcc: int = 20,
        n_chroma: int = 12,
        n_bands: int = 6,
        offset: float = 0.0,
        duration: float | None = None,
    ):
        self.sr = sr
        self.features = features
        self.stats = stats
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.n_mfcc = n_mfcc
        self.n_chroma = n_chroma
        self.n_bands = n_bands
        self.offset = offset
        self.duration = duration

    def _options(self) -> BatchOptions:
        if self.sr is None:
            raise ParameterError("sr=None: FeatureExtractor needs one analysis rate")
        return BatchOptions(
            sr=self.sr,
            offset=self.offset,
            duration=self.duration,
            features=tuple(self.features),
            stats=tuple(self.stats),
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            n_mels=self.n_mels,
            n_mfcc=self.n_mfcc,
            n_chroma=self.n_chroma,
            n_bands=self.n_bands,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def fit(self, X: Any = None, y: Any = None) -> FeatureExtractor:
        """Validate the parameters (nothing is learnt).

        Raises
        ------
        ParameterError
            For invalid parameters.
        """
        self.n_features_out_ = len(self._options().feature_columns())
        return self

    def transform(self, X: Iterable[Any]) -> np.ndarray:
        """The features of each input.

        Parameters
        ----------
        X : iterable of str, os.PathLike or np.ndarray
            Audio files (or ``ARCHIVE::MEMBER``), each naming exactly one track, or arrays
            ``(n,)`` / ``(channels, n)`` at ``sr`` Hz; a 2-d array is a batch of mono clips,
            one per row.

        Returns
        -------
        np.ndarray [shape=(len(X), n_features)], float32
            Columns in the order of :meth:`get_feature_names_out`.

        Raises
        ------
        ParameterError
            For a path that names no or several tracks, or an input that cannot be decoded
            or analysed (its name in the message).
        """
        if isinstance(X, str | bytes | os.PathLike):
            raise ParameterError(
                f"X={X!r} is one path: give a list of inputs (one row each), e.g. [{X!r}]"
            )
        options = self._options()
        rows = []
        for i, item in enumerate(X):
            if isinstance(item, np.ndarray):
                found = process_array(item, self.sr, options, f"<array {i}>")
            elif isinstance(item, str | os.PathLike):
                sources = expand_inputs([item])
                if len(sources) != 1:
                    raise ParameterError(
                        f"X[{i}]={os.fspath(item)!r} names {len(sources)} tracks; give one file "
                        "per row"
                    )
                found = _process(sources[0], options)
            else:
                raise ParameterError(f"X[{i}] is a {type(item).__name__}: give paths or arrays")
            rows.append(found[0]["values"])
        width = len(options.feature_columns())
        return np.stack(rows) if rows else np.zeros((0, width), dtype=np.float32)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The feature table's column names, ``{feature}_{stat}[_{index:02d}]``."""
        return np.asarray(self._options().feature_columns(), dtype=object)


def _process(source: Source, options: BatchOptions) -> list[dict[str, Any]]:
    try:
        return process_source(source, options)
    except (DecodeError, ParameterError) as exc:
        kind, message = describe_error(exc)
        raise ParameterError(f"{source.name}: {kind}: {message}") from exc
