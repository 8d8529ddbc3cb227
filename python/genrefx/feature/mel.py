"""Mel spectrogram and MFCC, mirroring ``librosa.feature.melspectrogram`` and ``mfcc``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _requests, filters
from .._engine import compute
from .._framing import stft_arguments
from .._validation import filterbank_dtype
from ..exceptions import ParameterError
from ..spectrum import _stft, power_to_db, spectrogram

__all__ = ["melspectrogram", "mfcc"]

_FRAMING_KEYS = ("n_fft", "hop_length", "win_length", "window", "center", "pad_mode")


def melspectrogram(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    **kwargs: Any,
) -> np.ndarray:
    """Mel-scaled spectrogram; mirrors ``librosa.feature.melspectrogram``.

    ``mel_basis @ |STFT(y)|**power`` with librosa's Slaney mel filterbank (``kwargs``: n_mels=128,
    fmin=0.0, fmax=sr/2, htk=False, norm="slaney"), applied by the core as a sparse product.
    With ``S``, S is taken as the (power) spectrogram and only the filterbank is applied.

    Returns
    -------
    S_mel : np.ndarray [shape=(..., n_mels, t)], float32 (float64 for float64 input)

    See Also
    --------
    librosa.feature.melspectrogram
    """
    framing_args = stft_arguments(n_fft, hop_length, win_length, window, center, pad_mode)
    return _melspectrogram(y, sr, S, framing_args, power, kwargs, fft64=False)


def _melspectrogram(y, sr, S, framing_args, power, kwargs, *, fft64: bool) -> np.ndarray:
    """:func:`melspectrogram` of validated framing arguments; ``fft64``: from the float64 FFT
    whatever the arguments (:func:`genrefx.onset.onset_strength`, whose envelope of a steady
    tone is made of its mel's weakest bands)."""
    dtype = filterbank_dtype(kwargs.pop("dtype", np.float32))
    if dtype != np.float32:  # a filterbank in another dtype: librosa's product, in numpy
        return _mel_in_dtype(y, sr, S, power, framing_args, kwargs, dtype)
    if S is None and y is not None and power not in (1, 1.0, 2, 2.0):
        if not np.isscalar(power) or not power > 0:
            raise ParameterError(f"power={power!r} must be a positive number")
        # librosa's stft: the float64 FFT, rounded to complex64 for float32 audio (a power
        # below 1 lifts the weak bins, where the float32 FFT's round-off would show: a pure
        # tone's mel at power=0.5 was 5.4e-5 off)
        D = _stft(y, fft64=True, **framing_args)  # (validates y)
        S = (np.abs(D) ** power).astype(np.float64 if y.dtype == np.float64 else np.float32)
    # with S (given, or |D|**power made above) the filterbank applies to S as it is: librosa
    # ignores power then
    mel_power = 2.0 if S is not None else power
    return compute(
        ["melspectrogram"],
        lambda n, f, shape: _requests.mel_part(float(sr), n, kwargs, mel_power),
        y=y,
        S=S,
        sr=sr,
        fft64=fft64,
        **framing_args,
    )["melspectrogram"]


def _mel_in_dtype(y, sr, S, power, framing_args, mel_kwargs, dtype):
    """melspectrogram with ``filters.mel(..., dtype=dtype)``: ``einsum(S, mel_basis)`` as
    librosa, so that the result takes the filterbank's dtype (float64 for float32 audio too)."""
    S, n_fft = spectrogram(y, S, power, framing_args)
    bank = filters.mel(sr=sr, n_fft=n_fft, dtype=dtype, **mel_kwargs)
    return np.einsum("...ft,mf->...mt", S, bank, optimize=True)


def mfcc(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: str | None = "ortho",
    lifter: float = 0,
    mel_norm: Any = "slaney",
    **kwargs: Any,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients; mirrors ``librosa.feature.mfcc``.

    ``dct(power_to_db(melspectrogram(y, norm=mel_norm, **kwargs)))[:n_mfcc]`` with librosa's
    quirk that ``power_to_db``'s ``top_db=80`` floor is relative to the maximum of the WHOLE
    input (all channels of a multichannel ``y``), not per clip. With ``S`` (a log-power mel
    spectrogram), only the DCT is applied.

    Returns
    -------
    M : np.ndarray [shape=(..., n_mfcc, t)], float32 (float64 for float64 input)

    See Also
    --------
    librosa.feature.mfcc
    """
    if S is not None:
        import scipy.fft

        S = np.asarray(S)
        if lifter < 0:
            raise ParameterError(f"MFCC lifter={lifter} must be a non-negative number")
        M = scipy.fft.dct(S, axis=-2, type=dct_type, norm=norm)[..., :n_mfcc, :]
        if lifter > 0:
            li = np.sin(np.pi * np.arange(1, 1 + n_mfcc, dtype=M.dtype) / lifter)
            M *= 1 + (lifter / 2) * li[:, np.newaxis]
        return M
    framing_args = {k: kwargs.pop(k) for k in _FRAMING_KEYS if k in kwargs}
    framing_args.setdefault("hop_length", 512)
    power = kwargs.pop("power", 2.0)
    mel_kwargs = dict(kwargs, norm=mel_norm)
    dtype = filterbank_dtype(mel_kwargs.pop("dtype", np.float32))
    if dtype != np.float32 or power not in (1, 2):
        # the mel spectrogram on its own (another filterbank dtype, or |D|**power), from the
        # float64 FFT for float32 audio as librosa's: the 80 dB floor for power < 2 reaches
        # bins below the float32 FFT's round-off
        f32 = isinstance(y, np.ndarray) and y.dtype == np.float32
        mel = melspectrogram(
            y=y.astype(np.float64) if f32 else y,
            sr=sr,
            power=power,
            dtype=dtype,
            **framing_args,
            **mel_kwargs,
        )
        if f32 and dtype == np.float32:
            mel = mel.astype(np.float32)
        return mfcc(S=power_to_db(mel), n_mfcc=n_mfcc, dct_type=dct_type, norm=norm, lifter=lifter)

    def build(n, f, shape):
        part = _requests.mel_part(float(sr), n, mel_kwargs, power)
        part.update(_requests.mfcc_part(n_mfcc, part["mel_bank"].n_rows, dct_type, norm, lifter))
        return part

    return compute(["mfcc"], build, y=y, S=None, sr=sr, **framing_args)["mfcc"]
