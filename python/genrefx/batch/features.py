"""Per-input work of a batch run: decode, cut into segments, extract, summarize into rows."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _core
from .._validation import check_positive_int
from ..exceptions import ParameterError
from ..extract import FEATURES, RECIPE_FEATURES, extract
from ..spectrum import power_to_db
from .audio import DecodeError, as_mono, load, resample, seconds, stream
from .presets import FMA_FEATURES, FMA_STATS, GTZAN_COLUMNS, fma_features, gtzan_values
from .sources import Source
from .summary import DEFAULT_STATS, check_stats, column_names, summarize

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "METADATA_KEY",
    "BatchOptions",
    "options_of",
    "process_array",
    "process_source",
    "recorded_options",
    "schema",
    "utf8_text",
]

# Frame-level arrays that --save-frames can write: name -> (feature, transform). "mel" is the
# log-mel spectrogram in dB (power_to_db, ref 1, top_db 80), what CNN/CRNN models take.
FRAME_ARRAYS = {
    "mel": ("melspectrogram", "db"),
    "mfcc": ("mfcc", None),
    "chroma": ("chroma_stft", None),
    "contrast": ("spectral_contrast", None),
    **{f: (f, None) for f in (*FEATURES, *RECIPE_FEATURES) if f != "tempo"},
}

#: Key of a feature table's schema metadata: JSON ``{"version": ..., "options": ...}`` with the
#: genrefx version and :meth:`BatchOptions.extraction`, so that a model trained on the table can
#: extract the same features from new audio.
METADATA_KEY = b"genrefx"

#: Largest ``n_fft`` / ``hop_length`` of a feature table: frames of minutes are no feature of
#: music, and their FFT plans and buffers grow to gigabytes.
MAX_FRAME = 1 << 22

#: Recipes of published tables (``--preset``).
PRESETS = ("fma", "gtzan")

#: Fields of :class:`BatchOptions` that are frame and filter sizes: positive integers.
_SIZE_FIELDS = ("n_fft", "hop_length", "n_mels", "n_mfcc", "n_chroma", "n_bands")


def _meta_columns() -> list[tuple[str, pa.DataType]]:
    """The table's first columns (path, segment, start, duration, sr, n_frames) and their
    types."""
    import pyarrow as pa

    return [
        ("path", pa.string()),
        ("segment", pa.int32()),
        ("start", pa.float64()),
        ("duration", pa.float64()),
        ("sr", pa.int32()),
        ("n_frames", pa.int32()),
    ]


@dataclasses.dataclass(frozen=True)
class BatchOptions:
    """What to extract from every input (the batch-extract options).

    ``sr=None`` keeps each file's own rate. ``segment`` cuts each track into windows of that
    many seconds every ``segment_hop`` seconds (default: back to back); only whole windows are
    kept, except that a track shorter than one window gives a single, shorter segment.
    ``features``, ``stats`` and ``frames`` take one name or a sequence of names. Every field
    is checked here (see :meth:`_check_numbers`): bad options raise ParameterError before any
    file is read.
    """

    sr: int | None = 22050
    offset: float = 0.0
    duration: float | None = None
    segment: float | None = None
    segment_hop: float | None = None
    features: tuple[str, ...] = FEATURES
    stats: tuple[str, ...] = DEFAULT_STATS
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int = 128
    n_mfcc: int = 20
    n_chroma: int = 12
    n_bands: int = 6
    save_frames: str | None = None
    frames: tuple[str, ...] = ()
    preset: str | None = None
    fma_compat: bool = False

    def __post_init__(self):
        for name in ("features", "stats", "frames"):  # a single name is one item
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))
        if self.preset is not None:
            self._apply_preset()
        elif self.fma_compat:
            raise ParameterError("fma_compat needs preset='fma'")
        else:
            known = (*FEATURES, *RECIPE_FEATURES)
            unknown = [f for f in self.features if f not in known]
            if unknown or not self.features:
                raise ParameterError(f"features: unknown or empty {unknown}; choose from {known}")
            object.__setattr__(self, "features", tuple(dict.fromkeys(self.features)))
            object.__setattr__(self, "stats", check_stats(self.stats))
        self._check_numbers()
        frames = tuple(dict.fromkeys(self.frames))
        unknown = [f for f in frames if f not in FRAME_ARRAYS]
        if unknown:
            raise ParameterError(f"frames: unknown {unknown}; choose from {tuple(FRAME_ARRAYS)}")
        if bool(frames) != (self.save_frames is not None):
            raise ParameterError("save_frames (a folder) and frames (array names) go together")
        object.__setattr__(self, "frames", frames)

    def _check_numbers(self) -> None:
        """Check the rate, times and sizes, and store them as int / float.

        ``sr`` is a positive whole number (an integral float such as 16000.0 or a numpy
        integer too) or None; ``offset`` a finite number of seconds >= 0; ``duration``,
        ``segment`` and ``segment_hop`` finite numbers of seconds > 0 (or None); the frame and
        filter sizes (``n_fft``, ``hop_length``, ``n_mels``, ``n_mfcc``, ``n_chroma``,
        ``n_bands``) positive integers, ``n_fft`` and ``hop_length`` at most
        :data:`MAX_FRAME`. Booleans are none of these.
        """
        object.__setattr__(self, "sr", _check_rate(self.sr))
        object.__setattr__(self, "offset", _check_seconds(self.offset, "offset", zero=True))
        for name in ("duration", "segment", "segment_hop"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _check_seconds(value, name))
        if self.segment_hop is not None and self.segment is None:
            raise ParameterError(f"segment_hop={self.segment_hop} needs segment")
        for name in _SIZE_FIELDS:
            object.__setattr__(self, name, check_positive_int(getattr(self, name), name))
        for name in ("n_fft", "hop_length"):  # (a plan of 2**30 points needs tens of GB)
            if getattr(self, name) > MAX_FRAME:
                raise ParameterError(
                    f"{name}={getattr(self, name)} is too large for a feature table "
                    f"(at most {MAX_FRAME} samples, {MAX_FRAME / 22050:.0f} s at 22050 Hz)"
                )

    def _apply_preset(self) -> None:
        """A preset fixes the features, statistics and rate (see :mod:`.presets`)."""
        if self.preset not in PRESETS:
            raise ParameterError(f"preset={self.preset!r}: choose from {PRESETS}")
        if self.save_frames is not None or self.frames:
            raise ParameterError("save_frames is not available with a preset")
        if self.fma_compat and self.preset != "fma":
            raise ParameterError("fma_compat needs preset='fma'")
        # the recipe fixes the rest: other values would be recorded but not used
        own = {
            "fma": (tuple(FMA_FEATURES), FMA_STATS),
            "gtzan": (GTZAN_COLUMNS, ()),
        }[self.preset]
        defaults = {f.name: f.default for f in dataclasses.fields(BatchOptions)}
        for name, allowed in (
            ("features", (defaults["features"], own[0])),
            ("stats", (defaults["stats"], own[1])),
            *((n, (defaults[n],)) for n in _SIZE_FIELDS),
        ):
            if getattr(self, name) not in allowed:
                raise ParameterError(
                    f"{name}={getattr(self, name)!r} is not available with preset "
                    f"{self.preset!r}: its recipe fixes it"
                )
        if self.preset == "fma":
            if self.sr is not None:
                raise ParameterError(
                    f"preset 'fma' analyses audio at its native rate; sr={self.sr} is not allowed"
                )
            object.__setattr__(self, "features", tuple(FMA_FEATURES))
            object.__setattr__(self, "stats", FMA_STATS)
        else:  # gtzan: its own columns, no per-feature statistics
            object.__setattr__(self, "features", GTZAN_COLUMNS)
            object.__setattr__(self, "stats", ())

    def extracted(self) -> tuple[str, ...]:
        """Features to extract: the table's, plus those the saved frame arrays come from."""
        extra = [FRAME_ARRAYS[f][0] for f in self.frames]
        return tuple(dict.fromkeys((*self.features, *extra)))

    def rows_of(self, feature: str) -> int:
        """Rows of ``feature``'s frame-level output."""
        if self.preset == "fma":
            return FMA_FEATURES[feature]
        return {
            "melspectrogram": self.n_mels,
            "mfcc": self.n_mfcc,
            "chroma_stft": self.n_chroma,
            "chroma_cqt": self.n_chroma,
            "chroma_cens": self.n_chroma,
            "tonnetz": 6,
            "spectral_contrast": self.n_bands + 1,
        }.get(feature, 1)

    def feature_columns(self) -> list[str]:
        """The feature table's float32 columns, in order (a preset's: ``{feature}_{stat}_{nn}``
        in its published table's sorted order)."""
        if self.preset == "gtzan":
            return list(GTZAN_COLUMNS)
        if self.preset == "fma":
            return [
                f"{f}_{s}_{i:02d}"
                for f in self.features
                for s in self.stats
                for i in range(1, self.rows_of(f) + 1)
            ]
        return [c for f in self.features for c in column_names(f, self.rows_of(f), self.stats)]

    def extraction(self) -> dict[str, Any]:
        """The fields that decide a table's rows and values (all but ``save_frames`` and
        ``frames``), JSON-ready: ``BatchOptions(**options.extraction())`` extracts the same."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del values["save_frames"], values["frames"]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_rate(sr: Any) -> int | None:
    """``sr`` as an int (None for each file's native rate), or raise unless a whole number > 0."""
    if sr is None:
        return None
    if not (_is_real(sr) and math.isfinite(sr) and sr == int(sr) and 0 < sr <= 2**31 - 1):
        raise ParameterError(f"sr={sr!r} must be a positive integer or None (native)")
    return int(sr)


def _check_seconds(value: Any, name: str, *, zero: bool = False) -> float:
    """``value`` as a float, or raise naming ``name`` unless it is a finite number of seconds
    > 0 (>= 0 when ``zero``)."""
    if not (_is_real(value) and math.isfinite(value) and (value > 0 or (zero and value == 0))):
        bound = ">= 0" if zero else "> 0"
        raise ParameterError(f"{name}={value!r} must be a finite number of seconds {bound}")
    return float(value)


def utf8_text(text: str) -> str:
    """``text`` as valid UTF-8 text: a file name's undecodable bytes (which Python keeps as
    surrogate escapes, e.g. ``b"caf\\xe9.wav"`` read as ``"caf\\udce9.wav"``) become
    backslash escapes (``"caf\\\\xe9.wav"``), other lone surrogates ``\\udXXX`` escapes; valid
    text is returned unchanged. The result still identifies the file, and Parquet, CSV and
    the terminal can hold it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # surrogates that are not escaped bytes
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def schema(options: BatchOptions) -> pa.Schema:
    """The table's schema: path, segment, start, duration, sr, n_frames, then the features;
    its metadata (:data:`METADATA_KEY`) records the genrefx version and the options."""
    import pyarrow as pa

    fields = [pa.field(n, t) for n, t in _meta_columns()]
    fields += [pa.field(c, pa.float32()) for c in options.feature_columns()]
    record = {"version": _core.__version__, "options": options.extraction()}
    return pa.schema(fields, metadata={METADATA_KEY: json.dumps(record)})


def recorded_options(values: dict[str, Any]) -> BatchOptions:
    """:class:`BatchOptions` from recorded ``values`` (:meth:`BatchOptions.extraction`, in a
    table's or a model's metadata). Earlier genrefx versions recorded the sizes, features and
    statistics given with a preset although its recipe fixes them (and did not use them):
    those are taken as the recipe's.

    Raises
    ------
    TypeError, ParameterError
        Unknown fields, or values :class:`BatchOptions` refuses.
    """
    values = dict(values)
    if values.get("preset") is not None:
        defaults = {f.name: f.default for f in dataclasses.fields(BatchOptions)}
        for name in ("features", "stats", *_SIZE_FIELDS):
            values.pop(name, None)
            values[name] = defaults[name]
    return BatchOptions(**values)


def options_of(table_schema: pa.Schema) -> BatchOptions | None:
    """The options a feature table was extracted with, from its schema metadata (Parquet keeps
    it; CSV does not), or None when the table has none.

    Raises
    ------
    ParameterError
        When the metadata is there but unreadable.
    """
    text = (table_schema.metadata or {}).get(METADATA_KEY)
    if text is None:
        return None
    try:
        return recorded_options(json.loads(text)["options"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(f"the table's genrefx metadata is invalid: {exc}") from None


#: Tracks up to this long are analysed in one piece, exactly as ``genrefx.extract`` (and
#: librosa) on the whole track. Longer ones (DJ mixes, concerts) are analysed in windows of
#: CHUNK_SECONDS, to bound memory: the frames are the same as for the whole track, but
#: librosa's whole-array quantities (chroma's tuning estimate, mfcc's and contrast's top_db)
#: are then per window.
WHOLE_TRACK_SECONDS = 300.0
CHUNK_SECONDS = 120.0


class _Samples:
    """A rolling window over a stream of sample chunks, addressed by absolute sample index."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._parts: list[np.ndarray] = []
        self.start = 0  # absolute index of the first buffered sample
        self.total = 0  # samples pulled so far
        self.ended = False
        self.sr = 0

    def fill(self, end: int) -> None:
        """Pull chunks until ``end`` samples are known or the stream ends."""
        while self.total < end and not self.ended:
            try:
                chunk, self.sr = next(self._chunks)
            except StopIteration:
                self.ended = True
                break
            self._parts.append(chunk)
            self.total += chunk.size

    def _data(self) -> np.ndarray:
        if len(self._parts) != 1:
            joined = np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)
            self._parts = [joined]
        return self._parts[0]

    def drop_before(self, index: int) -> None:
        """Forget samples before ``index``."""
        data = self._data()
        cut = min(max(index - self.start, 0), data.size)
        self._parts = [data[cut:].copy()]
        self.start += cut

    def slice(self, lo: int, hi: int, pad: str = "constant") -> np.ndarray:
        """Samples [lo, hi), padded outside the signal with zeros or (pad="edge") with the
        first / last sample, as numpy.pad's modes."""
        data = self._data()
        a, b = max(lo, self.start), min(hi, self.total)
        inner = data[a - self.start : b - self.start] if b > a else data[:0]
        left = min(a, hi) - lo
        right = (hi - lo) - left - inner.size
        if left == 0 and right == 0:
            return inner  # a view: no copy of a whole track
        if pad == "edge" and data.size:
            first = data[0] if self.start == 0 else inner[:1].sum()
            return np.concatenate(
                [np.full(left, first, np.float32), inner, np.full(right, data[-1], np.float32)]
            )
        return np.concatenate([np.zeros(left, np.float32), inner, np.zeros(right, np.float32)])


