"""Summary statistics (``genrefx.batch.summary.summarize``, the core's ``row_stats``)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from genrefx.batch.summary import STATS, summarize


def reference(x: np.ndarray) -> np.ndarray:
    xd = x.astype(np.float64)
    return np.concatenate(
        [
            xd.mean(1),
            xd.std(1),
            scipy.stats.skew(xd, axis=1),
            scipy.stats.kurtosis(xd, axis=1),
            np.median(x, axis=1),
            x.min(1),
            x.max(1),
            xd.var(1),
        ]
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("frames", [1, 2, 7, 1292, 1293])
def test_statistics_match_numpy_and_scipy(dtype, frames):
    x = (np.random.default_rng(frames).standard_normal((9, frames)) ** 3).astype(dtype)
    x[0, : frames // 2] = -0.0  # signed zeros and ties
    got = summarize(x, STATS)
    ref = reference(x)
    finite = np.isfinite(ref)  # scipy gives NaN skew/kurtosis for constant rows
    np.testing.assert_allclose(got[finite], ref[finite], rtol=2e-6, atol=1e-6)
    assert np.isfinite(got).all()


def test_pieces_equal_the_joined_array():
    x = np.random.default_rng(1).standard_normal((130, 5000)).astype(np.float32)
    pieces = [x[:, :1000], x[:, 1000:4321], x[:, 4321:]]
    np.testing.assert_array_equal(summarize(pieces, STATS), summarize(x, STATS))


def test_constant_rows_give_zero_skew_and_kurtosis():
    out = summarize(np.full((3, 50), 0.25, np.float32), ["skew", "kurtosis", "std"])
    np.testing.assert_array_equal(out, np.zeros(9, np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_median_is_exactly_numpys(dtype):
    rng = np.random.default_rng(7)
    rows = [
        rng.standard_normal(1292),  # even: the two middle values from one pass
        rng.standard_normal(1293),
        np.r_[rng.uniform(0, 1, 646), rng.uniform(1e10, 2e10, 646)],  # middles in far buckets
        np.r_[np.zeros(600), np.full(692, 3.5)],  # ties at the middle
        np.r_[-np.zeros(5), np.zeros(5)],  # signed zeros
        np.array([2.0, -1.0]),
        np.full(10, 1e-30),
        rng.integers(-3, 4, 1000).astype(float),  # many equal values in one bucket
    ]
    for row in rows:
        x = row.astype(dtype)[np.newaxis]
        got = summarize(x, ["median"])
        ref = np.median(x, axis=1).astype(np.float32)
        np.testing.assert_array_equal(got, ref)
