"""Spectrogram levels, mirroring ``librosa.core.spectrum``: decibels back to power or amplitude
(the inverses of :func:`genrefx.power_to_db` and :func:`genrefx.amplitude_to_db`) and a
complex spectrogram's magnitude and phase, with librosa's formulas in librosa's order (its
numbers bit for bit, and its scalar / array types)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._validation import as_numeric, is_integer, is_real
from .exceptions import ParameterError

__all__ = ["db_to_amplitude", "db_to_power", "magphase"]


def _levels(S: Any, name: str) -> Any:
    """``S`` as librosa computes on it: an array or a number as given, a sequence as an array
    (librosa: a TypeError multiplying a list)."""
    if isinstance(S, np.ndarray | np.generic | numbers.Number) and not isinstance(S, bool):
        as_numeric(S, name, "biufc")
        return S
    return as_numeric(S, name, "biufc")


def db_to_power(S_db: Any, *, ref: float = 1.0) -> Any:
    """Decibels to power, ``ref * 10 ** (S_db / 10)``; mirrors ``librosa.db_to_power``.

    Parameters
    ----------
    S_db : number or array_like
    ref : number or np.ndarray
        The power of 0 dB.

    Returns
    -------
    S : np.floating or np.ndarray
        In ``S_db``'s float precision (float32 stays float32), as librosa.

    Raises
    ------
    ParameterError
        If ``S_db`` or ``ref`` is not numeric.

    See Also
    --------
    librosa.db_to_power : the reference implementation.
    """
    S_db = _levels(S_db, "S_db")
    ref = _levels(ref, "ref")
    return ref * np.power(10.0, S_db * 0.1)


def db_to_amplitude(S_db: Any, *, ref: float = 1.0) -> Any:
    """Decibels to amplitude, ``db_to_power(S_db, ref=ref**2) ** 0.5``; mirrors
    ``librosa.db_to_amplitude``.

    Raises
    ------
    ParameterError
        As :func:`db_to_power`.

    See Also
    --------
    librosa.db_to_amplitude : the reference implementation.
    """
    ref = _levels(ref, "ref")
    return db_to_power(S_db, ref=ref**2) ** 0.5


def magphase(D: Any, *, power: float = 1) -> tuple[Any, np.ndarray]:
    """Split a complex spectrogram into magnitude and phase, ``D = S * P``; mirrors
    ``librosa.magphase``.

    ``S = abs(D) ** power``; ``P = D / abs(D)`` computed as real and imaginary parts apart
    (no NaN from denormal values), and ``1 + 0j`` where ``D`` is 0.

    Parameters
    ----------
    D : np.ndarray or array_like, complex or real
    power : float > 0
        Exponent of the magnitude (2 for power).

    Returns
    -------
    S : np.ndarray, real (``abs(D)``'s dtype; a numpy scalar for a 0-d ``D``)
    P : np.ndarray, complex64 for float32 / complex64 ``D``, complex128 for float64 /
        complex128 (complex64 otherwise, as librosa's ``dtype_r2c``)

    Raises
    ------
    ParameterError
        If ``D`` is not numeric, or is boolean, or is integer with a ``power`` that is not a
        non-negative integer (librosa: numpy's error raising the magnitude in place).

    See Also
    --------
    librosa.magphase : the reference implementation.
    """
    D = np.asanyarray(D)
    if D.dtype.kind not in "iufc":
        raise ParameterError(f"D must be a numeric (not boolean) array, got dtype {D.dtype}")
    if not is_real(power):
        raise ParameterError(f"power={power!r} must be a real number")
    if D.dtype.kind in "iu" and not (is_integer(power) and power >= 0):
        raise ParameterError(
            f"power={power!r} needs floating-point D (integer D's magnitude is raised in place "
            "and stays integer); pass D.astype(float)"
        )
    mag = np.abs(D)
    # no NaN: magnitude 0 gives phase 1 + 0j
    zeros_to_ones = mag == 0
    mag_nonzero = mag + zeros_to_ones
    # real and imaginary parts apart: complex division can give NaN for denormal values
    complex_dtype = D.dtype if D.dtype.kind == "c" else _COMPLEX_OF.get(D.dtype, np.complex64)
    phase = np.empty_like(D, dtype=complex_dtype)
    phase.real = D.real / mag_nonzero + zeros_to_ones
    phase.imag = D.imag / mag_nonzero
    mag **= power
    return mag, phase


# librosa.util.dtype_r2c's table (anything else: complex64)
_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}
