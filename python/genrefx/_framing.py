"""STFT framing parameters: validation, defaults and the cached core plan."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np

from . import _core
from ._validation import check_positive_int
from .exceptions import ParameterError
from .filters import stft_window

__all__ = ["PAD_MODES", "Framing", "framing"]

#: np.pad modes the core implements (linear_ramp with numpy's default end value 0). librosa's
#: stft (and every feature built on it) rejects "wrap" when centring; rms, which pads with
#: np.pad itself, takes it.
PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp")


@dataclasses.dataclass(frozen=True)
class Framing:
    """Validated STFT framing: n_fft, hop, window and centring, with the core plan."""

    n_fft: int
    hop_length: int
    win_length: int
    window: np.ndarray
    center: bool
    pad_mode: str
    plan: Any
    n_fft_name: str = "n_fft"  # what the caller calls it (rms: frame_length)

    def n_frames(self, n: int) -> int:
        """Frames for a signal of ``n`` samples, as librosa counts them."""
        return int(self.plan.n_frames(n))

    def check_length(self, n: int) -> None:
        """Raise if a signal of ``n`` samples is too short to frame."""
        if not self.center and n < self.n_fft:
            raise ParameterError(
                f"y has {n} samples, fewer than {self.n_fft_name}={self.n_fft}; with "
                f"center=False a signal needs at least {self.n_fft_name} samples "
                "(or use center=True)"
            )


@functools.lru_cache(maxsize=64)
def _plan(n_fft: int, hop_length: int, window_key: bytes, center: bool, pad_mode: str):
    window = np.frombuffer(window_key, dtype=np.float64)
    return _core.StftPlan(n_fft, hop_length, window, center, pad_mode)


def frame_lengths(
    n_fft: Any, win_length: Any, hop_length: Any, n_fft_name: str = "n_fft"
) -> tuple[int, int, int]:
    """librosa's STFT lengths, validated: ``win_length`` None means ``n_fft`` and must not
    exceed it; ``hop_length`` None means ``win_length // 4``."""
    n_fft = check_positive_int(n_fft, n_fft_name)
    win_length = n_fft if win_length is None else check_positive_int(win_length, "win_length")
    if win_length > n_fft:
        raise ParameterError(f"win_length={win_length} must be at most {n_fft_name}={n_fft}")
    if hop_length is None:
        hop_length = win_length // 4
        if hop_length <= 0:
            raise ParameterError(
                f"hop_length=None gives win_length // 4 = 0 for win_length={win_length}; "
                "pass hop_length explicitly"
            )
    return n_fft, win_length, check_positive_int(hop_length, "hop_length")


def stft_arguments(n_fft, hop_length, win_length, window, center, pad_mode) -> dict[str, Any]:
    """The STFT's framing arguments as keywords (for ``stft`` or :func:`framing`)."""
    return {
        "n_fft": n_fft,
        "hop_length": hop_length,
        "win_length": win_length,
        "window": window,
        "center": center,
        "pad_mode": pad_mode,
    }


def framing(
    *,
    n_fft: Any = 2048,
    hop_length: Any = None,
    win_length: Any = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: Any = "constant",
    n_fft_name: str = "n_fft",
) -> Framing:
    """Validate librosa's STFT framing arguments (hop_length None means win_length // 4).

    ``n_fft_name`` is the name the caller's users know n_fft by (``frame_length`` for rms).
    """
    n_fft, win_length, hop_length = frame_lengths(n_fft, win_length, hop_length, n_fft_name)
    if not center:  # librosa pads only centred frames: any pad_mode goes unused
        pad_mode = "constant"
    is_rms = n_fft_name == "frame_length"  # (rms pads with np.pad itself, "wrap" included)
    if callable(pad_mode) or pad_mode not in PAD_MODES:
        # (rms takes np.pad's other modes too: feature/energy.py pads for the core with them)
        accepted = PAD_MODES if is_rms else tuple(m for m in PAD_MODES if m != "wrap")
        extra = " or np.pad's mean, median, maximum, minimum" if is_rms else ""
        raise ParameterError(
            f"pad_mode={pad_mode!r} is not supported; use one of {accepted}{extra}"
        )
    if center and pad_mode == "wrap" and not is_rms:
        raise ParameterError("pad_mode='wrap' is not supported by librosa.stft (nor here)")
    args = (n_fft, hop_length, win_length, bool(center), str(pad_mode), n_fft_name)
    try:  # a named window (the usual case): the whole Framing once per set of arguments
        return _cached_framing(window, type(window), *args)
    except TypeError:  # an unhashable window (an array of samples)
        return _build_framing(window, *args)


def _build_framing(window, n_fft, hop_length, win_length, center, pad_mode, n_fft_name) -> Framing:
    w = stft_window(window, win_length, n_fft)
    plan = _plan(n_fft, hop_length, w.tobytes(), center, pad_mode)
    return Framing(n_fft, hop_length, win_length, w, center, pad_mode, plan, n_fft_name)


@functools.lru_cache(maxsize=64)
def _cached_framing(window, window_type, *args) -> Framing:
    # (window_type in the key, conservatively: values that hash alike but differ in type, such
    # as 1 and 1.0, each get an entry of their own)
    return _build_framing(window, *args)
