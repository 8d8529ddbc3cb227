"""Summary statistics (``genrefx.batch.summary.summarize``, the core's ``row_stats``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from genrefx.batch.summary import STATS, summarize


def reference(x: np.ndarray) -> np.ndarray:
    xd = x.astype(np.float64)
    with warnings.catch_warnings():  # scipy < 1.11 warns of one-frame rows' precision loss
        warnings.simplefilter("ignore", RuntimeWarning)
        skew, kurtosis = scipy.stats.skew(xd, axis=1), scipy.stats.kurtosis(xd, axis=1)
    return np.concatenate(
        [
            xd.mean(1),
            xd.std(1),
            skew,
            kurtosis,
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


def _row(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(n)
    if kind == "half zeros":  # a segment with silence: its mel rows
        x[: n // 2] = 0.0
    elif kind == "signed zeros":  # the min (or max) is a zero of either sign
        x = np.where(rng.random(n) < 0.5, -0.0, 0.0)
        x[: n // 3] = np.abs(rng.standard_normal(n // 3)) * rng.choice([-1, 1])
    elif kind == "few values":
        x = np.round(x)
    elif kind == "wide range":  # keys spread over many exponents
        x = x * np.exp(10 * rng.standard_normal(n))
    elif kind == "narrow range":  # all in one exponent: a few key bits
        x = 1.0 + 1e-6 * x
    return x


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 2600),
    kind=st.sampled_from(
        ["normal", "half zeros", "signed zeros", "few values", "wide range", "narrow range"]
    ),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_median_min_max_are_exactly_numpys(n, kind, dtype, seed):
    # the median's buckets span the row's [min, max] in ~n buckets: every row length (small
    # ones with few buckets, large with 2048) and shape of distribution
    rng = np.random.default_rng(seed)
    x = np.stack([_row(kind, n, rng) for _ in range(3)]).astype(dtype)
    got = summarize(x, ["median", "min", "max"])
    ref = np.concatenate([np.median(x, axis=1), x.min(1), x.max(1)]).astype(np.float32)
    np.testing.assert_array_equal(got, ref)


def test_nan_rows_do_not_break_the_core():
    # not finite: no defined statistics, but no out-of-bounds access either (the sanitizer run
    # checks this test too)
    x = np.tile(np.array([np.nan, 1.0, 2.0, 3.0], np.float32), (2, 300))
    assert summarize(x, STATS).shape == (2 * len(STATS),)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [33, 1000, 4097])
def test_constant_rows_have_their_value_and_no_spread(dtype, n):
    # float64 rows whose sum rounds (0.1 * n): the mean is off by a few ulps, every centred
    # value is the same tiny d != 0, and skew / kurtosis came out +-1 / -2 instead of 0
    x = np.empty((3, n), dtype)
    x[0], x[1], x[2] = 0.1, 1e6 / 3, -7.3e-5
    got = summarize(x, ["skew", "kurtosis", "std", "var"])
    np.testing.assert_array_equal(got, np.zeros(12, np.float32))
    np.testing.assert_array_equal(summarize(x, ["mean"]), x[:, 0].astype(np.float32))
