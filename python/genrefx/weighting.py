"""Frequency weightings, mirroring ``librosa.core.convert``'s (A, B, C, D, Z; IEC 61672 and
IEC 537) and ``librosa.perceptual_weighting``: weights in dB of frequencies in Hz, with
librosa's formulas in librosa's order (its numbers bit for bit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_numeric
from .exceptions import ParameterError
from .spectrum import power_to_db

__all__ = [
    "A_weighting",
    "B_weighting",
    "C_weighting",
    "D_weighting",
    "Z_weighting",
    "frequency_weighting",
    "multi_frequency_weighting",
    "perceptual_weighting",
]


def _f_sq(frequencies: Any) -> Any:
    """The squared frequencies every weighting is a function of."""
    return as_numeric(frequencies, "frequencies") ** 2.0


def _floor(weights: Any, min_db: Any) -> Any:
    """The weights floored at ``min_db`` (``None``: as they are)."""
    return weights if min_db is None else np.maximum(min_db, weights)


def A_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """A-weighting (IEC 61672) in dB of frequencies in Hz; mirrors ``librosa.A_weighting``.

    Parameters
    ----------
    frequencies : number or array_like
    min_db : float or None
        Floor of the weights (``None``: none; 0 Hz is then ``-inf``).

    Returns
    -------
    A_weighting : np.float64 or np.ndarray
        librosa's numbers; 0 Hz gives ``min_db`` without numpy's divide-by-zero warning.

    Raises
    ------
    ParameterError
        If ``frequencies`` is not numeric.

    See Also
    --------
    librosa.A_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997, 107.65265, 737.86223]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 2.0 + 20.0 * (
            np.log10(const[0])
            + 2 * np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
            - 0.5 * np.log10(f_sq + const[2])
            - 0.5 * np.log10(f_sq + const[3])
        )
    return _floor(weights, min_db)


def B_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """B-weighting in dB of frequencies in Hz; mirrors ``librosa.B_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.B_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997, 158.48932]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 0.17 + 20.0 * (
            np.log10(const[0])
            + 1.5 * np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
            - 0.5 * np.log10(f_sq + const[2])
        )
    return _floor(weights, min_db)


def C_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """C-weighting (IEC 61672) in dB of frequencies in Hz; mirrors ``librosa.C_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.C_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 0.062 + 20.0 * (
            np.log10(const[0])
            + np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
        )
    return _floor(weights, min_db)