def _extract(y: np.ndarray, sr: int, names, options: BatchOptions, center: bool = True):
    feats = _extract_arrays(y, sr, names, options, center)
    if "tempo" in feats:  # one value per track: a (1, 1) "frame-level" row for the statistics
        feats["tempo"] = np.asarray(feats["tempo"]).reshape(1, 1)
    return feats


def _extract_arrays(y, sr, names, options, center):
    return extract(
        y,
        sr,
        names,
        n_fft=options.n_fft,
        hop_length=options.hop_length,
        center=center,
        n_mels=options.n_mels,
        n_mfcc=options.n_mfcc,
        n_chroma=options.n_chroma,
        n_bands=options.n_bands,
    )


def _whole_or_chunked(samples: _Samples, options: BatchOptions):
    """Frame-level features of a whole track, as lists of pieces along the frames: one piece,
    or one per window of a long track."""
    n_fft, hop = options.n_fft, options.hop_length
    pad = n_fft // 2
    names = options.extracted()
    samples.fill(1)
    samples.fill(int(WHOLE_TRACK_SECONDS * samples.sr) + n_fft)
    per_chunk = max(1, int(CHUNK_SECONDS * samples.sr / hop)) if samples.sr else 1
    if samples.ended or any(f in RECIPE_FEATURES for f in names):
        # (the CQT and the tempo need the whole track: long tracks are analysed whole too)
        samples.fill(np.iinfo(np.int64).max)
        y = samples.slice(0, samples.total)
        return {k: [v] for k, v in _extract(y, samples.sr, names, options).items()}, samples.total
    spectral = [f for f in names if f != "zero_crossing_rate"]
    pieces: dict[str, list[np.ndarray]] = {f: [] for f in names}
    f0, n_frames = 0, None
    while n_frames is None or f0 < n_frames:
        f1 = f0 + per_chunk
        samples.fill((f1 - 1) * hop - pad + n_fft)
        if samples.ended:
            n_frames = 1 + samples.total // hop  # librosa's count with center=True
            f1 = min(f1, n_frames)
        lo, hi = f0 * hop - pad, (f1 - 1) * hop - pad + n_fft
        if spectral:
            part = _extract(samples.slice(lo, hi), samples.sr, spectral, options, center=False)
            for f in spectral:
                pieces[f].append(part[f])
        if "zero_crossing_rate" in names:  # its centre padding repeats the edge samples
            part = _extract(
                samples.slice(lo, hi, "edge"),
                samples.sr,
                ["zero_crossing_rate"],
                options,
                center=False,
            )
            pieces["zero_crossing_rate"].append(part["zero_crossing_rate"])
        samples.drop_before(f1 * hop - pad)
        f0 = f1
    return pieces, samples.total


