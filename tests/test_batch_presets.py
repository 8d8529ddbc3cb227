"""``genrefx batch-extract --preset fma`` / ``--preset gtzan``: published tables' recipes.

The FMA reference is FMA's ``features.py`` written against librosa 0.11 (chroma_cqt /
chroma_cens with 12 bins per octave, which is what librosa 0.5's ``bins_per_octave=None`` meant;
``rms(S=...)`` for the old ``rmse``). Each feature keeps its issue's tolerance (max|a - ref| /
max|ref|): the STFT features issue 2's (1e-5: rmse, centroid, bandwidth; 1e-4: mfcc,
chroma_stft, contrast; zero-crossing rate identical; rolloff <= 1 % of frames differ), the
constant-Q ones issue 5's (1e-3: chroma_cqt, chroma_cens, tonnetz). Their table statistics are
checked to 1e-3 of each statistic's scale (measured: <= 5.2e-5, rmse's kurtosis). The GTZAN
columns (means and variances of those features and of the hpss signals) are checked to 1e-4
relative, the hpss bound, with a 1e-6 absolute floor for the means of the harmonic and
percussive signals, which are ~1e-5 of full scale (measured: <= 6e-7).
"""

from __future__ import annotations

import os

import librosa
import numpy as np
import pandas as pd
import pytest
import scipy.stats

from batch_fixtures import librosa_load, read_errors, run, write_clip
from conftest import rel_err
from genrefx.batch import BatchOptions, extract_files
from genrefx.batch.presets import FMA_FEATURES, FMA_STATS, fma_features, track_id
from genrefx.exceptions import ParameterError

TOL = 1e-3  # issue 5's bound for the constant-Q chroma features, and for the statistics
FEATURE_TOL = {
    "rmse": 1e-5,
    "spectral_centroid": 1e-5,
    "spectral_bandwidth": 1e-5,
    "mfcc": 1e-4,
    "chroma_stft": 1e-4,
    "spectral_contrast": 1e-4,
    "chroma_cqt": 1e-3,
    "chroma_cens": 1e-3,
    "tonnetz": 1e-3,
}


def librosa_fma(x: np.ndarray, sr: int, compat: bool) -> dict[str, np.ndarray]:
    """FMA's compute_features() on librosa 0.11 (``compat``: librosa 0.5's reflect padding and
    the missing sample rates of features.py)."""
    pad = "reflect" if compat else "constant"
    ssr = 22050 if compat else sr
    out = {"zcr": librosa.feature.zero_crossing_rate(x, frame_length=2048, hop_length=512)}
    cqt = np.abs(
        librosa.cqt(
            x, sr=sr, hop_length=512, bins_per_octave=12, n_bins=84, tuning=None, pad_mode=pad
        )
    )
    kw = {"n_chroma": 12, "n_octaves": 7, "bins_per_octave": 12}
    out["chroma_cqt"] = librosa.feature.chroma_cqt(C=cqt, **kw)
    out["chroma_cens"] = librosa.feature.chroma_cens(C=cqt, **kw)
    out["tonnetz"] = librosa.feature.tonnetz(chroma=out["chroma_cens"])
    stft = np.abs(librosa.stft(x, n_fft=2048, hop_length=512, pad_mode=pad))
    out["chroma_stft"] = librosa.feature.chroma_stft(S=stft**2, sr=ssr, n_chroma=12)
    if compat:  # librosa 0.5's rmse(S=...): sqrt(mean(|S|**2)) over the bins
        out["rmse"] = np.sqrt(np.mean(np.abs(stft) ** 2, axis=-2, keepdims=True))
    else:
        out["rmse"] = librosa.feature.rms(S=stft)
    out["spectral_centroid"] = librosa.feature.spectral_centroid(S=stft, sr=ssr)
    out["spectral_bandwidth"] = librosa.feature.spectral_bandwidth(S=stft, sr=ssr)
    out["spectral_contrast"] = librosa.feature.spectral_contrast(S=stft, sr=ssr, n_bands=6)
    out["spectral_rolloff"] = librosa.feature.spectral_rolloff(S=stft, sr=ssr)
    mel = librosa.feature.melspectrogram(sr=sr, S=stft**2)
    out["mfcc"] = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=20)
    return out


def fma_stats(values: np.ndarray) -> np.ndarray:
    """features.py's feature_stats, in the table's sorted statistics order."""
    by_name = {
        "mean": np.mean(values, axis=1),
        "std": np.std(values, axis=1),
        "skew": scipy.stats.skew(values, axis=1),
        "kurtosis": scipy.stats.kurtosis(values, axis=1),
        "median": np.median(values, axis=1),
        "min": np.min(values, axis=1),
        "max": np.max(values, axis=1),
    }
    return np.concatenate([by_name[s] for s in FMA_STATS])


