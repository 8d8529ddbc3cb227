"""``genrefx.batch.extract_files``: the table's schema and column names, one row per file, and
values equal to ``genrefx.extract`` on the ``librosa.load``-ed audio summarized with numpy /
scipy statistics, and within the README's parity tolerances of the same statistics of
librosa's own features.
"""

from __future__ import annotations

import pathlib

import librosa
import numpy as np
import pyarrow as pa
import pytest
import scipy.stats

import genrefx
from batch_fixtures import META_COLUMNS, META_TYPES, librosa_load, write_clip
from genrefx.batch import Source, extract_files

ROWS = {
    "melspectrogram": 128,
    "mfcc": 20,
    "chroma_stft": 12,
    "spectral_centroid": 1,
    "spectral_bandwidth": 1,
    "spectral_contrast": 7,
    "spectral_rolloff": 1,
    "spectral_flatness": 1,
    "zero_crossing_rate": 1,
    "rms": 1,
}
DEFAULT_STATS = ["mean", "std", "skew", "kurtosis", "median", "min", "max"]

# README parity tolerances: max|genrefx - librosa| / max|librosa| over the frame-level feature
TOLERANCE = {
    "melspectrogram": 1e-5,
    "spectral_centroid": 1e-5,
    "spectral_bandwidth": 1e-5,
    "rms": 1e-5,
    "spectral_flatness": 1e-5,
    "mfcc": 1e-4,
    "chroma_stft": 1e-4,
    "spectral_contrast": 1e-4,
    "zero_crossing_rate": 0.0,
}


def expected_columns(features, stats, rows=ROWS):
    names = []
    for f in features:
        for s in stats:
            if rows[f] == 1:
                names.append(f"{f}_{s}")
            else:
                names.extend(f"{f}_{s}_{i:02d}" for i in range(1, rows[f] + 1))
    return names


def reference_stats(values, stat):
    """``stat`` of a (rows, frames) feature over its frames (numpy / scipy), float64."""
    x = np.asarray(values, dtype=np.float64)
    return {
        "mean": lambda: x.mean(axis=1),
        "std": lambda: x.std(axis=1),
        "var": lambda: x.var(axis=1),
        "skew": lambda: scipy.stats.skew(x, axis=1),
        "kurtosis": lambda: scipy.stats.kurtosis(x, axis=1),
        "median": lambda: np.median(x, axis=1),
        "min": lambda: x.min(axis=1),
        "max": lambda: x.max(axis=1),
    }[stat]()


def column_block(table, feature, stat, row=0):
    names = expected_columns([feature], [stat])
    return np.array([table.column(n)[row].as_py() for n in names], dtype=np.float64)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extract")
    return [
        write_clip(folder / "mono 22k.wav", 2.0, 22050, seed=11, subtype="PCM_16"),
        write_clip(folder / "stereo 44k.flac", 1.5, 44100, seed=12, channels=2),
        write_clip(folder / "16k.ogg", 1.0, 16000, seed=13),
    ]


@pytest.fixture(scope="module")
def table(files):
    return extract_files(files)


def test_schema_and_column_names(table):
    names = table.column_names
    assert names[:6] == META_COLUMNS
    assert [table.schema.field(n).type for n in META_COLUMNS] == META_TYPES
    assert names[6:] == expected_columns(genrefx.FEATURES, DEFAULT_STATS)
    assert len(names) == 6 + 7 * sum(ROWS.values())
    assert all(table.schema.field(n).type == pa.float32() for n in names[6:])
    for name in (
        "mfcc_mean_01",
        "mfcc_mean_20",
        "spectral_centroid_mean",
        "spectral_contrast_max_07",
        "chroma_stft_kurtosis_12",
        "rms_median",
    ):
        assert name in names
    assert "mfcc_mean_21" not in names
    assert "mfcc_mean_00" not in names


def test_one_row_per_file_with_meta(table, files):
    assert table.num_rows == len(files)
    assert table.column("path").to_pylist() == files
    assert table.column("segment").to_pylist() == [0, 0, 0]
    assert table.column("start").to_pylist() == [0.0, 0.0, 0.0]
    assert table.column("sr").to_pylist() == [22050] * 3
    for i, path in enumerate(files):
        y, _ = librosa_load(path)
        assert table.column("duration")[i].as_py() == pytest.approx(y.size / 22050, abs=1e-12)
        assert table.column("n_frames")[i].as_py() == 1 + y.size // 512