def _preset_row(source, index, start, y, sr, options):
    """A table row of a preset's recipe on samples ``y`` (a whole track or a segment)."""
    if options.preset == "fma":
        feats = fma_features(y, sr, compat=options.fma_compat)
        values = np.concatenate([summarize(feats[f], FMA_STATS) for f in FMA_FEATURES])
        n_frames = feats["zcr"].shape[-1]
    else:
        values = gtzan_values(y, sr)
        n_frames = 1 + y.size // options.hop_length
    meta = (source.name, index, start / sr, y.size / sr, sr, n_frames)
    return {"meta": meta, "values": values}


def _row(source, index, start, n, sr, feats, options, segment):
    """A table row from frame-level features (arrays, or lists of pieces along the frames)."""
    pieces = {f: v if isinstance(v, list) else [v] for f, v in feats.items()}
    if options.save_frames is not None:
        _save_frames(source, segment, pieces, options)
    values = np.concatenate([summarize(pieces[f], options.stats) for f in options.features])
    # frames of a frame-level feature (tempo alone: librosa's count for the centred STFT)
    framed = [v for f, v in pieces.items() if f != "tempo"]
    n_frames = sum(p.shape[-1] for p in framed[0]) if framed else 1 + n // options.hop_length
    return {"meta": (source.name, index, start / sr, n / sr, sr, n_frames), "values": values}


