"""``genrefx train / evaluate / predict`` end to end: batch-extract tables (Parquet and CSV,
whole tracks and segments, files and zip members), grouped cross-validation, the model's
metadata, reports, and predictions equal to the model on batch-extract's features."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import onnx
import pytest

import genrefx
from batch_fixtures import META_COLUMNS, read_table, run
from classify_fixtures import FEATURES, GENRES, STATS, write_labels, write_set, zip_tracks
from genrefx.batch import extract_files
from genrefx.batch.features import options_of
from genrefx.classify import GenreModel, evaluate, join_labels
from genrefx.classify.crossval import folds

EXTRACT = ["--features", ",".join(FEATURES), "--stats", ",".join(STATS), "--workers", "1", "-q"]


def genre_of(path: str) -> str:
    return next(g for g in GENRES if os.path.basename(path.rsplit("::", 1)[-1]).startswith(g))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("commands")
    fit = write_set(d / "fit", 6)
    # half of each genre's training tracks live in a zip archive
    fit = [t for t in fit if int(t[0][-7:-4]) % 2 == 0] + zip_tracks(
        [t for t in fit if int(t[0][-7:-4]) % 2 == 1], d / "fit.zip"
    )
    held = zip_tracks(write_set(d / "held", 2, first_seed=100), d / "held.zip")
    labels = write_labels(d / "labels.csv", fit)
    held_labels = write_labels(d / "held.csv", held)
    table = d / "fit.parquet"
    assert run("batch-extract", d / "fit", d / "fit.zip", "-o", table, *EXTRACT) == 0
    held_table = d / "held.parquet"
    assert run("batch-extract", d / "held.zip", "-o", held_table, *EXTRACT) == 0
    model = d / "model.onnx"
    assert run("train", table, "--labels", labels, "--model", "logreg", "-o", model) == 0
    return {
        "dir": d,
        "fit": fit,
        "held": held,
        "labels": labels,
        "held_labels": held_labels,
        "table": table,
        "held_table": held_table,
        "model": model,
    }


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_train_reports_and_writes_the_model(data, capsys):
    out, png = data["dir"] / "rf.onnx", data["dir"] / "rf.png"
    code = run(
        "train", data["table"], "--labels", data["labels"], "--model", "rf",
        "--param", "n_estimators=10", "--group-column", "artist", "--plot", png, "-o", out,
    )  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "cross-validation grouped by 'artist': 18 tracks (18 rows), 3 classes" in text
    assert "accuracy" in text
    assert "macro f1" in text
    assert "confusion matrix (rows: true, columns: predicted)" in text
    for genre in GENRES:
        assert genre in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    meta = json.loads({p.key: p.value for p in onnx.load(out).metadata_props}["genrefx"])
    table = read_table(data["table"])
    assert meta["kind"] == "features"
    assert meta["classes"] == list(GENRES)
    assert meta["feature_columns"] == [c for c in table.column_names if c not in META_COLUMNS]
    assert meta["extraction"] == options_of(table.schema).extraction()
    assert meta["extraction"]["features"] == list(FEATURES)
    assert meta["genrefx_version"] == genrefx.__version__
    assert meta["model"] == "rf"
    assert meta["params"] == {"n_estimators": 10}
    assert meta["cross_validation"]["folds"] >= 2


def test_evaluate_on_held_out_tracks(data, capsys):
    code = run("evaluate", data["model"], data["held_table"], "--labels", data["held_labels"])
    assert code == 0
    assert "6 tracks (6 rows), 3 classes" in capsys.readouterr().out
    report = evaluate(data["model"], data["held_table"], data["held_labels"])
    assert report.metrics["accuracy"] >= 5 / 6
    assert np.sum(report.confusion) == 6


def test_predict_csv_and_errors(data, capsys):
    broken = data["dir"] / "broken.wav"
    broken.write_bytes(b"RIFF but not really a wave file" * 10)
    out = data["dir"] / "predictions.csv"
    held = data["dir"] / "held.zip"
    code = run("predict", data["model"], held, broken, "-o", out, "--top-k", "2")
    assert code == 3  # some inputs failed, as batch-extract
    rows = read_csv(out)
    header = ["path", "genre", "probability", "genre_1", "prob_1", "genre_2", "prob_2"]
    assert list(rows[0]) == header
    assert [r["path"] for r in rows] == [p for p, _, _ in data["held"]]
    errors = read_csv(data["dir"] / "predictions.errors.csv")
    assert [e["path"] for e in errors] == [str(broken)]
    assert errors[0]["error"] == "decode"
    assert "broken.wav" in capsys.readouterr().err

    # the probabilities are the model's on batch-extract's features of the same audio
    model = GenreModel.load(data["model"])
    table = extract_files([data["dir"] / "held.zip"], **model.options.extraction())
    X = np.stack([table.column(c).to_numpy() for c in model.feature_columns], axis=1)
    expected = model.predict_rows(X)
    for row, p in zip(rows, expected, strict=True):
        order = np.argsort(-p)
        assert row["genre"] == row["genre_1"] == model.classes[order[0]]
        assert row["genre_2"] == model.classes[order[1]]
        assert float(row["probability"]) == pytest.approx(p[order[0]], abs=1e-6)
        assert float(row["prob_2"]) == pytest.approx(p[order[1]], abs=1e-6)
    correct = [r["genre"] == genre_of(r["path"]) for r in rows]
    assert np.mean(correct) >= 5 / 6


def test_predict_to_stdout(data, capsys):
    member = data["held"][0][0]
    assert run("predict", data["model"], member) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "path,genre,probability,genre_1,prob_1,genre_2,prob_2,genre_3,prob_3"
    assert lines[1].startswith(member + ",")


def test_genre_model_api_on_paths_and_arrays(data):
    model = genrefx.GenreModel.load(data["model"])
    paths = [os.path.join(data["dir"], "fit", g, f"{g}_000.wav") for g in GENRES]
    assert list(model.predict(paths)) == list(GENRES)
    arrays = [genrefx.batch.load(genrefx.batch.Source("", p))[0] for p in paths]
    np.testing.assert_allclose(
        model.predict_proba(arrays, sr=22050), model.predict_proba(paths), atol=1e-6
    )
    # an array at another rate is resampled as a file would be
    y = arrays[0]
    assert model.predict(np.stack([y, y]), sr=22050)[0] == GENRES[0]  # (channels, n)
    errors: list = []
    names, probabilities = model.track_probabilities([paths[0], np.zeros(0)], errors=errors)
    assert names == [paths[0]]
    assert probabilities.shape == (1, 3)
    assert errors[0][0] == "<array 0>"
    assert "empty" in errors[0][2]
    with pytest.raises(genrefx.ParameterError, match="<array 0>"):
        model.predict([np.zeros(0)])


def test_segment_model_averages_segments(data, tmp_path):
    table = tmp_path / "seg.parquet"
    assert run("batch-extract", data["dir"] / "fit", data["dir"] / "fit.zip", "-o", table,
               *EXTRACT, "--segment", "1.0")  == 0  # fmt: skip
    out = tmp_path / "seg.onnx"
    assert run("train", table, "--labels", data["labels"], "--model", "knn", "-o", out) == 0
    model = GenreModel.load(out)
    assert model.options.segment == 1.0
    member = data["held"][0][0]
    segments = extract_files([member], **model.options.extraction())
    assert segments.num_rows == 2  # 2.5 s: two whole 1-s windows
    X = np.stack([segments.column(c).to_numpy() for c in model.feature_columns], axis=1)
    np.testing.assert_allclose(
        model.predict_proba(member)[0], model.predict_rows(X).mean(axis=0), atol=1e-12
    )


def test_folds_never_split_a_track_or_group(data, tmp_path):
    table = tmp_path / "seg.parquet"
    assert run("batch-extract", data["dir"] / "fit", "-o", table, *EXTRACT, "--segment", "1.0") == 0
    for group_column in (None, "artist"):
        labelled = join_labels(read_table(table), data["labels"], group_column=group_column)
        assert labelled.X.shape[0] == 2 * len(set(labelled.tracks))
        splits = folds(labelled, seed=3)
        assert len(splits) >= 2
        for train_rows, test_rows in splits:
            assert not set(labelled.tracks[train_rows]) & set(labelled.tracks[test_rows])
            assert not set(labelled.groups[train_rows]) & set(labelled.groups[test_rows])
        tested = np.concatenate([t for _, t in splits])
        assert sorted(tested) == list(range(labelled.X.shape[0]))


def test_multilabel(data, tmp_path, capsys):
    labels = write_labels(
        tmp_path / "multi.csv", data["fit"], label=lambda g: f"{g}|calm" if g != "dance" else g
    )
    out = tmp_path / "multi.onnx"
    code = run("train", data["table"], "--labels", labels, "--multilabel", "-o", out)
    assert code == 0
    text = capsys.readouterr().out
    metrics = ("micro f1", "macro f1", "hamming loss", "coverage error", "[[tn, fp], [fn, tp]]")
    for metric in metrics:
        assert metric in text
    predictions = tmp_path / "p.csv"
    assert run("predict", out, data["dir"] / "held.zip", "-o", predictions) == 0
    rows = read_csv(predictions)
    assert "labels" in rows[0]
    for row in rows:
        genre = genre_of(row["path"])
        expected = {genre} | ({"calm"} if genre != "dance" else set())
        assert set(row["labels"].split("|")) == expected


def test_track_id_key(tmp_path, capsys):
    tracks = write_set(tmp_path / "fma", 3)
    renamed = []
    for i, (path, genre, artist) in enumerate(tracks, start=2):
        new = os.path.join(os.path.dirname(path), f"{i:06d}.wav")
        os.rename(path, new)
        renamed.append((i, genre, artist))
    # one more file without a numeric name: it has no track id and is left out
    os.rename(os.path.join(tmp_path, "fma", "folk", "000010.wav"), tmp_path / "fma" / "x.wav")
    labels = write_labels(tmp_path / "tracks.csv", renamed, key="track_id")
    table = tmp_path / "fma.parquet"
    assert run("batch-extract", tmp_path / "fma", "-o", table, *EXTRACT) == 0
    out = tmp_path / "fma.onnx"
    assert run("train", table, "--labels", labels, "--key", "track_id", "-o", out) == 0
    captured = capsys.readouterr()
    assert "1 of 9 tracks have no label" in captured.err
    assert "x.wav" in captured.err
    assert "8 tracks (8 rows)" in captured.out


def test_csv_table_gives_the_same_model_metadata(data, tmp_path):
    table = tmp_path / "fit.csv"
    assert run("batch-extract", data["dir"] / "fit", "-o", table, *EXTRACT) == 0
    out = tmp_path / "csv.onnx"
    assert run("train", table, "--labels", data["labels"], "-o", out) == 0
    from_parquet = GenreModel.load(data["model"]).metadata
    from_csv = GenreModel.load(out).metadata
    assert from_csv["extraction"] == from_parquet["extraction"]
    assert from_csv["feature_columns"] == from_parquet["feature_columns"]
    # a CSV table extracted with another hop length does not pass for the default one
    other = tmp_path / "hop.csv"
    code = run("batch-extract", data["dir"] / "fit", "-o", other, *EXTRACT, "--hop-length", "256")
    assert code == 0
    assert run("train", other, "--labels", data["labels"], "-o", tmp_path / "x.onnx") == 2
    assert not (tmp_path / "x.onnx").exists()
    code = run("train", other, "--labels", data["labels"], "--hop-length", "256", "-o", out)
    assert code == 0
    assert GenreModel.load(out).options.hop_length == 256
