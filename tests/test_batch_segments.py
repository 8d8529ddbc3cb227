"""``--segment`` / ``--segment-hop``: one row per whole window with its index and start; a track
shorter than one window gives a single, shorter segment."""

from __future__ import annotations

import numpy as np
import pytest

import genrefx
import signals
from batch_fixtures import FAST, librosa_load, read_table, run, write_clip
from genrefx.batch import extract_files
from genrefx.batch.features import BatchOptions, process_array
from genrefx.batch.summary import summarize


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("segments")
    return {
        "30s": write_clip(d / "thirty.wav", 30.0, 22050, seed=30, subtype="PCM_16"),
        "2s": write_clip(d / "two.wav", 2.0, 22050, seed=2, subtype="PCM_16"),
    }


def segment_run(tmp_path, paths, *options):
    out = tmp_path / "seg.parquet"
    paths = [paths] if isinstance(paths, str) else paths
    assert run("batch-extract", *paths, "-o", out, "--workers", "1", "-q", *FAST, *options) == 0
    return read_table(out)


def test_thirty_seconds_in_three_second_windows(clips, tmp_path):
    table = segment_run(tmp_path, clips["30s"], "--segment", "3")
    assert table.num_rows == 10
    assert table.column("path").to_pylist() == [clips["30s"]] * 10
    assert table.column("segment").to_pylist() == list(range(10))
    np.testing.assert_allclose(table.column("start").to_pylist(), np.arange(10) * 3.0, atol=1e-9)
    np.testing.assert_allclose(table.column("duration").to_pylist(), [3.0] * 10, atol=1e-9)
    assert table.column("n_frames").to_pylist() == [1 + 66150 // 512] * 10

    # each row is the summary of its own window of the decoded track
    y, sr = librosa_load(clips["30s"])
    for k in (0, 4, 9):
        window = y[k * 3 * sr : (k + 1) * 3 * sr]
        feats = genrefx.extract(window, sr, ["mfcc", "rms", "spectral_centroid"])
        row = table.slice(k, 1)
        assert row.column("rms_max")[0].as_py() == pytest.approx(float(feats["rms"].max()))
        assert row.column("mfcc_mean_02")[0].as_py() == pytest.approx(
            float(feats["mfcc"][1].mean()), rel=1e-5, abs=1e-4
        )
        assert row.column("spectral_centroid_std")[0].as_py() == pytest.approx(
            float(feats["spectral_centroid"].std()), rel=1e-5
        )


def test_segment_hop(clips, tmp_path):
    table = segment_run(tmp_path, clips["30s"], "--segment", "3", "--segment-hop", "1.5")
    assert table.num_rows == 19  # windows starting at 0, 1.5, ..., 27 (27 + 3 = 30)
    assert table.column("segment").to_pylist() == list(range(19))
    np.testing.assert_allclose(table.column("start").to_pylist(), np.arange(19) * 1.5, atol=1e-9)
    np.testing.assert_allclose(table.column("duration").to_pylist(), [3.0] * 19, atol=1e-9)


def test_only_whole_windows(clips):
    # 29.9 s: nine whole 3-s windows; the last 2.9 s are not a row
    table = extract_files([clips["30s"]], duration=29.9, segment=3.0, features=["rms"])
    assert table.column("segment").to_pylist() == list(range(9))
    assert table.column("start").to_pylist()[-1] == pytest.approx(24.0)
    assert set(table.column("duration").to_pylist()) == {3.0}


def test_track_shorter_than_one_window_gives_one_segment(clips, tmp_path):
    table = segment_run(tmp_path, clips["2s"], "--segment", "3")
    assert table.num_rows == 1
    row = table.to_pylist()[0]
    assert row["segment"] == 0
    assert row["start"] == 0.0
    assert row["duration"] == pytest.approx(2.0)
    assert row["n_frames"] == 1 + 44100 // 512
    whole = extract_files([clips["2s"]], features=["mfcc", "rms", "spectral_centroid"])
    assert table.column("rms_max").to_pylist() == whole.column("rms_max").to_pylist()


def test_segments_of_several_files_keep_their_paths(clips, tmp_path):
    table = segment_run(tmp_path, [clips["2s"], clips["30s"]], "--segment", "3")
    paths = table.column("path").to_pylist()
    assert paths.count(clips["2s"]) == 1
    assert paths.count(clips["30s"]) == 10


@pytest.mark.parametrize("hop", [None, 1.5])
def test_segment_rows_equal_their_own_extract_calls(hop):
    # every value is the summary of that window's own extract call: the loud / quiet / silent
    # windows and different tunings would show a tuning or top_db shared between segments
    sr = 22050
    y = np.concatenate(
        [
            signals.music(9.0, sr, seed=4, tuning=0.3),
            1e-3 * signals.music(6.0, sr, seed=5, tuning=-0.2),
            np.zeros(3 * sr, np.float32),
            signals.music(6.5, sr, seed=6),
        ]
    ).astype(np.float32)
    options = BatchOptions(segment=3.0, segment_hop=hop)
    rows = process_array(y, sr, options, "clip")
    step = round((hop or 3.0) * sr)
    assert len(rows) == 1 + (y.size - 3 * sr) // step
    for i, row in enumerate(rows):
        window = y[i * step : i * step + 3 * sr]
        feats = genrefx.extract(window, sr, list(options.features))
        want = np.concatenate([summarize(feats[f], options.stats) for f in options.features])
        assert row["meta"][1] == i
        np.testing.assert_array_equal(row["values"], want, err_msg=f"segment {i}")