def process_source(
    source: Source, options: BatchOptions, *, named: Source | None = None
) -> list[dict[str, Any]]:
    """Rows for one input: ``{"meta": (...), "values": float32 array}`` per segment.

    The audio is decoded as a stream, so memory stays bounded for long tracks (see
    :data:`CHUNK_SECONDS`) and for long segmented tracks. ``named`` is the input as the run
    names it, when ``source`` is read under another path (a worker elsewhere): the rows'
    ``path`` and the saved frames' names are its.

    Raises
    ------
    DecodeError, ParameterError
        When the input cannot be decoded or its audio cannot be analysed.
    """
    span = {"offset": options.offset, "duration": options.duration}
    if options.preset is not None or seconds(source, **span) <= WHOLE_TRACK_SECONDS:
        # exactly librosa.load's samples; a preset's recipe (its CQT) needs the whole track
        samples = _Samples(iter([load(source, sr=options.sr, **span)]))
    else:
        samples = _Samples(stream(source, sr=options.sr, **span))
    return _process_samples(samples, named or source, options)


def process_array(y: np.ndarray, sr: int, options: BatchOptions, name: str) -> list[dict[str, Any]]:
    """Rows for audio already in memory, as :func:`process_source` gives for a decoded file.

    ``y`` is mono ``(n,)`` or ``(channels, n)`` (averaged, as ``librosa.to_mono``) at ``sr``
    Hz; it is cut to ``options.offset`` / ``options.duration`` and resampled to ``options.sr``
    as :func:`~genrefx.batch.audio.load` does. ``name`` is the rows' ``path``.

    Raises
    ------
    ParameterError
        When ``y`` is not finite, non-empty floating-point audio of one or two dimensions, or
        ``sr`` is not a positive integer.
    """
    mono = as_mono(y)
    sr = check_positive_int(sr, "sr")
    start = min(int(options.offset * sr), mono.size)
    stop = mono.size if options.duration is None else start + int(options.duration * sr)
    mono = mono[start:stop]
    if mono.size == 0:
        raise ParameterError(f"y has no samples past offset={options.offset} s")
    target = sr if options.sr is None else options.sr
    samples = _Samples(iter([(resample(mono, sr, target), target)]))
    return _process_samples(samples, Source("", name), options)


