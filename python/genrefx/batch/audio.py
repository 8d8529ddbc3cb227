"""Decoding: audio files (or archive members) to mono float32 at the requested rate, as
``librosa.load`` does (soundfile decoding, channel mean, soxr "HQ" resampling)."""

from __future__ import annotations

import numpy as np
import soundfile
import soxr

from .sources import Source, open_source

__all__ = ["DecodeError", "load", "stream"]

_BLOCK = 1 << 16  # frames per read: multichannel audio is downmixed block by block


class DecodeError(Exception):
    """An input could not be decoded (corrupt, truncated, empty, unsupported or not audio)."""


def stream(
    source: Source,
    *,
    sr: float | None = 22050,
    offset: float = 0.0,
    duration: float | None = None,
):
    """Decode ``source`` block by block: yields ``(chunk, sr)`` of mono float32 at the target
    rate. Concatenated, the chunks equal :func:`load`'s result exactly (soxr's streaming
    resampler gives the same samples as its one-shot call); memory stays at one block.

    Raises
    ------
    DecodeError
        When the input is unreadable, has no samples, or decodes to NaN/Inf.
    """
    got_any = False
    try:
        with open_source(source) as raw, soundfile.SoundFile(raw) as f:
            native = int(f.samplerate)
            target = native if sr is None else int(sr)
            resampler = (
                soxr.ResampleStream(native, target, 1, dtype="float32", quality="HQ")
                if target != native
                else None
            )
            if offset > 0:
                f.seek(min(int(offset * native), f.frames))
            remaining = int(duration * native) if duration is not None else -1
            pending = None  # one block of look-ahead, to tell soxr which block is the last
            while True:
                block = None
                if remaining != 0:
                    n = _BLOCK if remaining < 0 else min(_BLOCK, remaining)
                    data = f.read(frames=n, dtype="float32", always_2d=True)
                    if data.shape[0]:
                        block = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1)
                        if remaining > 0:
                            remaining -= data.shape[0]
                        if not np.isfinite(block).all():
                            raise DecodeError("decoded samples are not finite (NaN or Inf)")
                if pending is not None:
                    last = block is None
                    out = resampler.resample_chunk(pending, last=last) if resampler else pending
                    if out.size:
                        got_any = True
                        yield np.ascontiguousarray(out, dtype=np.float32), target
                if block is None:
                    break
                pending = block
    except (soundfile.LibsndfileError, RuntimeError, ValueError, EOFError) as exc:
        raise DecodeError(f"cannot decode: {exc}") from None
    except (OSError, KeyError) as exc:
        raise DecodeError(f"cannot read: {exc}") from None
    if not got_any:
        raise DecodeError("no audio samples (empty file, or offset past the end)")


def load(
    source: Source,
    *,
    sr: float | None = 22050,
    offset: float = 0.0,
    duration: float | None = None,
) -> tuple[np.ndarray, int]:
    """Decode ``source`` to mono float32; mirrors ``librosa.load(path, sr=sr, mono=True,
    offset=offset, duration=duration, res_type="soxr_hq")``.

    Parameters
    ----------
    source : Source
    sr : number or None
        Target sampling rate; ``None`` keeps the file's rate.
    offset, duration : float
        Start reading ``offset`` seconds in, and read at most ``duration`` seconds.

    Returns
    -------
    y : np.ndarray [shape=(n,)], float32
    sr : int
        The rate of ``y``.

    Raises
    ------
    DecodeError
        When the input is unreadable, or has no samples in the requested span.
    """
    try:
        with open_source(source) as raw, soundfile.SoundFile(raw) as f:
            native = int(f.samplerate)
            if offset > 0:
                f.seek(min(int(offset * native), f.frames))
            remaining = int(duration * native) if duration is not None else -1
            parts = []
            while remaining != 0:
                n = _BLOCK if remaining < 0 else min(_BLOCK, remaining)
                block = f.read(frames=n, dtype="float32", always_2d=True)
                if block.shape[0] == 0:
                    break
                # librosa.to_mono: the mean over channels (in float32)
                parts.append(block[:, 0] if block.shape[1] == 1 else block.mean(axis=1))
                if remaining > 0:
                    remaining -= block.shape[0]
    except (soundfile.LibsndfileError, RuntimeError, ValueError, EOFError) as exc:
        raise DecodeError(f"cannot decode: {exc}") from None
    except (OSError, KeyError) as exc:
        raise DecodeError(f"cannot read: {exc}") from None
    y = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    if y.size == 0:
        raise DecodeError("no audio samples (empty file, or offset past the end)")
    if not np.isfinite(y).all():
        raise DecodeError("decoded samples are not finite (NaN or Inf)")
    target = native if sr is None else sr
    if target != native:
        y = soxr.resample(y, native, target, quality="soxr_hq").astype(np.float32, copy=False)
    return np.ascontiguousarray(y, dtype=np.float32), int(target)
