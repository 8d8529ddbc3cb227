"""genrefx: fast audio features for music genre classification.

A C++/SIMD core (``genrefx._core``) behind an API that mirrors librosa 0.11: swap
``librosa`` for ``genrefx`` in ``librosa.stft``, ``librosa.feature.mfcc`` ... and get the same
numbers (within float32 round-off), much faster. :func:`extract` computes many features from one
pass.
"""

from __future__ import annotations

from . import _core

try:
    _core.simd_level()  # selects the kernels now, so a bad GENREFX_SIMD fails at import
except ValueError as _error:
    raise ImportError(str(_error)) from None

from . import beat, decompose, effects, feature, filters, onset, util
from ._inverse import istft
from .config import show_config
from .constantq import cqt, cqt_frequencies, note_to_hz
from .convert import fft_frequencies, hz_to_mel, mel_frequencies, mel_to_hz
from .exceptions import ParameterError
from .extract import FEATURES, RECIPE_FEATURES, extract
from .pitch import estimate_tuning
from .spectrum import amplitude_to_db, power_to_db, stft

__version__ = _core.__version__


def __getattr__(name: str):
    # GenreModel needs ONNX Runtime: imported on first use, not with genrefx
    if name == "GenreModel":
        from .classify import GenreModel

        return GenreModel
    raise AttributeError(f"module 'genrefx' has no attribute {name!r}")


__all__ = [
    "FEATURES",
    "RECIPE_FEATURES",
    "GenreModel",
    "ParameterError",
    "__version__",
    "amplitude_to_db",
    "beat",
    "cqt",
    "cqt_frequencies",
    "decompose",
    "effects",
    "estimate_tuning",
    "extract",
    "feature",
    "fft_frequencies",
    "filters",
    "hz_to_mel",
    "istft",
    "mel_frequencies",
    "mel_to_hz",
    "note_to_hz",
    "onset",
    "power_to_db",
    "show_config",
    "stft",
    "util",
]
