"""Feature extraction, mirroring ``librosa.feature``: same names, arguments, shapes and numbers."""

from .chroma import chroma_stft
from .chroma_cqt import chroma_cens, chroma_cqt
from .energy import rms, zero_crossing_rate
from .mel import melspectrogram, mfcc
from .poly import poly_features
from .rhythm import tempo, tempogram
from .spectral import (
    spectral_bandwidth,
    spectral_centroid,
    spectral_contrast,
    spectral_flatness,
    spectral_rolloff,
)
from .temporal import delta, stack_memory
from .tonnetz import tonnetz

__all__ = [
    "chroma_cens",
    "chroma_cqt",
    "chroma_stft",
    "delta",
    "melspectrogram",
    "mfcc",
    "poly_features",
    "rms",
    "spectral_bandwidth",
    "spectral_centroid",
    "spectral_contrast",
    "spectral_flatness",
    "spectral_rolloff",
    "stack_memory",
    "tempo",
    "tempogram",
    "tonnetz",
    "zero_crossing_rate",
]
