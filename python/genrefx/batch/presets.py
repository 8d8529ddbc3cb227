"""Feature recipes of published tables, for ``genrefx batch-extract --preset``.

``fma``: the Free Music Archive's ``features.csv`` (Defferrard et al., ``features.py`` in the
mdeff/fma repository): 518 numbers per track, 11 features x 7 statistics.
``gtzan``: Kaggle's GTZAN ``features_30_sec.csv`` / ``features_3_sec.csv`` (58 numbers per
clip or 3-s segment, plus its file name and genre label).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence

import numpy as np

from .._engine import compute, zero_crossings_core
from ..constantq import cqt
from ..exceptions import ParameterError
from ..extract import extract, request_parts
from ..feature import chroma_cens, chroma_cqt, tonnetz

__all__ = [
    "FMA_FEATURES",
    "FMA_STATS",
    "GTZAN_COLUMNS",
    "check_track_ids",
    "fma_features",
    "gtzan_values",
    "track_id",
    "write_fma_csv",
    "write_gtzan_csv",
]

#: Rows of each FMA feature, in the table's (sorted) order.
FMA_FEATURES = {
    "chroma_cens": 12,
    "chroma_cqt": 12,
    "chroma_stft": 12,
    "mfcc": 20,
    "rmse": 1,
    "spectral_bandwidth": 1,
    "spectral_centroid": 1,
    "spectral_contrast": 7,
    "spectral_rolloff": 1,
    "tonnetz": 6,
    "zcr": 1,
}
#: FMA's statistics, in the table's (sorted) order; scipy.stats' defaults for skew/kurtosis.
FMA_STATS = ("kurtosis", "max", "mean", "median", "min", "skew", "std")

_N_FFT, _HOP = 2048, 512
_TRACK_ID = re.compile(r"[0-9]+")


def _fused(y, sr, names, pad, *, tuning_bpo=None, compat=False):
    """One pass of the core: the STFT features ``names`` (extract's parameters), plus
    ``rms(S=|stft|)`` as "rms_spectrum" (with ``compat``, librosa 0.5's ``rmse(S=|stft|)``:
    ``sqrt(mean(|S|**2))`` over the bins) and, with ``tuning_bpo``,
    librosa.estimate_tuning(y=...) at that resolution of the octave as "estimate_tuning"."""
    names = list(names)
    extra: dict = {}
    if "rms_spectrum" in names:
        extra["rms_frame_length"] = _N_FFT
        extra["rms_mean_of_bins"] = compat
    if tuning_bpo is not None:
        names.append("estimate_tuning")
        extra.update({"bins_per_octave": tuning_bpo, "resolution": 0.01})
    return compute(
        names,
        lambda n, f, shape: {
            **request_parts(names, float(sr), n, f, n_chroma=12, n_bands=6, n_mfcc=20),
            **extra,
        },
        y=y,
        S=None,
        sr=sr,
        n_fft=_N_FFT,
        hop_length=_HOP,
        pad_mode=pad,
    )


def fma_features(y: np.ndarray, sr: int, *, compat: bool = False) -> dict[str, np.ndarray]:
    """Frame-level features of FMA's recipe for mono audio ``y`` at its native rate ``sr``.

    As ``features.py``: zero-crossing rate (2048/512); a CQT (84 bins, 12 per octave, tuning
    estimated) whose magnitude gives chroma_cqt and chroma_cens (12 bins per octave, what
    librosa 0.5's ``bins_per_octave=None`` meant), tonnetz from chroma_cens; from the STFT
    magnitude (2048/512): chroma_stft, rmse (``rms(S=...)``), spectral centroid, bandwidth,
    contrast (6 bands) and rolloff; mfcc (20) of the log-mel spectrogram at the native rate.
    The STFT features, the rms and the CQT's tuning estimate come from one pass of the core
    over ``y``; they equal librosa's calls on ``abs(stft(y))``.

    ``compat`` reproduces the published table's quirks: librosa 0.5 padded frames with
    ``reflect`` (STFT and CQT), its ``rmse(S=...)`` was ``sqrt(mean(|S|**2))`` over the bins
    (librosa 0.11's ``rms(S=...)`` scales the frame's energy instead: ~45x smaller at n_fft
    2048), and ``features.py`` passed no sample rate to chroma_stft and the spectral
    functions, which then assumed 22050 Hz whatever the file's rate.
    """
    pad = "reflect" if compat else "constant"
    out: dict[str, np.ndarray] = {}
    spectral = [
        "chroma_stft",
        "spectral_centroid",
        "spectral_bandwidth",
        "spectral_contrast",
        "spectral_rolloff",
    ]
    native = ["mfcc", "rms_spectrum"]  # rms needs no rate; mfcc's mel bank takes the true one
    spectral_sr = 22050 if compat else sr
    if spectral_sr == sr:
        out.update(_fused(y, sr, [*spectral, *native], pad, tuning_bpo=12, compat=compat))
    else:
        out.update(_fused(y, spectral_sr, spectral, pad))
        out.update(_fused(y, sr, native, pad, tuning_bpo=12, compat=compat))
    out["rmse"] = out.pop("rms_spectrum")
    # zero_crossing_rate(y, frame_length=2048, hop_length=512) without scanning y for NaN / Inf
    # again: the fused pass checked it
    out["zcr"] = zero_crossings_core(
        y,
        frame_length=_N_FFT,
        hop_length=_HOP,
        center=True,
        threshold=1e-10,
        pad=False,
        zero_pos=True,
        n_threads=1,
        check_finite=False,
    )
    C = np.abs(
        cqt(
            y,
            sr=sr,
            hop_length=_HOP,
            bins_per_octave=12,
            n_bins=84,
            tuning=out.pop("estimate_tuning"),
            pad_mode=pad,
        )
    )
    out["chroma_cqt"] = chroma_cqt(C=C, n_chroma=12, n_octaves=7, bins_per_octave=12)
    out["chroma_cens"] = chroma_cens(C=C, n_chroma=12, n_octaves=7, bins_per_octave=12)
    out["tonnetz"] = tonnetz(chroma=out["chroma_cens"])
    return {name: out[name] for name in FMA_FEATURES}


def track_id(name: str) -> int | str:
    """FMA's track id from a file name (``.../000002.mp3`` -> 2); the name itself when its
    stem is not a number written in ASCII digits (``²3.wav``, ``٣.mp3`` and ``track 3.mp3``
    keep their name)."""
    stem = os.path.splitext(os.path.basename(name.split("::")[-1]))[0]
    return int(stem) if _TRACK_ID.fullmatch(stem) else name


def check_track_ids(names: Sequence[str]) -> None:
    """Refuse inputs that FMA's CSV layout, indexed by track id, cannot tell apart: two files
    of one id (``a/000002.mp3`` and ``b/000002.mp3``, or ``2.mp3`` and ``000002.mp3``).

    Raises
    ------
    ParameterError
        Naming the id and two of its files.
    """
    seen: dict[int, str] = {}
    for name in names:
        key = track_id(name)
        if isinstance(key, int):
            if key in seen:
                raise ParameterError(
                    f"track id {key} is both {seen[key]!r} and {name!r}: FMA's CSV layout has one "
                    "row per track id; write Parquet (--format parquet) or extract them apart"
                )
            seen[key] = name


def write_fma_csv(table, errors, path: str) -> None:
    """Write a ``preset="fma"`` table in FMA's ``features.csv`` layout.

    Three header rows (feature, statistics, number) over the columns in sorted order, a
    ``track_id`` row, then one row per track indexed by :func:`track_id` and sorted by it,
    values as ``%.10e``; failed inputs (``errors``: rows of path, error, message) become rows
    of empty fields (NaN), as in the published table. ``pandas.read_csv(path, index_col=0,
    header=[0, 1, 2])`` reads it back.
    """
    import csv

    columns = [c for c in table.column_names if c.rsplit("_", 2)[0] in FMA_FEATURES]
    split = [c.rsplit("_", 2) for c in columns]
    values = {c: table.column(c).to_numpy() for c in columns}
    rows: list[tuple[int | str, list[str]]] = []
    for i, name in enumerate(table.column("path").to_pylist()):
        rows.append((track_id(name), [f"{float(values[c][i]):.10e}" for c in columns]))
    rows.extend((track_id(e[0]), [""] * len(columns)) for e in errors)
    rows.sort(key=lambda r: (isinstance(r[0], str), r[0]))
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["feature", *(s[0] for s in split)])
        out.writerow(["statistics", *(s[1] for s in split)])
        out.writerow(["number", *(s[2] for s in split)])
        out.writerow(["track_id", *([""] * len(columns))])
        for tid, fields in rows:
            out.writerow([tid, *fields])
    os.replace(path + ".tmp", path)


#: The float columns of Kaggle's GTZAN features_30_sec.csv / features_3_sec.csv, in order
#: (between its ``filename`` and ``label`` columns).
GTZAN_COLUMNS = (
    "length",
    *(
        f"{name}_{stat}"
        for name in (
            "chroma_stft",
            "rms",
            "spectral_centroid",
            "spectral_bandwidth",
            "rolloff",
            "zero_crossing_rate",
            "harmony",
            "perceptr",
        )
        for stat in ("mean", "var")
    ),
    "tempo",
    *(f"mfcc{i}_{stat}" for i in range(1, 21) for stat in ("mean", "var")),
)


def gtzan_values(y: np.ndarray, sr: int) -> np.ndarray:
    """The :data:`GTZAN_COLUMNS` of mono ``y`` at ``sr``, as the Kaggle GTZAN tables compute
    them with librosa's defaults: the mean and variance over ALL values of chroma_stft, rms,
    spectral centroid, bandwidth, rolloff and zero-crossing rate (2048 / 512), of the harmonic
    and percussive signals of ``librosa.effects.hpss(y)`` (``harmony``, ``perceptr``), the
    tempo of ``librosa.beat.beat_track``, and each of the 20 MFCCs' mean and variance over
    time; ``length`` is the number of samples."""
    from ..beat import beat_track
    from ..effects import hpss

    feats = extract(
        y,
        sr,
        [
            "chroma_stft",
            "rms",
            "spectral_centroid",
            "spectral_bandwidth",
            "spectral_rolloff",
            "zero_crossing_rate",
            "mfcc",
        ],
        n_fft=_N_FFT,
        hop_length=_HOP,
    )
    harmonic, percussive = hpss(y)
    tempo, _ = beat_track(y=y, sr=sr)
    values = [float(y.shape[-1])]
    for array in (
        feats["chroma_stft"],
        feats["rms"],
        feats["spectral_centroid"],
        feats["spectral_bandwidth"],
        feats["spectral_rolloff"],
        feats["zero_crossing_rate"],
        harmonic,
        percussive,
    ):
        values += [np.mean(array), np.var(array)]
    values.append(float(np.atleast_1d(tempo)[0]))
    for row in feats["mfcc"]:
        values += [np.mean(row), np.var(row)]
    return np.asarray(values, dtype=np.float32)


def gtzan_filename(name: str, segment: int | None) -> str:
    """Kaggle's ``filename``: the base name, with the segment index before the extension for
    segment rows (``blues.00000.wav`` -> ``blues.00000.3.wav``)."""
    base = os.path.basename(name.split("::")[-1])
    if segment is None:
        return base
    stem, ext = os.path.splitext(base)
    return f"{stem}.{segment}{ext}"


def gtzan_label(name: str) -> str:
    """Kaggle's ``label``: the name of the folder holding the file (GTZAN's genre folders),
    whatever the path was typed as (``.`` or a bare file name: the real folder's name); an
    archive's member at its root is in the archive, whose name (without its extension) is
    the label."""
    archive, sep, member = name.rpartition("::")
    if not sep:
        return os.path.basename(os.path.dirname(os.path.abspath(name)))
    folder = os.path.dirname(posixpath.normpath(member.replace("\\", "/")))
    if folder not in ("", "."):
        return os.path.basename(folder)
    base = os.path.basename(archive)
    for ending in (".tar.gz", ".tar.bz2", ".tar.xz"):
        if base.lower().endswith(ending):
            return base[: -len(ending)]
    return os.path.splitext(base)[0]


def write_gtzan_csv(table, path: str, segmented: bool) -> None:
    """Write a ``preset="gtzan"`` table as Kaggle's GTZAN CSV: filename, length, the feature
    columns, label; rows in the table's order."""
    import csv

    names = table.column("path").to_pylist()
    segments = table.column("segment").to_pylist()
    values = {c: table.column(c).to_numpy() for c in GTZAN_COLUMNS}
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["filename", *GTZAN_COLUMNS, "label"])
        for i, name in enumerate(names):
            fields = [repr(float(values[c][i])) for c in GTZAN_COLUMNS]
            fields[0] = str(int(values["length"][i]))
            out.writerow(
                [
                    gtzan_filename(name, segments[i] if segmented else None),
                    *fields,
                    gtzan_label(name),
                ]
            )
    os.replace(path + ".tmp", path)
