"""Log-mel patches: the input of a ``logmel_patch`` model (e.g. a CNN)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..extract import extract
from ..spectrum import power_to_db

__all__ = ["logmel_patches"]


def logmel_patches(y: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """Cut the log-mel spectrogram of ``y`` into patches of ``spec["frames"]`` frames.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32
        Mono audio at ``spec["sr"]`` Hz.
    spec : dict
        ``sr``, ``n_fft``, ``hop_length``, ``n_mels``, ``frames`` (a model's metadata).

    Returns
    -------
    np.ndarray [shape=(patches, n_mels, frames)], float32
        ``power_to_db(melspectrogram(y))`` (power 2, ref 1.0, top_db 80 over the whole track,
        as ``batch-extract --frames mel``), cut into back-to-back patches; the last partial
        patch is dropped, except that a track shorter than one patch is padded with digital
        silence (zeros) to one patch.
    """
    frames, hop = spec["frames"], spec["hop_length"]
    shortest = (frames - 1) * hop  # with centred frames, 1 + n // hop >= frames
    if y.size < shortest:
        y = np.concatenate([y, np.zeros(shortest - y.size, dtype=y.dtype)])
    mel = extract(
        y,
        spec["sr"],
        ["melspectrogram"],
        n_fft=spec["n_fft"],
        hop_length=hop,
        n_mels=spec["n_mels"],
    )["melspectrogram"]
    db = power_to_db(mel)
    n = db.shape[1] // frames
    patches = db[:, : n * frames].reshape(db.shape[0], n, frames).transpose(1, 0, 2)
    return np.ascontiguousarray(patches, dtype=np.float32)