def D_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """D-weighting (IEC 537) in dB of frequencies in Hz; mirrors ``librosa.D_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.D_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([8.3046305e-3, 1018.7, 1039.6, 3136.5, 3424, 282.7, 1160]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 20.0 * (
            0.5 * np.log10(f_sq)
            - np.log10(const[0])
            + 0.5
            * (
                +np.log10((const[1] - f_sq) ** 2 + const[2] * f_sq)
                - np.log10((const[3] - f_sq) ** 2 + const[4] * f_sq)
                - np.log10(const[5] + f_sq)
                - np.log10(const[6] + f_sq)
            )
        )
    return _floor(weights, min_db)


def Z_weighting(frequencies: Any, *, min_db: float | None = None) -> np.ndarray:  # noqa: N802
    """Z-weighting (none): zeros, ``np.zeros(len(frequencies))``; mirrors
    ``librosa.Z_weighting``, whose length is ``len(frequencies)`` (the first axis of an array).

    Raises
    ------
    ParameterError
        If ``frequencies`` has no length (a number; librosa: a TypeError).

    See Also
    --------
    librosa.Z_weighting : the reference implementation.
    """
    try:
        n = len(frequencies)
    except TypeError:
        raise ParameterError(
            f"frequencies={frequencies!r} must be a sequence or an array: Z_weighting takes its "
            "len()"
        ) from None
    weights = np.zeros(n)
    return _floor(weights, min_db)


WEIGHTING_FUNCTIONS = {
    "A": A_weighting,
    "B": B_weighting,
    "C": C_weighting,
    "D": D_weighting,
    "Z": Z_weighting,
    None: Z_weighting,
}


def frequency_weighting(frequencies: Any, *, kind: str = "A", **kwargs: Any) -> Any:
    """The weighting ``kind`` ("A", "B", "C", "D", "Z" in any case, or None for Z) of
    frequencies in Hz; mirrors ``librosa.frequency_weighting``.

    Parameters
    ----------
    frequencies : number or array_like
    kind : str or None
    **kwargs
        ``min_db`` of the weighting function.

    Raises
    ------
    ParameterError
        For an unknown ``kind`` (librosa: a KeyError), or as the weighting function.

    See Also
    --------
    librosa.frequency_weighting : the reference implementation.
    """
    if isinstance(kind, str):
        kind = kind.upper()
    try:
        function = WEIGHTING_FUNCTIONS[kind]
    except (KeyError, TypeError):
        raise ParameterError(
            f"kind={kind!r} is not a frequency weighting; use one of 'A', 'B', 'C', 'D', 'Z' "
            "or None"
        ) from None
    return function(frequencies, **kwargs)


def multi_frequency_weighting(frequencies: Any, *, kinds: Any = "ZAC", **kwargs: Any) -> np.ndarray:
    """Several weightings stacked, one row per kind; mirrors
    ``librosa.multi_frequency_weighting``.

    Parameters
    ----------
    frequencies : array_like
    kinds : iterable of str
        Each a ``kind`` of :func:`frequency_weighting` (the default: "Z", "A", "C").
    **kwargs
        ``min_db``, for every kind (else each kind's default: None for Z, -80 for the others).

    Returns
    -------
    weights : np.ndarray [shape=(len(kinds), len(frequencies))]

    Raises
    ------
    ParameterError
        If ``kinds`` is empty (librosa: np.stack's ValueError), or as
        :func:`frequency_weighting`.

    See Also
    --------
    librosa.multi_frequency_weighting : the reference implementation.
    """
    rows = [frequency_weighting(frequencies, kind=k, **kwargs) for k in kinds]
    if not rows:
        raise ParameterError(f"kinds={kinds!r} names no weighting")
    try:
        return np.stack(rows, axis=0)
    except ValueError:  # (librosa: Z's length is that of frequencies' first axis)
        raise ParameterError(
            f"the weightings of frequencies of shape {np.shape(frequencies)} do not stack: "
            "with 'Z' among the kinds, frequencies must be one-dimensional"
        ) from None


def perceptual_weighting(S: Any, frequencies: Any, *, kind: str = "A", **kwargs: Any) -> Any:
    """A power spectrogram in dB with a frequency weighting added per row; mirrors
    ``librosa.perceptual_weighting``: ``frequency_weighting(frequencies, kind=kind)`` (as a
    column) ``+ power_to_db(S, **kwargs)``.

    Parameters
    ----------
    S : np.ndarray [shape=(..., d, t)]
        Power spectrogram.
    frequencies : np.ndarray [shape=(d,)]
        The centre frequency of each row of ``S``.
    kind : str or None
        As :func:`frequency_weighting`.
    **kwargs
        ``ref``, ``amin``, ``top_db`` of :func:`genrefx.power_to_db`.

    Returns
    -------
    S_p : np.ndarray [shape=(..., d, t)], float64 (the weights are float64)

    Raises
    ------
    ParameterError
        If the weights of ``frequencies`` do not broadcast against the rows of ``S``
        (librosa: numpy's broadcasting error), or as :func:`frequency_weighting` and
        :func:`genrefx.power_to_db`.

    See Also
    --------
    librosa.perceptual_weighting : the reference implementation.
    """
    offset = frequency_weighting(frequencies, kind=kind).reshape((-1, 1))
    S_db = power_to_db(S, **kwargs)
    try:
        np.broadcast_shapes(offset.shape, np.shape(S_db))
    except ValueError:
        raise ParameterError(
            f"frequencies gives {offset.shape[0]} weights for S of shape {np.shape(S)}: "
            "one per row (S.shape[-2]) is needed"
        ) from None
    return offset + S_db
