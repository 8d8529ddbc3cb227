"""Feature extraction, mirroring ``librosa.feature``: same names, arguments, shapes and numbers."""

from .chroma import chroma_stft
from .energy import rms, zero_crossing_rate
from .mel import melspectrogram, mfcc
from .rhythm import tempo, tempogram
from .spectral import (
    spectral_bandwidth,
    spectral_centroid,
    spectral_contrast,
    spectral_flatness,
    spectral_rolloff,
)

__all__ = [
    "chroma_stft",
    "melspectrogram",
    "mfcc",
    "rms",
    "spectral_bandwidth",
    "spectral_centroid",
    "spectral_contrast",
    "spectral_flatness",
    "spectral_rolloff",
    "tempo",
    "tempogram",
    "zero_crossing_rate",
]