def _process_samples(samples: _Samples, source: Source, options: BatchOptions):
    """Rows for the decoded audio of ``source``: the whole track, or its segments."""
    if options.preset is not None and options.segment is None:
        samples.fill(np.iinfo(np.int64).max)  # a recipe (fma's CQT) needs the whole track
        return [_preset_row(source, 0, 0, samples.slice(0, samples.total), samples.sr, options)]
    if options.segment is None:
        feats, n = _whole_or_chunked(samples, options)
        return [_row(source, 0, 0, n, samples.sr, feats, options, None)]
    samples.fill(1)
    sr = samples.sr
    length = max(1, round(options.segment * sr))
    hop = max(1, round((options.segment_hop or options.segment) * sr))
    rows: list[dict[str, Any]] = []
    start = 0
    while True:
        samples.fill(start + length)
        if samples.total < start + length:  # only whole windows, except a short track's one
            if start == 0 and samples.total > 0:
                y = samples.slice(0, samples.total)
                rows.append(_segment_row(source, 0, 0, y, sr, options))
            break
        y = samples.slice(start, start + length)
        rows.append(_segment_row(source, len(rows), start, y, sr, options))
        start += hop
        samples.drop_before(start)
    return rows


def _segment_row(source, index, start, y, sr, options):
    if options.preset is not None:
        return _preset_row(source, index, start, y, sr, options)
    feats = _extract(y, sr, options.extracted(), options)
    return _row(source, index, start, y.size, sr, feats, options, index)


