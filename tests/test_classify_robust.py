"""Robustness of ``genrefx train / evaluate / predict``: extra table columns, bad parameter
values, small data, output paths checked before any work, the options of CSV tables, invalid
model metadata, a closed stdout and a labels file with a byte-order mark.

The tables are synthetic (two cheap features, rows drawn per class), so that every test fits
a model in well under a second; ``predict`` runs on one short generated file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sklearn

import genrefx
from batch_fixtures import run
from classify_fixtures import GENRES, SR, genre_clip, small_fit
from genrefx.batch.features import BatchOptions, schema
from genrefx.classify import GenreModel, evaluate, make_pipeline, train
from genrefx.classify.metadata import METADATA_KEY

SKLEARN_1_8 = tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 8)
# a --param that LogisticRegression takes but cannot fit (see test_bad_parameter_values)
FIT_TIME_FAILURE = (
    ("l1_ratio=0.5", "params l1_ratio=0.5: LogisticRegression cannot be fitted")
    if SKLEARN_1_8
    else ("penalty=l1", "params penalty='l1': LogisticRegression cannot be fitted")
)

OPTIONS = BatchOptions(features=("rms", "spectral_centroid"), stats=("mean", "std"))
CLASSES = ("jazz", "rock")


def make_table(
    n_per_class: int = 4,
    *,
    options: BatchOptions = OPTIONS,
    segments: int = 1,
    length: float | None = None,
    extra: dict | None = None,
    seed: int = 0,
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """A batch-extract-like table of ``n_per_class`` tracks per class (classes well apart)
    and its ``[(path, genre)]``. Tracks last 2.0, 2.1, ... s unless ``length`` is given;
    ``segments`` back-to-back segments of ``options.segment`` s per track."""
    rng = np.random.default_rng(seed)
    columns = options.feature_columns()
    meta: dict[str, list] = {k: [] for k in ("path", "segment", "start", "duration")}
    values, tracks = [], []
    for c, genre in enumerate(CLASSES):
        for i in range(n_per_class):
            path = f"music/{genre}/{genre}_{i}.wav"
            tracks.append((path, genre))
            for s in range(segments):
                seconds = options.segment or length or round(2.0 + 0.1 * len(tracks), 3)
                meta["path"].append(path)
                meta["segment"].append(s)
                meta["start"].append(s * seconds)
                meta["duration"].append(seconds)
                values.append(3.0 * c + rng.standard_normal(len(columns)))
    n = len(meta["path"])
    samples = np.rint(np.array(meta["duration"]) * SR).astype(np.int64)
    data = {
        **meta,
        "sr": [SR] * n,
        "n_frames": list(1 + samples // options.hop_length),
        **dict(zip(columns, np.asarray(values, dtype=np.float32).T, strict=True)),
    }
    table = pa.Table.from_pydict(data, schema=schema(options))
    for name, column in (extra or {}).items():
        table = table.append_column(name, pa.array(column(n)))
    return table, tracks


def write_labels(path, tracks, *, encoding: str = "utf-8") -> str:
    with open(path, "w", newline="", encoding=encoding) as f:
        f.write("path,genre\n")
        f.writelines(f"{p},{g}\n" for p, g in tracks)
    return os.fspath(path)


def fails(capsys, *argv, match: str) -> str:
    """Run ``genrefx argv``: exit status 2, ``match`` on stderr, no traceback."""
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert match in err, err
    assert "Traceback" not in err
    return err


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """A Parquet table, its labels, a model trained on it and a short audio file."""
    import soundfile as sf

    d = tmp_path_factory.mktemp("robust")
    table, tracks = make_table()
    pq.write_table(table, d / "fit.parquet")
    labels = write_labels(d / "labels.csv", tracks)
    model = d / "model.onnx"
    train(d / "fit.parquet", labels, model)
    audio = d / "one.wav"
    sf.write(audio, genre_clip("folk", 0.5), SR)
    return {"dir": d, "table": d / "fit.parquet", "labels": labels, "model": model, "audio": audio}


# 1. extra columns of the table are not features


def test_extra_columns_are_ignored_and_the_model_predicts(fitted, tmp_path, capsys):
    extra = {
        "track_id": lambda n: np.arange(n, dtype=np.int64),
        "comment": lambda n: ["some text"] * n,
    }
    table, tracks = make_table(extra=extra)
    pq.write_table(table, tmp_path / "extra.parquet")
    labels = write_labels(tmp_path / "labels.csv", tracks)
    out = tmp_path / "m.onnx"
    assert run("train", tmp_path / "extra.parquet", "--labels", labels, "-o", out) == 0
    err = capsys.readouterr().err
    assert "were ignored: track_id, comment" in err
    model = GenreModel.load(out)  # takes exactly the columns predict extracts
    assert model.feature_columns == OPTIONS.feature_columns()
    assert model.predict(fitted["audio"]).shape == (1,)
    # the same from a CSV table
    pacsv.write_csv(table, tmp_path / "extra.csv")
    assert run("train", tmp_path / "extra.csv", "--labels", labels, "-o", out) == 0
    assert GenreModel.load(out).feature_columns == OPTIONS.feature_columns()


def test_a_selection_of_feature_columns_trains_on_them(tmp_path, capsys):
    """A table of some of its options' columns (a feature selection) trains on those; one with
    none of them is refused."""
    table, tracks = make_table()
    pq.write_table(table.drop_columns(["rms_std"]), tmp_path / "t.parquet")
    labels = write_labels(tmp_path / "labels.csv", tracks)
    args = ["train", tmp_path / "t.parquet", "--labels", labels, "-o", tmp_path / "m.onnx"]
    assert run(*args) == 0
    assert "takes the table's 3 of 4 feature columns" in capsys.readouterr().err
    assert "rms_std" not in GenreModel.load(tmp_path / "m.onnx").feature_columns
    keep = [c for c in table.column_names if not c.startswith(("rms_", "spectral_"))]
    pq.write_table(table.select(keep), tmp_path / "none.parquet")
    args[1] = tmp_path / "none.parquet"
    args[-1] = tmp_path / "m2.onnx"
    fails(capsys, *args, match="has none of the 4 feature columns")
    assert not (tmp_path / "m2.onnx").exists()


# 2. bad --param values


@pytest.mark.parametrize(
    ("model", "param", "match"),
    [
        ("logreg", "C=-1", "params C=-1"),
        ("rf", "n_estimators=abc", "params n_estimators='abc'"),
        # rejected only when fitting: scikit-learn 1.8 takes l1_ratio for the penalty (lbfgs
        # cannot fit 0.5); before 1.8 it ignored l1_ratio without penalty='elasticnet' (with a
        # warning) and lbfgs refused penalty='l1' (which 1.8 deprecates)
        ("logreg", *FIT_TIME_FAILURE),
        ("mlp", "hidden_layer_sizes=[0]", "params hidden_layer_sizes=[0]"),
        ("knn", "weights=heavy", "params weights='heavy'"),
    ],
)
def test_bad_parameter_values(fitted, tmp_path, capsys, model, param, match):
    out = tmp_path / "m.onnx"
    args = ["train", fitted["table"], "--labels", fitted["labels"], "-o", out]
    fails(capsys, *args, "--model", model, "--param", param, match=match)
    assert not out.exists()


def test_bad_parameter_values_from_python():
    with pytest.raises(genrefx.ParameterError, match="C=-1"):
        make_pipeline("svm", params={"C": -1})


# 3. small data


def test_svm_and_knn_on_few_tracks(tmp_path, capsys):
    table, tracks = make_table(3)  # 2-3 tracks per class in each training fold
    labels = write_labels(tmp_path / "labels.csv", tracks)
    with small_fit():
        svm = train(table, labels, tmp_path / "svm.onnx", model="svm")
        knn = train(table, labels, tmp_path / "knn.onnx", model="knn")
    assert any("svm: the calibration's cv=3 was lowered" in n for n in svm.notes)
    assert any("knn: n_neighbors=5 was lowered" in n for n in knn.notes)
    assert knn.pipeline[-1].n_neighbors == 5  # the final fit has all rows
    assert svm.pipeline[-1].cv == 3
    for name in ("svm", "knn"):
        model = GenreModel.load(tmp_path / f"{name}.onnx")
        assert model.predict_rows(np.zeros((2, 4))).shape == (2, 2)
    # two tracks per class leave one per class to calibrate on: a clear error
    table, tracks = make_table(2)
    pq.write_table(table, tmp_path / "two.parquet")
    labels = write_labels(tmp_path / "two.csv", tracks)
    args = ["train", tmp_path / "two.parquet", "--labels", labels, "-o", tmp_path / "m.onnx"]
    fails(capsys, *args, "--model", "svm", match="give at least 3 tracks per class")
    assert not (tmp_path / "m.onnx").exists()
    assert run(*args, "--model", "knn") == 0
    assert "n_neighbors=5 was lowered" in capsys.readouterr().err


# 4., 5. output paths are checked before any work


def test_plot_into_a_missing_folder_writes_nothing(fitted, tmp_path, capsys):
    out = tmp_path / "m.onnx"
    args = ["train", fitted["table"], "--labels", fitted["labels"], "-o", out]
    fails(capsys, *args, "--plot", tmp_path / "no" / "cm.png", match="does not exist")
    assert not out.exists()


def test_train_output_paths(fitted, tmp_path, capsys):
    args = ["train", fitted["table"], "--labels", fitted["labels"], "-o"]
    fails(capsys, *args, tmp_path / "no" / "m.onnx", match="/no' does not exist")
    fails(capsys, *args, tmp_path, match="is a folder")
    before = fitted["table"].read_bytes()
    fails(capsys, *args, fitted["table"], match="is an input of the command")
    assert fitted["table"].read_bytes() == before
    fails(capsys, *args, fitted["labels"], match="is an input of the command")
    with pytest.raises(genrefx.ParameterError, match="does not exist"):
        train(fitted["table"], fitted["labels"], tmp_path / "no" / "m.onnx")


def test_predict_output_paths(fitted, tmp_path, capsys):
    args = ["predict", fitted["model"], fitted["audio"], "-o"]
    fails(capsys, *args, tmp_path / "no" / "p.csv", match="does not exist")
    (tmp_path / "dir.csv").mkdir()
    fails(capsys, *args, tmp_path / "dir.csv", match="is a folder")
    fails(capsys, *args, tmp_path / "p.json", match="predict writes CSV")
    # an audio file inside a folder given as input: never overwritten
    folder = tmp_path / "music"
    folder.mkdir()
    target = folder / "t0.wav"
    target.write_bytes(Path(fitted["audio"]).read_bytes())
    fails(capsys, "predict", fitted["model"], folder, "-o", target, match="predict writes CSV")
    assert target.read_bytes() == Path(fitted["audio"]).read_bytes()
    shutil.rmtree(folder)
    listed = tmp_path / "list.csv"  # an @list is an input: never overwritten
    listed.write_text(f"{fitted['audio']}\n")
    fails(capsys, "predict", fitted["model"], f"@{listed}", "-o", listed, match="is an input")
    assert listed.read_text() == f"{fitted['audio']}\n"
    listed.unlink()
    model_copy = tmp_path / "model.csv"
    model_copy.write_bytes(fitted["model"].read_bytes())
    fails(capsys, "predict", model_copy, fitted["audio"], "-o", model_copy, match="is an input")
    assert model_copy.read_bytes() == fitted["model"].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv", "model.csv"]
    assert run(*args, tmp_path / "p.csv") == 0


# 6., 7. evaluate checks the options of CSV tables as train infers them


def test_evaluate_checks_csv_tables(fitted, tmp_path, capsys):
    segmented = BatchOptions(**{**OPTIONS.extraction(), "segment": 2.0})
    table, _ = make_table(options=segmented, segments=2)
    pacsv.write_csv(table, tmp_path / "seg.csv")
    args = ["evaluate", fitted["model"], tmp_path / "seg.csv", "--labels", fitted["labels"]]
    fails(capsys, *args, match="segment=2.0 (model: None)")
    hop = BatchOptions(**{**OPTIONS.extraction(), "hop_length": 256})
    table, _ = make_table(options=hop)
    pacsv.write_csv(table, tmp_path / "hop.csv")
    args = ["evaluate", fitted["model"], tmp_path / "hop.csv", "--labels", fitted["labels"]]
    fails(capsys, *args, match="n_frames do not match hop_length=512")
    # a CSV table extracted as the model's training table passes
    table, _ = make_table(seed=1)
    pacsv.write_csv(table, tmp_path / "same.csv")
    assert evaluate(fitted["model"], tmp_path / "same.csv", fitted["labels"]).metrics


def test_back_to_back_segments_compare_equal(tmp_path):
    segmented = BatchOptions(**{**OPTIONS.extraction(), "segment": 2.0})
    table, tracks = make_table(options=segmented, segments=2)
    labels = write_labels(tmp_path / "labels.csv", tracks)
    pacsv.write_csv(table, tmp_path / "seg.csv")
    result = train(tmp_path / "seg.csv", labels, tmp_path / "csv.onnx")
    assert result.metadata["extraction"]["segment"] == 2.0
    assert result.metadata["extraction"]["segment_hop"] is None
    # a Parquet table that asked for segment_hop == segment is the same extraction
    explicit = BatchOptions(**{**segmented.extraction(), "segment_hop": 2.0})
    table, _ = make_table(options=explicit, segments=2, seed=1)
    pq.write_table(table, tmp_path / "explicit.parquet")
    assert evaluate(tmp_path / "csv.onnx", tmp_path / "explicit.parquet", labels).metrics
    from_parquet = train(tmp_path / "explicit.parquet", labels, tmp_path / "pq.onnx")
    assert from_parquet.metadata["extraction"] == result.metadata["extraction"]


# 8. a CSV table cannot show --duration / --offset


def test_csv_table_of_equal_length_tracks_gets_a_note(tmp_path, capsys):
    table, tracks = make_table(length=2.0)  # as --duration 2 leaves longer tracks
    labels = write_labels(tmp_path / "labels.csv", tracks)
    pacsv.write_csv(table, tmp_path / "cut.csv")
    assert run("train", tmp_path / "cut.csv", "--labels", labels, "-o", tmp_path / "m.onnx") == 0
    err = capsys.readouterr().err
    assert "all 8 tracks of the CSV table last exactly 2 s" in err
    assert "train on the Parquet table" in err
    table, tracks = make_table()  # tracks of different lengths: nothing to say
    pacsv.write_csv(table, tmp_path / "whole.csv")
    result = train(tmp_path / "whole.csv", labels, tmp_path / "m.onnx")
    assert result.notes == []


# 9. invalid extraction metadata in a model


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"frobnicate": 1}, "unknown options ['frobnicate']"),
        ({"offset": None}, "extraction is invalid"),
        ({"features": ["nope"]}, "extraction is invalid"),
        ({"n_fft": -5}, "extraction is invalid: n_fft=-5"),
    ],
)
def test_invalid_extraction_metadata(fitted, tmp_path, capsys, change, match):
    model = onnx.load(fitted["model"])
    entry = next(p for p in model.metadata_props if p.key == METADATA_KEY)
    meta = json.loads(entry.value)
    meta["extraction"].update(change)
    entry.value = json.dumps(meta)
    path = tmp_path / "bad.onnx"
    onnx.save(model, path)
    with pytest.raises(genrefx.ParameterError, match=r"bad\.onnx") as info:
        GenreModel.load(path)
    assert match in str(info.value)
    fails(capsys, "predict", path, fitted["audio"], match=match)


# 10. a closed stdout


def test_predict_into_a_closed_pipe_is_quiet(fitted):
    env = {**os.environ, "SKBUILD_EDITABLE_VERBOSE": "0"}  # no rebuild message on stdout
    argv = [sys.executable, "-m", "genrefx.cli", "predict", fitted["model"], fitted["audio"]]
    proc = subprocess.Popen(
        [os.fspath(a) for a in argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    proc.stdout.close()  # as `| head -0`
    with proc.stderr:
        err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 0, err
    assert "Traceback" not in err, err
    assert "BrokenPipe" not in err, err


# 11. a byte-order mark in LABELS.csv


def test_labels_with_a_byte_order_mark(fitted, tmp_path):
    table, tracks = make_table()
    labels = write_labels(tmp_path / "bom.csv", tracks, encoding="utf-8-sig")
    with open(labels, "rb") as f:
        assert f.read(3) == b"\xef\xbb\xbf"
    result = train(table, labels, tmp_path / "m.onnx")
    assert result.report.n_tracks == len(tracks)


def test_track_ids_are_ascii_digits():
    """str.isdigit takes '²3', which int() refuses: such names are no track ids."""
    from genrefx.classify.dataset import _is_number, _track_id

    assert _track_id("fma/000002.mp3") == 2
    assert _track_id("²3.mp3") is None
    assert _track_id("archive.zip::٣.mp3") is None
    assert not _is_number("²3")
    assert _is_number("0042")


def test_csv_tables_of_recipe_features_train_on_all_their_columns(tmp_path, capsys):
    """chroma_cqt / chroma_cens / tonnetz / tempo columns of a CSV table are features, not
    extra columns."""
    options = BatchOptions(features=("rms", "chroma_cqt", "tempo"), stats=("mean",))
    table, tracks = make_table(options=options)
    pacsv.write_csv(table, tmp_path / "t.csv")
    labels = write_labels(tmp_path / "labels.csv", tracks)
    out = tmp_path / "m.onnx"
    assert run("train", tmp_path / "t.csv", "--labels", labels, "-o", out) == 0
    assert "ignored" not in capsys.readouterr().err
    model = GenreModel.load(out)
    assert model.feature_columns == options.feature_columns()
    assert model.options.features == options.features


def test_evaluate_csv_of_a_native_rate_model_and_of_single_segment_tracks(tmp_path):
    """A CSV table shows each file's rate, and no segment length when no track has a second
    segment: a model of native rates takes any rate, a segment model tracks of one segment."""
    native = BatchOptions(sr=None, features=("rms", "spectral_centroid"), stats=("mean", "std"))
    table, tracks = make_table(options=native)
    pq.write_table(table, tmp_path / "t.parquet")
    labels = write_labels(tmp_path / "labels.csv", tracks)
    train(tmp_path / "t.parquet", labels, output=tmp_path / "native.onnx", model="logreg")
    pacsv.write_csv(table, tmp_path / "t.csv")
    evaluate(tmp_path / "native.onnx", tmp_path / "t.csv", labels)
    segmented = BatchOptions(segment=10.0, features=("rms", "spectral_centroid"), stats=("mean",))
    long, long_tracks = make_table(options=segmented, segments=2)
    pq.write_table(long, tmp_path / "s.parquet")
    long_labels = write_labels(tmp_path / "long.csv", long_tracks)
    train(tmp_path / "s.parquet", long_labels, output=tmp_path / "seg.onnx", model="logreg")
    short, short_tracks = make_table(
        options=BatchOptions(features=segmented.features, stats=segmented.stats), length=5.0
    )
    pacsv.write_csv(short, tmp_path / "short.csv")
    evaluate(
        tmp_path / "seg.onnx",
        tmp_path / "short.csv",
        write_labels(tmp_path / "s.csv", short_tracks),
    )


def test_predict_to_a_closed_pipe_still_reports_failures(tmp_path):
    """genrefx predict ... | head: the predictions stop quietly, failed inputs are still
    reported and the exit status still says so."""
    model = tmp_path / "m.onnx"
    table, tracks = make_table()
    pq.write_table(table, tmp_path / "t.parquet")
    train(
        tmp_path / "t.parquet",
        write_labels(tmp_path / "l.csv", tracks),
        output=model,
        model="logreg",
    )
    (tmp_path / "bad.wav").write_bytes(b"not audio")
    good = tmp_path / "good.wav"
    import soundfile as sf

    sf.write(good, genre_clip(GENRES[0], seed=1), SR)
    code = (
        "import sys; from genrefx.cli import main; "
        "sys.exit(main(['predict', sys.argv[1], sys.argv[2], sys.argv[3]]))"
    )
    env = dict(os.environ, SKBUILD_EDITABLE_VERBOSE="0")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(model), str(good), str(tmp_path / "bad.wav")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()  # the reader is gone before anything is written
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 3, err
    assert "bad.wav" in err
    assert "Traceback" not in err
