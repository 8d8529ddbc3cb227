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
from .channel_energy import pcen
from .config import show_config
from .constantq import cqt, cqt_frequencies, note_to_hz
from .convert import (
    fft_frequencies,
    fourier_tempo_frequencies,
    hz_to_mel,
    mel_frequencies,
    mel_to_hz,
    tempo_frequencies,
)
from .exceptions import ParameterError
from .extract import FEATURES, RECIPE_FEATURES, extract
from .levels import db_to_amplitude, db_to_power, magphase
from .loading import get_duration, get_samplerate, load, resample, to_mono
from .notes import (
    A4_to_tuning,
    hz_to_midi,
    hz_to_note,
    hz_to_octs,
    midi_to_hz,
    midi_to_note,
    note_to_midi,
    octs_to_hz,
    tuning_to_A4,
)
from .pitch import estimate_tuning
from .spectrum import amplitude_to_db, power_to_db, stft
from .time_units import (
    blocks_to_frames,
    blocks_to_samples,
    blocks_to_time,
    frames_to_samples,
    frames_to_time,
    samples_like,
    samples_to_frames,
    samples_to_time,
    time_to_frames,
    time_to_samples,
    times_like,
)
from .vocoder import phase_vocoder
from .weighting import (
    A_weighting,
    B_weighting,
    C_weighting,
    D_weighting,
    Z_weighting,
    frequency_weighting,
    multi_frequency_weighting,
    perceptual_weighting,
)

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
    "A4_to_tuning",
    "A_weighting",
    "B_weighting",
    "C_weighting",
    "D_weighting",
    "GenreModel",
    "ParameterError",
    "Z_weighting",
    "__version__",
    "amplitude_to_db",
    "beat",
    "blocks_to_frames",
    "blocks_to_samples",
    "blocks_to_time",
    "cqt",
    "cqt_frequencies",
    "db_to_amplitude",
    "db_to_power",
    "decompose",
    "effects",
    "estimate_tuning",
    "extract",
    "feature",
    "fft_frequencies",
    "filters",
    "fourier_tempo_frequencies",
    "frames_to_samples",
    "frames_to_time",
    "frequency_weighting",
    "get_duration",
    "get_samplerate",
    "hz_to_mel",
    "hz_to_midi",
    "hz_to_note",
    "hz_to_octs",
    "istft",
    "load",
    "magphase",
    "mel_frequencies",
    "mel_to_hz",
    "midi_to_hz",
    "midi_to_note",
    "multi_frequency_weighting",
    "note_to_hz",
    "note_to_midi",
    "octs_to_hz",
    "onset",
    "pcen",
    "perceptual_weighting",
    "phase_vocoder",
    "power_to_db",
    "resample",
    "samples_like",
    "samples_to_frames",
    "samples_to_time",
    "show_config",
    "stft",
    "tempo_frequencies",
    "time_to_frames",
    "time_to_samples",
    "times_like",
    "to_mono",
    "tuning_to_A4",
    "util",
]