@pytest.mark.parametrize(("sr", "compat"), [(22050, False), (44100, False), (44100, True)])
def test_recipe_matches_librosa(sr, compat):
    import signals

    x = signals.music(6.0, sr, seed=7)
    got = fma_features(x, sr, compat=compat)
    ref = librosa_fma(x, sr, compat)
    assert list(got) == list(FMA_FEATURES)
    for name, rows in FMA_FEATURES.items():
        assert got[name].shape == ref[name].shape == (rows, ref["zcr"].shape[-1]), name
        if name == "zcr":
            np.testing.assert_array_equal(got[name], ref[name])
        elif name == "spectral_rolloff":
            differ = ~np.isclose(got[name], ref[name], rtol=1e-5, atol=0)
            assert differ.mean() <= 0.01, f"{differ.sum()} rolloff frames differ"
        else:
            assert rel_err(got[name], ref[name]) <= FEATURE_TOL[name], name


def test_table_columns_and_values(tmp_path):
    path = write_clip(tmp_path / "000123.flac", 5.0, 44100, seed=3, channels=2)
    table = extract_files([path], preset="fma", sr=None)
    options = BatchOptions(preset="fma", sr=None)
    columns = options.feature_columns()
    assert len(columns) == 518
    names = [tuple(c.rsplit("_", 2)) for c in columns]
    assert names == sorted(names), "columns must be in FMA's sorted order"
    assert table.column_names[6:] == columns
    x, sr = librosa_load(path, sr=None)
    ref = librosa_fma(x, sr, compat=False)
    for feature in FMA_FEATURES:
        got = np.array(
            [
                table.column(c)[0].as_py()
                for c in columns
                if c.startswith(feature + "_") and c.rsplit("_", 2)[0] == feature
            ]
        )
        want = fma_stats(ref[feature]).astype(np.float32)
        # the statistics of features equal to 1e-3 (TOL), relative to each statistic's scale
        for k, stat in enumerate(FMA_STATS):
            n = FMA_FEATURES[feature]
            a, b = got[k * n : (k + 1) * n], want[k * n : (k + 1) * n]
            scale = max(float(np.max(np.abs(b))), 1e-6)
            assert np.max(np.abs(a - b)) / scale <= TOL, (feature, stat)


def test_fma_csv_layout_reads_with_pandas(tmp_path):
    folder = tmp_path / "fma_small" / "000"
    folder.mkdir(parents=True)
    write_clip(folder / "000002.wav", 3.0, 44100, seed=1)
    write_clip(folder / "000005.wav", 3.0, 22050, seed=2)
    (folder / "000010.mp3").write_bytes(b"not audio at all")
    out = tmp_path / "features.csv"
    code = run("batch-extract", tmp_path / "fma_small", "-o", out, "--preset", "fma", "-q")
    assert code == 3  # one input failed
    df = pd.read_csv(out, index_col=0, header=[0, 1, 2])
    assert df.shape == (3, 518)
    assert list(df.index) == [2, 5, 10]
    assert df.index.name == "track_id"
    assert df.columns.names == ["feature", "statistics", "number"]
    assert list(df.columns) == sorted(df.columns)
    assert df.loc[10].isna().all()
    assert not df.loc[2].isna().any()
    assert ("mfcc", "mean", "20") in df.columns
    assert ("zcr", "max", "01") in df.columns
    assert [e["path"] for e in read_errors(out)] == [str(folder / "000010.mp3")]
    # the same numbers as the Parquet table, to the CSV's 11 significant digits
    table = extract_files([str(folder / "000002.wav")], preset="fma", sr=None)
    for col in ("mfcc_mean_01", "chroma_cqt_max_12", "spectral_contrast_kurtosis_07"):
        f, s, n = col.rsplit("_", 2)
        assert df.loc[2, (f, s, n)] == pytest.approx(table.column(col)[0].as_py(), rel=1e-9)


def test_track_ids():
    assert track_id("/data/fma_large/000/000002.mp3") == 2
    assert track_id("fma.zip::fma_small/155/155066.mp3") == 155066
    assert track_id("/music/Some Song.mp3") == "/music/Some Song.mp3"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "fma", "--sr", "22050"], "native rate"),
        (["--fma-compat"], "fma_compat"),
        (["--preset", "fma", "--segment", "3"], "one row per track"),
        (["--preset", "fma", "--save-frames", "x", "--frames", "mel"], "save_frames"),
    ],
)
def test_preset_usage_errors(tmp_path, capsys, args, message):
    path = write_clip(tmp_path / "000001.wav", 1.0)
    code = run("batch-extract", path, "-o", tmp_path / "out.csv", *args)
    assert code == 2
    assert message in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "out.csv")