@pytest.mark.parametrize("index", [0, 1, 2])
def test_values_equal_summarized_extract_of_librosa_load(table, files, index):
    y, sr = librosa_load(files[index])
    feats = genrefx.extract(y, sr)
    for feature in genrefx.FEATURES:
        for stat in DEFAULT_STATS:
            ref = reference_stats(feats[feature], stat)
            got = column_block(table, feature, stat, index)
            # float32 columns of float64 statistics; skew / kurtosis are ratios of moments
            scale = np.max(np.abs(ref)) if stat not in ("skew", "kurtosis") else 1.0
            np.testing.assert_allclose(
                got, ref, rtol=2e-6, atol=2e-6 * scale, err_msg=f"{feature}_{stat}"
            )


def librosa_features(y, sr):
    return {
        "melspectrogram": librosa.feature.melspectrogram(y=y, sr=sr),
        "mfcc": librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20),
        "chroma_stft": librosa.feature.chroma_stft(y=y, sr=sr),
        "spectral_centroid": librosa.feature.spectral_centroid(y=y, sr=sr),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=sr),
        "spectral_contrast": librosa.feature.spectral_contrast(y=y, sr=sr),
        "spectral_rolloff": librosa.feature.spectral_rolloff(y=y, sr=sr),
        "spectral_flatness": librosa.feature.spectral_flatness(y=y),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y),
        "rms": librosa.feature.rms(y=y),
    }


def test_values_within_readme_tolerance_of_librosa_features(table, files):
    """mean / std / median / min / max move by at most max|diff| <= tol * max|librosa|."""
    y, sr = librosa_load(files[1])
    ref = librosa_features(y, sr)
    for feature, values in ref.items():
        scale = float(np.max(np.abs(values)))
        if feature == "spectral_rolloff":
            atol = 1.01 * sr / 2048  # a frame may move by one bin (README: <= 1% of frames)
        else:
            atol = 2 * TOLERANCE[feature] * scale + 1e-6 * scale
        for stat in ("mean", "std", "median", "min", "max"):
            got = column_block(table, feature, stat, 1)
            np.testing.assert_allclose(
                got,
                reference_stats(values, stat),
                rtol=0,
                atol=atol,
                err_msg=f"{feature}_{stat}",
            )
    # the examples of the issue, spelled out
    assert table.column("mfcc_mean_01")[1].as_py() == pytest.approx(
        float(ref["mfcc"][0].mean()), abs=float(2e-4 * np.abs(ref["mfcc"]).max())
    )
    assert table.column("spectral_centroid_mean")[1].as_py() == pytest.approx(
        float(ref["spectral_centroid"].mean()), rel=3e-5
    )
    assert table.column("zero_crossing_rate_max")[1].as_py() == pytest.approx(
        float(ref["zero_crossing_rate"].max()), rel=1e-7
    )


def test_n_frames_and_values_match_librosa_load_for_a_48k_file(tmp_path):
    """47924 samples at 48 kHz: librosa.load gives ceil(22015.09) = 22016 samples at 22050 Hz,
    so 1 + 22016 // 512 = 44 frames."""
    path = write_clip(tmp_path / "48k.wav", 1.0, 48000, seed=3, subtype="PCM_16", n_samples=47924)
    y, sr = librosa_load(path)
    assert y.size == 22016
    table = extract_files([path], features=["rms", "zero_crossing_rate"], stats=["mean", "max"])
    assert table.column("n_frames").to_pylist() == [44]
    feats = genrefx.extract(y, sr, ["rms", "zero_crossing_rate"])
    assert table.column("zero_crossing_rate_mean")[0].as_py() == pytest.approx(
        float(feats["zero_crossing_rate"].mean()), rel=1e-6
    )


def test_feature_and_stat_selection(files):
    table = extract_files(
        [pathlib.Path(files[0])],
        features=["spectral_contrast", "rms", "mfcc"],
        stats=["var", "mean"],
        n_mfcc=13,
    )
    rows = dict(ROWS, mfcc=13)
    assert table.column_names[6:] == expected_columns(
        ["spectral_contrast", "rms", "mfcc"], ["var", "mean"], rows
    )
    y, _ = librosa_load(files[0])
    var = reference_stats(genrefx.feature.rms(y=y), "var")
    assert table.column("rms_var")[0].as_py() == pytest.approx(float(var[0]), rel=1e-5)


