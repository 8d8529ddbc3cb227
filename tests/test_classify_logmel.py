"""Bring your own ONNX model: a small conv net on log-mel patches, built with onnx.helper,
described by ``attach_logmel_metadata`` and run by ``GenreModel`` / ``genrefx predict``.

The oracle computes the same thing independently: librosa's log-mel spectrogram, the patch
rule (back-to-back patches, the last partial one dropped, a short track zero-padded to one
patch), and the net's arithmetic in numpy / scipy.
"""

from __future__ import annotations

import csv
import zipfile

import librosa
import numpy as np
import onnx
import pytest
import scipy.signal
import soundfile as sf
from onnx import TensorProto, helper, numpy_helper

from batch_fixtures import librosa_load, run
from genrefx.classify import GenreModel, attach_logmel_metadata

SPEC = {"sr": 22050, "n_fft": 1024, "hop_length": 512, "n_mels": 32, "frames": 16}
CLASSES = ["low", "high"]
SCALE = 0.01
# class "low" weighs the lower half of the mel bands up and the upper half down; "high" the
# reverse
W = np.zeros((SPEC["n_mels"], 2), np.float32)
W[: SPEC["n_mels"] // 2, 0], W[SPEC["n_mels"] // 2 :, 0] = SCALE, -SCALE
W[:, 1] = -W[:, 0]
B = np.array([0.1, -0.1], np.float32)
KERNEL = np.full((3, 3), 1 / 9, np.float32)


def conv_net(path, *, rank: int = 4, softmax: bool = True) -> str:
    """[N, 1, n_mels, frames] -> 3x3 mean filter -> mean over time -> Gemm -> Softmax; rank 3
    takes [N, n_mels, frames] without the filter; without softmax the output is logits."""
    n_mels, frames = SPEC["n_mels"], SPEC["frames"]
    shape = [None, 1, n_mels, frames] if rank == 4 else [None, n_mels, frames]
    nodes, inits = [], [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")]
    if rank == 4:
        inits.append(numpy_helper.from_array(KERNEL[None, None], "K"))
        nodes.append(helper.make_node("Conv", ["patch", "K"], ["smooth"], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("ReduceMean", ["smooth"], ["m"], axes=[3], keepdims=0))
        nodes.append(helper.make_node("Flatten", ["m"], ["bands"], axis=1))
    else:
        nodes.append(helper.make_node("ReduceMean", ["patch"], ["bands"], axes=[2], keepdims=0))
    nodes.append(helper.make_node("Gemm", ["bands", "W", "B"], ["logits"]))
    out = "logits"
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["probs"], axis=1))
        out = "probs"
    graph = helper.make_graph(
        nodes,
        "cnn",
        [helper.make_tensor_value_info("patch", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, [None, 2])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return str(path)


def oracle(y: np.ndarray, *, rank: int = 4, multilabel: bool = False) -> np.ndarray:
    frames, hop = SPEC["frames"], SPEC["hop_length"]
    y = np.pad(y, (0, max(0, (frames - 1) * hop - y.size)))
    mel = librosa.feature.melspectrogram(
        y=y, sr=SPEC["sr"], n_fft=SPEC["n_fft"], hop_length=hop, n_mels=SPEC["n_mels"]
    )
    db = librosa.power_to_db(mel)
    probabilities = []
    for k in range(db.shape[1] // frames):
        patch = db[:, k * frames : (k + 1) * frames].astype(np.float64)
        if rank == 4:
            patch = scipy.signal.convolve2d(patch, KERNEL, mode="same")
        logits = patch.mean(axis=1) @ W + B
        if multilabel:
            probabilities.append(1 / (1 + np.exp(-logits)))
        else:
            e = np.exp(logits - logits.max())
            probabilities.append(e / e.sum())
    return np.mean(probabilities, axis=0)


def low(seconds: float, seed: int = 0) -> np.ndarray:
    t = np.arange(round(seconds * SPEC["sr"])) / SPEC["sr"]
    noise = 0.01 * np.random.default_rng(seed).standard_normal(t.size)
    return (0.5 * np.sin(2 * np.pi * 110 * t) + 0.2 * np.sin(2 * np.pi * 220 * t) + noise).astype(
        np.float32
    )


def high(seconds: float, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(round(seconds * SPEC["sr"]))
    return (0.3 * np.diff(noise, prepend=0.0)).astype(np.float32)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("logmel")
    out = {}
    for name, rank, softmax in [("cnn", 4, True), ("flat", 3, True), ("logits", 4, False)]:
        path = conv_net(d / f"{name}.onnx", rank=rank, softmax=softmax)
        scores = "probabilities" if softmax else "logits"
        meta = attach_logmel_metadata(path, CLASSES, scores=scores, **SPEC)
        assert meta["output"] == ("probs" if softmax else "logits")
        out[name] = path
    return out


@pytest.mark.parametrize("seconds", [3.0, 0.2], ids=["patches", "short-track-padded"])
def test_probabilities_equal_the_oracle(models, seconds):
    cnn, flat = GenreModel.load(models["cnn"]), GenreModel.load(models["flat"])
    assert cnn.kind == "logmel_patch"
    assert cnn.classes == ("low", "high")
    for clip in (low(seconds), high(seconds)):
        np.testing.assert_allclose(cnn.predict_proba(clip)[0], oracle(clip), atol=1e-4)
        np.testing.assert_allclose(flat.predict_proba(clip)[0], oracle(clip, rank=3), atol=1e-4)
    assert list(cnn.predict([low(seconds), high(seconds, 1)])) == ["low", "high"]


def test_logits_are_mapped_to_probabilities(models, tmp_path):
    clip = low(2.0)
    softmax = GenreModel.load(models["cnn"]).predict_proba(clip)
    logits = GenreModel.load(models["logits"]).predict_proba(clip)
    np.testing.assert_allclose(logits, softmax, atol=1e-6)
    # multilabel logits: a sigmoid per class
    path = attach_logmel_metadata(
        models["logits"], CLASSES, scores="logits", multilabel=True, out=tmp_path / "ml.onnx",
        **SPEC,
    )  # fmt: skip
    model = GenreModel.load(tmp_path / "ml.onnx")
    assert path["multilabel"]
    assert model.multilabel
    np.testing.assert_allclose(
        model.predict_proba(clip)[0], oracle(clip, multilabel=True), atol=1e-4
    )
    assert model.predict(clip)[0] == ("low",)


def test_arrays_at_another_rate_are_resampled(models):
    model = GenreModel.load(models["cnn"])
    clip = low(2.0)
    at_44k = librosa.resample(clip, orig_sr=22050, target_sr=44100, res_type="soxr_hq")
    np.testing.assert_allclose(
        model.predict_proba(at_44k, sr=44100), model.predict_proba(clip), atol=1e-3
    )


def test_predict_command_runs_a_log_mel_model(models, tmp_path):
    folder = tmp_path / "music"
    folder.mkdir()
    sf.write(folder / "bass.wav", low(2.0), SPEC["sr"])
    sf.write(folder / "hiss.flac", high(2.0), SPEC["sr"])
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as zf:
        sf.write(tmp_path / "rumble.wav", low(1.0, seed=3), 44100)
        zf.write(tmp_path / "rumble.wav", arcname="rumble.wav")
    out = tmp_path / "p.csv"
    assert run("predict", models["cnn"], folder, tmp_path / "more.zip", "-o", out) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = {r["path"].rsplit("/", 1)[-1]: r for r in csv.DictReader(f)}
    assert {k: r["genre"] for k, r in rows.items()} == {
        "bass.wav": "low",
        "hiss.flac": "high",
        "more.zip::rumble.wav": "low",
    }
    assert list(rows["bass.wav"])[-2:] == ["genre_2", "prob_2"]  # top-k: at most the classes
    y, _ = librosa_load(folder / "bass.wav", sr=SPEC["sr"])
    assert float(rows["bass.wav"]["probability"]) == pytest.approx(oracle(y)[0], abs=1e-4)
