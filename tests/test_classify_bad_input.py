"""Bad input to ``genrefx train / evaluate / predict``: a clear message naming the problem on
stderr, exit status 2, and nothing written (an existing output is left as it was)."""

from __future__ import annotations

import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import genrefx
from batch_fixtures import run
from classify_fixtures import FEATURES, STATS, write_labels, write_set
from genrefx.batch import extract_files
from genrefx.classify import GenreModel, attach_logmel_metadata, train

EXTRACT = ["--features", ",".join(FEATURES), "--stats", ",".join(STATS), "--workers", "1", "-q"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    tracks = write_set(d / "fit", 4)
    table = d / "fit.parquet"
    assert run("batch-extract", d / "fit", "-o", table, *EXTRACT) == 0
    model = d / "model.onnx"
    labels = write_labels(d / "labels.csv", tracks)
    assert run("train", table, "--labels", labels, "-o", model) == 0
    return {"dir": d, "tracks": tracks, "table": table, "labels": labels, "model": model}


def fails(capsys, *argv, match: str) -> str:
    """Run ``genrefx argv``; assert exit status 2 and ``match`` in the message on stderr."""
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert match in err, err
    return err


def test_labels_missing_for_some_tracks_are_reported_and_dropped(data, tmp_path, capsys):
    labelled = [t for t in data["tracks"] if not t[0].endswith("_003.wav")]
    labels = write_labels(tmp_path / "some.csv", labelled)
    out = tmp_path / "m.onnx"
    assert run("train", data["table"], "--labels", labels, "-o", out) == 0
    captured = capsys.readouterr()
    assert "3 of 12 tracks have no label and were left out" in captured.err
    for genre in ("ambient", "dance", "folk"):
        assert f"{genre}_003.wav" in captured.err
    assert "9 tracks (9 rows)" in captured.out
    result = train(data["table"], labels, out)
    assert sorted(os.path.basename(p) for p in result.report.dropped) == [
        "ambient_003.wav",
        "dance_003.wav",
        "folk_003.wav",
    ]
    # an empty label counts as missing
    blank = write_labels(
        tmp_path / "blank.csv", data["tracks"], label=lambda g: "" if g == "folk" else g
    )
    assert len(train(data["table"], blank, out).report.dropped) == 4


def test_a_single_class(data, tmp_path, capsys):
    labels = write_labels(tmp_path / "one.csv", data["tracks"], label=lambda g: "rock")
    out = tmp_path / "one.onnx"
    fails(
        capsys, "train", data["table"], "--labels", labels, "-o", out, match="two or more classes"
    )
    assert not out.exists()


def test_unknown_model_and_parameter(data, tmp_path, capsys):
    out = tmp_path / "m.onnx"
    out.write_bytes(b"previous model")
    args = ["train", data["table"], "--labels", data["labels"], "-o", out]
    fails(capsys, *args, "--model", "xgb", match="model='xgb' is not a model kind")
    fails(capsys, *args, "--model", "rf", "--param", "trees=3", match="no parameter 'trees'")
    assert out.read_bytes() == b"previous model"  # nothing written half-way
    with pytest.raises(genrefx.ParameterError, match="model='xgb'"):
        train(data["table"], data["labels"], out, model="xgb")


def test_too_few_tracks_per_class(data, tmp_path, capsys):
    few = [t for t in data["tracks"] if t[1] != "folk" or t[0].endswith("_000.wav")]
    labels = write_labels(tmp_path / "few.csv", few)
    fails(
        capsys, "train", data["table"], "--labels", labels, "-o", tmp_path / "m.onnx",
        match="class 'folk' has 1 track(s); grouped cross-validation needs at least 2 tracks",
    )  # fmt: skip
    # the same with artists: each folk track of the labels is by one artist
    fails(
        capsys, "train", data["table"], "--labels", labels, "--group-column", "artist",
        "-o", tmp_path / "m.onnx", match="class 'folk' has 1 group(s)",
    )  # fmt: skip


def test_bad_labels_files(data, tmp_path, capsys):
    args = ["train", data["table"], "-o", tmp_path / "m.onnx", "--labels"]
    fails(capsys, *args, tmp_path / "missing.csv", match="cannot read")
    fails(capsys, *args, data["labels"], "--label-column", "style", match="no column 'style'")
    fails(capsys, *args, data["labels"], "--group-column", "label", match="no column 'label'")
    fails(capsys, *args, data["labels"], "--key", "track_id", match="no column 'track_id'")
    other = write_labels(tmp_path / "other.csv", [("elsewhere.wav", "rock", "a")])
    fails(capsys, *args, other, match="no row of the table has a label")
    twice = write_labels(
        tmp_path / "twice.csv", [*data["tracks"], (data["tracks"][0][0], "x", "a")]
    )
    fails(capsys, *args, twice, match="has two different labels")
    assert not (tmp_path / "m.onnx").exists()


def test_a_table_that_does_not_match_the_model(data, tmp_path, capsys):
    paths = [p for p, _, _ in data["tracks"]]
    other = tmp_path / "other.parquet"
    assert run("batch-extract", *paths, "-o", other, "--features", "mfcc", "--stats", "mean") == 0
    fails(
        capsys, "evaluate", data["model"], other, "--labels", data["labels"],
        match="the table lacks 62 of the model's 82 feature columns",
    )  # fmt: skip
    # the same columns, but extracted with another n_fft: not the model's features
    nfft = tmp_path / "nfft.parquet"
    assert run("batch-extract", *paths, "-o", nfft, *EXTRACT, "--n-fft", "1024") == 0
    fails(
        capsys, "evaluate", data["model"], nfft, "--labels", data["labels"],
        match="n_fft=1024 (model: 2048)",
    )  # fmt: skip
    model = GenreModel.load(data["model"])
    with pytest.raises(genrefx.ParameterError, match="takes 82 columns"):
        model.predict_rows(np.zeros((2, 20), np.float32))
    # labels the model does not know
    unknown = write_labels(tmp_path / "u.csv", data["tracks"], label=lambda g: g.upper())
    fails(capsys, "evaluate", data["model"], data["table"], "--labels", unknown,
          match="are not among the model's classes")  # fmt: skip


def tiny_onnx(path, *, meta: dict | None = None) -> str:
    """A valid ONNX model (Identity on [N, 3]), with or without a genrefx metadata entry."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    if meta is not None:
        helper.set_model_props(model, meta)
    onnx.save(model, path)
    return os.fspath(path)


def test_model_files_that_are_not_genrefx_models(data, tmp_path, capsys):
    music = data["tracks"][0][0]
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(np.random.default_rng(0).bytes(3000))
    text = tmp_path / "notes.onnx"
    text.write_text("not a model\n", encoding="utf-8")
    plain = tiny_onnx(tmp_path / "plain.onnx")
    broken = tiny_onnx(tmp_path / "broken.onnx", meta={"genrefx": "{not json"})
    out = tmp_path / "p.csv"
    for model, message in [
        (garbage, "is not an ONNX model"),
        (text, "is not an ONNX model"),
        (tmp_path / "absent.onnx", "cannot read"),
        (plain, "has no genrefx metadata"),
        (broken, "genrefx metadata is not JSON"),
    ]:
        fails(capsys, "predict", model, music, "-o", out, match=message)
        fails(capsys, "evaluate", model, data["table"], "--labels", data["labels"], match=message)
        with pytest.raises(genrefx.ParameterError, match=message):
            GenreModel.load(model)
    assert not out.exists()


def test_logmel_metadata_that_does_not_fit_the_model(tmp_path):
    plain = tiny_onnx(tmp_path / "plain.onnx")
    with pytest.raises(genrefx.ParameterError, match="input has rank 2"):
        attach_logmel_metadata(plain, ["a", "b", "c"], frames=16)
    with pytest.raises(genrefx.ParameterError, match="not among"):
        attach_logmel_metadata(plain, ["a", "b", "c"], frames=16, output="nope")
    # the file is left as it was
    assert not {p.key for p in onnx.load(plain).metadata_props}


def test_predict_bad_arguments(data, tmp_path, capsys):
    music = data["tracks"][0][0]
    fails(capsys, "predict", data["model"], music, "--top-k", "0", match="top_k=0")
    fails(capsys, "predict", data["model"], tmp_path / "nothing-here", match="matches no file")
    model = GenreModel.load(data["model"])
    with pytest.raises(genrefx.ParameterError, match="neither a path nor an array"):
        model.predict([3.5])
    with pytest.raises(genrefx.ParameterError, match=r"shape \(n,\) or \(channels, n\)"):
        model.predict(np.zeros((2, 2, 100), np.float32))
    table = extract_files([music], features=FEATURES, stats=STATS)
    with pytest.raises(genrefx.ParameterError, match="lacks 1 of the model's 82"):
        genrefx.classify.evaluate(data["model"], table.drop_columns(["rms_std"]), data["labels"])