def frames_path(folder: str, source: Source, segment: int | None, name: str) -> str:
    """Where --save-frames writes array ``name`` of ``source`` (and segment): the file's base
    name, a short hash of its full path (the table's ``path``, :func:`utf8_text`; unique across
    folders and archives), the segment."""
    base = os.path.basename(source.member) or "audio"
    digest = hashlib.sha1(utf8_text(source.name).encode("utf-8")).hexdigest()[:10]
    seg = f".seg{segment:04d}" if segment is not None else ""
    return os.path.join(folder, f"{base}-{digest}{seg}.{name}.npy")


def _save_frames(source: Source, segment: int | None, pieces: dict, options: BatchOptions):
    os.makedirs(options.save_frames, exist_ok=True)
    for name in options.frames:
        feature, transform = FRAME_ARRAYS[name]
        value = np.concatenate(pieces[feature], axis=-1)
        if transform == "db":
            value = power_to_db(value)
        path = frames_path(options.save_frames, source, segment, name)
        with open(path + ".tmp", "wb") as f:
            np.save(f, np.asarray(value, dtype=np.float32))
        os.replace(path + ".tmp", path)


def rows_to_table(rows: Sequence[dict[str, Any]], options: BatchOptions) -> pa.Table:
    """A feature table from :func:`process_source` rows (an empty one for no rows).

    The ``path`` column is valid UTF-8 text: a file name that is not (``b"caf\\xe9.wav"``)
    appears with its undecodable bytes as backslash escapes (``caf\\xe9.wav``), see
    :func:`utf8_text`.
    """
    import pyarrow as pa

    sch = schema(options)
    meta_columns = _meta_columns()
    n_meta = len(meta_columns)
    columns: list[Any] = [pa.array([utf8_text(r["meta"][0]) for r in rows], type=pa.string())]
    for i, (_name, typ) in enumerate(meta_columns[1:], start=1):
        columns.append(pa.array([r["meta"][i] for r in rows], type=typ))
    n_feat = len(sch) - n_meta
    values = np.stack([r["values"] for r in rows]) if rows else np.zeros((0, n_feat), np.float32)
    for j in range(n_feat):
        columns.append(pa.array(np.ascontiguousarray(values[:, j]), type=pa.float32()))
    return pa.Table.from_arrays(columns, schema=sch)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(error kind, message) for the errors table."""
    kind = {DecodeError: "decode", ParameterError: "analysis"}.get(type(exc), type(exc).__name__)
    return kind, str(exc) or type(exc).__name__
