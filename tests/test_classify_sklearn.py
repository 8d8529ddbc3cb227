"""``genrefx.sklearn.FeatureExtractor``: a scikit-learn transformer whose rows are the
batch-extract table's, that clones, takes parameters and sits in Pipelines and GridSearchCV."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import genrefx
from batch_fixtures import META_COLUMNS, feature_matrix
from classify_fixtures import FEATURES, STATS, write_set
from genrefx.batch import Source, extract_files, load
from genrefx.sklearn import FeatureExtractor


@pytest.fixture(scope="module")
def tracks(tmp_path_factory):
    return write_set(tmp_path_factory.mktemp("sk"), 4)


def test_params_and_clone():
    fx = FeatureExtractor(features=("mfcc", "rms"), n_mfcc=13)
    assert fx.get_params()["n_mfcc"] == 13
    twin = clone(fx)
    assert twin is not fx
    assert twin.get_params() == fx.get_params()
    twin.set_params(n_mfcc=20, stats=("mean",))
    assert fx.n_mfcc == 13
    assert list(twin.get_feature_names_out()) == [
        *(f"mfcc_mean_{i:02d}" for i in range(1, 21)),
        "rms_mean",
    ]
    with pytest.raises(genrefx.ParameterError, match="unknown"):
        FeatureExtractor(features=("loudness",)).fit([])


def test_rows_equal_the_batch_table(tracks):
    paths = [p for p, _, _ in tracks[:4]]
    fx = FeatureExtractor(features=FEATURES, stats=STATS)
    X = fx.fit_transform(paths)
    table = extract_files(paths, features=FEATURES, stats=STATS)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, feature_matrix(table))
    assert list(fx.get_feature_names_out()) == [
        c for c in table.column_names if c not in META_COLUMNS
    ]
    # arrays at the analysis rate give the same rows as their files (no fit needed)
    arrays = [load(Source("", p))[0] for p in paths]
    np.testing.assert_array_equal(
        FeatureExtractor(features=FEATURES, stats=STATS).transform(arrays), X
    )
    # an array (channels, n) in a list is one track, downmixed as librosa.to_mono
    stereo = np.stack([arrays[0], np.roll(arrays[1][: arrays[0].size], 5)])
    np.testing.assert_array_equal(fx.transform([stereo]), fx.transform([librosa.to_mono(stereo)]))
    # a 2-d array is a batch of clips, one per row
    n = min(a.size for a in arrays)
    batch = np.stack([a[:n] for a in arrays])
    np.testing.assert_array_equal(fx.transform(batch), fx.transform(list(batch)))


def test_inside_grid_search(tracks):
    paths = [p for p, _, _ in tracks]
    genres = [g for _, g, _ in tracks]
    artists = [a for _, _, a in tracks]
    pipe = make_pipeline(
        FeatureExtractor(features=("mfcc", "spectral_centroid"), stats=("mean", "std")),
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    )
    search = GridSearchCV(
        pipe, {"featureextractor__n_mfcc": [8, 13], "logisticregression__C": [0.1, 1.0]},
        cv=GroupKFold(2),
    )  # fmt: skip
    search.fit(paths, genres, groups=artists)
    assert set(search.best_params_) == {"featureextractor__n_mfcc", "logisticregression__C"}
    assert search.best_score_ >= 0.75
    assert list(search.predict(paths[:1])) == genres[:1]


def test_bad_inputs(tracks, tmp_path):
    fx = FeatureExtractor(features=("rms",), stats=("mean",))
    folder = str(tmp_path)
    with pytest.raises(genrefx.ParameterError, match="names 0 tracks"):
        fx.transform([folder])
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"nothing")
    with pytest.raises(genrefx.ParameterError, match=r"broken\.wav: decode"):
        fx.transform([str(broken)])
    with pytest.raises(genrefx.ParameterError, match=r"X\[0\] is a int"):
        fx.transform([3])
    with pytest.raises(genrefx.ParameterError, match="sr=None"):
        FeatureExtractor(sr=None).transform([tracks[0][0]])


def test_transform_of_one_path_says_to_give_a_list(tmp_path):
    with pytest.raises(genrefx.ParameterError, match="give a list of inputs"):
        FeatureExtractor().transform(str(tmp_path / "a.wav"))
