"""soxr_hq's 2:1 decimation, run by the core as an FIR filter.

``librosa.resample(y, orig_sr=2, target_sr=1, res_type="soxr_hq")`` (what librosa.cqt does
between octaves) is a linear filter followed by keeping every other sample: its output is
``y[m] = sum_j h[j] x[2 m - j]`` with ``x`` zero outside the signal, ``ceil(n / 2)`` samples.
The taps ``h`` are measured here from soxr itself (its response to an impulse at an even and at
an odd position), so they are soxr's own design whatever its version, and the core applies them
by FFT convolution (``_core.HalvingFilter``, float32 arithmetic), ~2.5x faster than soxr on a
30-s clip. The result equals soxr's to float32 round-off (~3e-7 of the largest sample: soxr_hq
itself computes in float32).

The filter is linear-phase with ~190 significant taps each side; beyond that soxr's response is
its own float32 rounding noise (below 1e-7 of the peak), which is left out. The measurement is
checked against soxr on a seeded signal; if soxr ever resampled otherwise (the check's error
above 1e-5), :func:`halving_filter` returns None and callers keep calling soxr.
"""

from __future__ import annotations

import functools

import numpy as np
import soxr

from . import _core

__all__ = ["halving_filter"]

_PROBE_LENGTH = 16384  # samples: the impulse responses (~2 x 1700 samples) fit with room
_NOISE_FLOOR = 1e-7  # taps below this fraction of the largest one are soxr's rounding noise
_MARGIN = 64  # taps kept beyond the last one above the noise floor
_CHECK_TOLERANCE = 1e-5  # max |ours - soxr| / max |soxr| on the check signal


def _soxr_halve(x: np.ndarray) -> np.ndarray:
    return soxr.resample(x, 2, 1, quality="soxr_hq")


def measured_taps() -> np.ndarray:
    """soxr_hq's 2:1 taps ``h[-J .. J]`` (float64 array of ``2 J + 1`` values, ``h[0]`` in the
    middle), measured from its impulse responses and cut where they reach its noise floor."""
    k0 = _PROBE_LENGTH // 2  # even
    half = np.zeros(_PROBE_LENGTH + 1)  # h[j] at index j + k0
    for phase in (0, 1):
        x = np.zeros(_PROBE_LENGTH, dtype=np.float32)
        x[k0 + phase] = 1.0
        y = _soxr_halve(x).astype(np.float64)
        m = np.arange(y.shape[-1])
        j = 2 * m - (k0 + phase)  # y[m] = h[2 m - k] for the impulse at k
        keep = np.abs(j) <= k0
        half[j[keep] + k0] = y[keep]
    mag = np.abs(half)
    above = np.nonzero(mag > _NOISE_FLOOR * mag.max())[0] - k0
    J = int(np.max(np.abs(above))) + _MARGIN
    return half[k0 - J : k0 + J + 1].copy()


@functools.cache
def halving_filter(gain: float = 1.0) -> _core.HalvingFilter | None:
    """The core's filter for ``gain * soxr.resample(x, 2, 1, quality="soxr_hq")`` on float32
    rows (``filter(x2d) -> (B, ceil(n / 2))``), or None when soxr does not behave as this module
    assumes (then use soxr)."""
    taps = measured_taps()
    filt = _core.HalvingFilter(taps, float(gain))
    rng = np.random.default_rng(0)
    t = np.arange(20001) / 22050.0
    check = (rng.standard_normal(t.shape[-1]) + np.sin(2 * np.pi * 3000.0 * t * t)).astype(
        np.float32
    )
    ref = _soxr_halve(check).astype(np.float64) * gain
    got = filt(check[np.newaxis])[0]
    if got.shape != ref.shape:
        return None
    if not np.max(np.abs(got - ref)) <= _CHECK_TOLERANCE * np.max(np.abs(ref)):
        return None
    return filt