def test_native_rate_and_source_objects(files):
    table = extract_files([Source("", files[1]), files[2]], sr=None, features=["rms"])
    assert table.column("sr").to_pylist() == [44100, 16000]
    assert table.column("path").to_pylist() == [files[1], files[2]]


def test_errors_list_collects_failures_and_none_raises(files, tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00garbage that is not a wave file")
    errors = []
    table = extract_files([files[0], str(bad), files[2]], errors=errors, features=["rms"])
    assert table.column("path").to_pylist() == [files[0], files[2]]
    assert len(errors) == 1
    path, kind, message = errors[0]
    assert path == str(bad)
    assert kind == "decode"
    assert message
    with pytest.raises(genrefx.ParameterError, match=r"bad\.wav"):
        extract_files([files[0], str(bad)], features=["rms"])
    # nothing usable: an empty table with the full schema
    errors = []
    empty = extract_files([str(bad)], errors=errors, features=["rms"], stats=["mean"])
    assert empty.num_rows == 0
    assert empty.column_names == [*META_COLUMNS, "rms_mean"]
    assert len(errors) == 1


@pytest.mark.parametrize(
    "options",
    [
        {"features": ["bpm"]},
        {"features": []},
        {"stats": ["mode"]},
        {"sr": 0},
        {"offset": -1.0},
        {"duration": 0.0},
        {"segment": 0.0},
        {"segment_hop": 1.0},
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()),
)
def test_bad_options_raise_parameter_error(files, options):
    with pytest.raises(genrefx.ParameterError):
        extract_files([files[0]], errors=[], **options)


# features whose every frame depends on that frame's samples only (no whole-track quantity
# such as chroma's tuning estimate or mfcc's / contrast's top_db)
FRAME_LOCAL = [
    "melspectrogram",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "zero_crossing_rate",
    "rms",
]


@pytest.fixture
def long_track_limits(monkeypatch):
    """Make a 4 s track "long" (decoded as a stream, analysed in windows of 0.3 s), as an
    hour-long one is with the real limits."""
    import genrefx.batch.features as batch_features

    monkeypatch.setattr(batch_features, "WHOLE_TRACK_SECONDS", 1.0)
    monkeypatch.setattr(batch_features, "CHUNK_SECONDS", 0.3)


def test_long_track_in_windows_has_the_whole_tracks_frames(tmp_path, long_track_limits):
    path = write_clip(tmp_path / "long.flac", 4.0, 44100, seed=21, channels=2, n_samples=176411)
    y, sr = librosa_load(path)
    feats = genrefx.extract(y, sr, FRAME_LOCAL)
    table = extract_files([path], features=FRAME_LOCAL)
    assert table.column("n_frames").to_pylist() == [1 + y.size // 512]
    assert table.column("duration")[0].as_py() == pytest.approx(y.size / sr, abs=1e-12)
    for feature in FRAME_LOCAL:
        for stat in DEFAULT_STATS:
            ref = reference_stats(feats[feature], stat)
            scale = np.max(np.abs(ref)) if stat not in ("skew", "kurtosis") else 1.0
            np.testing.assert_allclose(
                column_block(table, feature, stat),
                ref,
                rtol=1e-5,
                atol=1e-5 * scale,
                err_msg=f"{feature}_{stat}",
            )


def test_long_track_segments_equal_windows_of_librosa_load(tmp_path, long_track_limits):
    path = write_clip(tmp_path / "long.wav", 4.0, 44100, seed=22, n_samples=176411)
    y, sr = librosa_load(path)
    table = extract_files([path], segment=1.5, features=["mfcc", "chroma_stft", "rms"])
    length = round(1.5 * sr)
    assert table.column("segment").to_pylist() == [0, 1]
    for k in range(2):
        feats = genrefx.extract(y[k * length : (k + 1) * length], sr, ["mfcc", "chroma_stft"])
        for feature in ("mfcc", "chroma_stft"):
            for stat in ("mean", "std", "max"):
                ref = reference_stats(feats[feature], stat)
                np.testing.assert_allclose(
                    column_block(table, feature, stat, k),
                    ref,
                    rtol=1e-5,
                    atol=1e-5 * np.max(np.abs(ref)),
                    err_msg=f"segment {k} {feature}_{stat}",
                )