# ---------------------------------------------------------------------------------------------
# --preset gtzan: Kaggle's GTZAN features_30_sec.csv / features_3_sec.csv
# ---------------------------------------------------------------------------------------------


def librosa_gtzan(y: np.ndarray, sr: int) -> dict[str, float]:
    """The Kaggle GTZAN columns with librosa's defaults (the recipe the README documents)."""
    F = librosa.feature
    out: dict[str, float] = {"length": float(y.shape[-1])}
    arrays = {
        "chroma_stft": F.chroma_stft(y=y, sr=sr),
        "rms": F.rms(y=y),
        "spectral_centroid": F.spectral_centroid(y=y, sr=sr),
        "spectral_bandwidth": F.spectral_bandwidth(y=y, sr=sr),
        "rolloff": F.spectral_rolloff(y=y, sr=sr),
        "zero_crossing_rate": F.zero_crossing_rate(y),
    }
    arrays["harmony"], arrays["perceptr"] = librosa.effects.hpss(y)
    for name, a in arrays.items():
        out[f"{name}_mean"], out[f"{name}_var"] = float(np.mean(a)), float(np.var(a))
    tempo, _ = librosa.beat.beat_track(y=y, sr=sr)
    out["tempo"] = float(np.atleast_1d(tempo)[0])
    for i, row in enumerate(F.mfcc(y=y, sr=sr), start=1):
        out[f"mfcc{i}_mean"], out[f"mfcc{i}_var"] = float(np.mean(row)), float(np.var(row))
    return out


def test_gtzan_values_match_librosa():
    import signals
    from genrefx.batch.presets import GTZAN_COLUMNS, gtzan_values

    y = signals.music(6.0, 22050, seed=11)
    got = dict(zip(GTZAN_COLUMNS, gtzan_values(y, 22050).tolist(), strict=True))
    ref = librosa_gtzan(y, 22050)
    assert list(got) == list(ref)
    assert len(got) == 58
    for name, value in ref.items():
        # harmony/perceptr means are ~1e-5 of full scale: an absolute floor of 1e-6
        assert got[name] == pytest.approx(value, rel=1e-4, abs=1e-6), name


def test_gtzan_csv_layouts(tmp_path):
    import csv as csvlib

    from genrefx.batch.presets import GTZAN_COLUMNS

    for genre, seed in (("blues", 1), ("rock", 2)):
        (tmp_path / "genres" / genre).mkdir(parents=True)
        write_clip(tmp_path / "genres" / genre / f"{genre}.00000.wav", 6.5, 22050, seed=seed)
    out30 = tmp_path / "features_30_sec.csv"
    assert run("batch-extract", tmp_path / "genres", "-o", out30, "--preset", "gtzan", "-q") == 0
    with open(out30, newline="") as f:
        rows = list(csvlib.reader(f))
    assert rows[0] == ["filename", *GTZAN_COLUMNS, "label"]
    assert [(r[0], r[-1]) for r in rows[1:]] == [
        ("blues.00000.wav", "blues"),
        ("rock.00000.wav", "rock"),
    ]
    assert rows[1][1] == str(int(6.5 * 22050))  # length: samples
    out3 = tmp_path / "features_3_sec.csv"
    code = run(
        "batch-extract",
        tmp_path / "genres",
        "-o",
        out3,
        "--preset",
        "gtzan",
        "--segment",
        "3",
        "-q",
    )
    assert code == 0
    with open(out3, newline="") as f:
        rows = list(csvlib.reader(f))
    assert [r[0] for r in rows[1:]] == [
        "blues.00000.0.wav",
        "blues.00000.1.wav",
        "rock.00000.0.wav",
        "rock.00000.1.wav",
    ]
    assert {r[1] for r in rows[1:]} == {str(3 * 22050)}


def test_batch_extract_recipe_features(tmp_path):
    path = write_clip(tmp_path / "a.wav", 4.0, 22050, seed=5)
    table = extract_files([path], features=("chroma_cqt", "tonnetz", "tempo"), stats=("mean",))
    assert table.column_names[6:] == [
        *(f"chroma_cqt_mean_{i:02d}" for i in range(1, 13)),
        *(f"tonnetz_mean_{i:02d}" for i in range(1, 7)),
        "tempo_mean",
    ]
    y, sr = librosa_load(path, sr=22050)
    assert table.column("tempo_mean")[0].as_py() == pytest.approx(
        float(librosa.feature.tempo(y=y, sr=sr)[0]), rel=1e-6
    )
    chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
    got = np.array([table.column(f"chroma_cqt_mean_{i:02d}")[0].as_py() for i in range(1, 13)])
    np.testing.assert_allclose(got, chroma, rtol=0, atol=1e-3)
    assert table.column("n_frames")[0].as_py() == 1 + y.size // 512


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"preset": "kaggle"}, "preset"),
        ({"preset": "gtzan", "fma_compat": True}, "fma_compat"),
        ({"preset": "fma", "sr": 22050}, "native rate"),
        ({"preset": "gtzan", "save_frames": "x", "frames": ("mel",)}, "save_frames"),
        ({"fma_compat": True}, "fma_compat"),
        ({"features": ("chroma_cqt", "cqt")}, "cqt"),
    ],
)
def test_preset_options_bad(kwargs, match):
    from genrefx import ParameterError

    with pytest.raises(ParameterError, match=match):
        BatchOptions(**kwargs)


