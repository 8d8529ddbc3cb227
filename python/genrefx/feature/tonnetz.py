"""Tonal centroid features, mirroring ``librosa.feature.tonnetz``."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..exceptions import ParameterError
from ..util import normalize
from .chroma_cqt import chroma_cqt

__all__ = ["tonnetz"]


def tonnetz(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    chroma: np.ndarray | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """The 6-D tonal centroid (fifths, minor thirds, major thirds as x/y pairs); mirrors
    ``librosa.feature.tonnetz``.

    ``chroma`` defaults to :func:`genrefx.feature.chroma_cqt` of ``y`` (``kwargs`` passed on);
    each frame is L1-normalized and projected on librosa's tonnetz basis.

    Returns
    -------
    tonnetz : np.ndarray [shape=(..., 6, t)]

    See Also
    --------
    librosa.feature.tonnetz
    """
    if y is None and chroma is None:
        raise ParameterError(
            "Either the audio samples or the chromagram must be passed as an argument."
        )
    if chroma is None:
        chroma = chroma_cqt(y=y, sr=sr, **kwargs)
    chroma = np.asarray(chroma)
    if chroma.ndim < 2:
        raise ParameterError(
            f"chroma must have shape (..., n_chroma, n_frames), got shape {chroma.shape}"
        )
    # librosa's einsum("pc,...ci->...pi", optimize=True), as a (much faster) matmul
    return np.matmul(_tonnetz_basis(chroma.shape[-2]), normalize(chroma, norm=1, axis=-2))


@functools.lru_cache(maxsize=16)
def _tonnetz_basis(n_chroma: int) -> np.ndarray:
    """librosa's (6, n_chroma) projection of chroma bins on the tonal centroid's axes (cached,
    read-only)."""
    dim_map = np.linspace(0, 12, num=n_chroma, endpoint=False)
    scale = np.asarray([7.0 / 6, 7.0 / 6, 3.0 / 2, 3.0 / 2, 2.0 / 3, 2.0 / 3])
    V = np.multiply.outer(scale, dim_map)
    V[::2] -= 0.5  # even rows compute sin()
    R = np.array([1, 1, 1, 1, 0.5, 0.5])  # fifths, minor, major
    phi = R[:, np.newaxis] * np.cos(np.pi * V)
    phi.setflags(write=False)
    return phi
