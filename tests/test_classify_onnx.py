"""Every model kind, single-label and multi-label: the exported ONNX model (run by ONNX Runtime)
gives the labels of the fitted scikit-learn Pipeline and its probabilities within 1e-4, on
held-out tracks, in float32 as the feature table stores them."""

from __future__ import annotations

import numpy as np
import onnxruntime
import pytest

from classify_fixtures import FAST_PARAMS, FEATURES, STATS, small_fit, write_labels, write_set
from genrefx.batch import extract_files
from genrefx.classify import MODELS, GenreModel, train

# a second label per genre: "calm" applies to two genres of three
MULTI = {"ambient": "ambient|calm", "dance": "dance|beat", "folk": "folk|calm"}


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    d = tmp_path_factory.mktemp("onnx")
    fit = write_set(d / "fit", 6)
    held = write_set(d / "held", 3, first_seed=100)
    options = {"features": FEATURES, "stats": STATS}
    return {
        "dir": d,
        "table": extract_files([p for p, _, _ in fit], **options),
        "held": extract_files([p for p, _, _ in held], **options),
        "labels": write_labels(d / "labels.csv", fit),
        "multi": write_labels(d / "multi.csv", fit, label=MULTI.get),
    }


def test_every_model_kind_is_tested():
    assert set(FAST_PARAMS) == set(MODELS)


@pytest.mark.parametrize("multilabel", [False, True], ids=["single", "multilabel"])
@pytest.mark.parametrize("kind", MODELS)
def test_onnx_equals_sklearn(sets, kind, multilabel):
    out = sets["dir"] / f"{kind}-{multilabel}.onnx"
    labels = sets["multi"] if multilabel else sets["labels"]
    with small_fit():
        result = train(
            sets["table"],
            labels,
            out,
            model=kind,
            multilabel=multilabel,
            params=FAST_PARAMS[kind],
        )
    model = GenreModel.load(out)
    assert model.multilabel is multilabel
    X = np.stack([sets["held"].column(c).to_numpy() for c in model.feature_columns], axis=1)
    assert X.dtype == np.float32

    expected = result.pipeline.predict_proba(X)
    got = model.predict_rows(X)
    assert got.shape == expected.shape == (X.shape[0], len(model.classes))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-4)
    assert result.export_difference <= 1e-4

    # the ONNX label output is scikit-learn's predict (for SVC too: CalibratedClassifierCV)
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (label,) = session.run(["label"], {"features": X})
    np.testing.assert_array_equal(label, result.pipeline.predict(X))

    # and the model is good on held-out tracks of these easy genres
    if not multilabel:
        truth = [t.split("/")[-2] for t in sets["held"].column("path").to_pylist()]
        predicted = [model.classes[i] for i in np.argmax(got, axis=1)]
        assert np.mean(np.array(predicted) == np.array(truth)) >= 2 / 3