def test_gtzan_label_is_the_real_folder(tmp_path, monkeypatch):
    """The label is the folder's name however the path was typed (``.``, a bare name); a
    member at an archive's root takes the archive's name."""
    from genrefx.batch.presets import gtzan_label

    folder = tmp_path / "blues"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert gtzan_label("blues.00000.wav") == "blues"
    assert gtzan_label("./blues.00000.wav") == "blues"
    assert gtzan_label("../blues/blues.00000.wav") == "blues"
    assert gtzan_label("set.zip::jazz/jazz.00001.wav") == "jazz"
    assert gtzan_label("rock.zip::rock.00002.wav") == "rock"
    assert gtzan_label("pop.tar.gz::pop.00003.wav") == "pop"


@pytest.mark.parametrize("preset", ["fma", "gtzan"])
@pytest.mark.parametrize(
    "option",
    [{"n_fft": 4096}, {"hop_length": 256}, {"features": ("rms",)}, {"stats": ("var",)}],
)
def test_preset_options_it_would_not_use_are_refused(preset, option):
    sr = {"sr": None} if preset == "fma" else {}
    with pytest.raises(ParameterError, match=f"not available with preset '{preset}'"):
        BatchOptions(preset=preset, **sr, **option)


@pytest.mark.parametrize("preset", ["fma", "gtzan"])
def test_preset_options_round_trip(preset):
    """A preset table's recorded options (its own features and stats) make the same options."""
    sr = {"sr": None} if preset == "fma" else {}
    options = BatchOptions(preset=preset, **sr)
    assert BatchOptions(**options.extraction()) == options


def test_fma_csv_refuses_two_files_of_one_track_id(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_clip(tmp_path / folder / "000002.wav", 1.0, 22050, seed=1)
    out = tmp_path / "fma.csv"
    argv = ["batch-extract", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)]
    assert run(*argv, "--preset", "fma", "-q") == 2
    assert "track id 2 is both" in capsys.readouterr().err
    assert not out.exists()
    parquet = tmp_path / "fma.parquet"
    assert run(*argv[:-1], str(parquet), "--preset", "fma", "-q") == 0  # Parquet holds both


def test_fma_compat_rmse_is_librosa_0_5s():
    """librosa 0.5's rmse(S=S): sqrt(mean(|S|**2)) over the bins (0.11's rms is ~45x smaller)."""
    import signals

    x = signals.music(3.0, 44100, seed=2)
    S = np.abs(librosa.stft(x, n_fft=2048, hop_length=512, pad_mode="reflect"))
    ref = np.sqrt(np.mean(S**2, axis=-2, keepdims=True))
    assert rel_err(fma_features(x, 44100, compat=True)["rmse"], ref) <= 1e-5


@pytest.mark.parametrize("preset", ["fma", "gtzan"])
def test_preset_csv_of_only_failed_inputs(tmp_path, preset):
    """Every input failed: the layout's table has no rows, the errors file has them all."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "000002.wav").write_bytes(b"not audio")
    out = tmp_path / "out.csv"
    assert run("batch-extract", str(tmp_path / "in"), "-o", str(out), "--preset", preset) == 3
    assert out.exists()
    assert len(read_errors(out)) == 1


def test_options_recorded_with_a_preset_by_earlier_versions_load():
    """Earlier versions recorded sizes given with a preset (unused by its recipe)."""
    from genrefx.batch.features import recorded_options

    old = {**BatchOptions(preset="fma", sr=None).extraction(), "n_fft": 4096, "hop_length": 256}
    options = recorded_options(old)
    assert (options.n_fft, options.hop_length) == (2048, 512)
    assert options == BatchOptions(preset="fma", sr=None)


def test_gtzan_label_of_dot_slash_members():
    from genrefx.batch.presets import gtzan_label

    assert gtzan_label("blues.tar.gz::./blues.00000.wav") == "blues"
    assert gtzan_label("all.tar.gz::./jazz/jazz.00000.wav") == "jazz"
