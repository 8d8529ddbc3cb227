"""Shared fixtures and helpers for the genrefx test suite.

The tests compare genrefx against librosa 0.11 (the reference implementation) and against
independent numpy computations; nothing is only compared with itself.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Make ``import signals`` work however pytest was invoked (rootdir /work/main, testpaths
# ["tests"], default "prepend" import mode already does this; keep it explicit).
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

settings.register_profile(
    "genrefx",
    deadline=None,
    max_examples=25,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "genrefx-thorough",
    parent=settings.get_profile("genrefx"),
    max_examples=300,
    derandomize=False,
)
settings.load_profile(os.environ.get("GENREFX_HYPOTHESIS_PROFILE", "genrefx"))


def pytest_configure(config):
    # pyproject turns warnings into errors. When a hypothesis test fails, hypothesis' pytest
    # plugin imports libcst (to suggest an @example patch), which triggers this third-party
    # DeprecationWarning; as an error it turns the test failure into a pytest INTERNALERROR
    # that hides the failing example. Later ini lines take precedence.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
    )


def assert_identical(got, expected) -> None:
    """Bit-identical arrays of the same dtype and shape (NaNs in the same places)."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def rel_err(a, ref) -> float:
    """max|a - ref| / max|ref|; 0/0 is 0, and when max|ref| == 0 the result is max|a|.

    Works for real and complex arrays (the complex modulus of the difference is used).
    Shapes must match exactly (no broadcasting hides a shape bug).
    """
    a = np.asarray(a)
    ref = np.asarray(ref)
    assert a.shape == ref.shape, f"shape {a.shape} != reference shape {ref.shape}"
    if a.size == 0:
        return 0.0
    a64 = a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)
    r64 = ref.astype(np.complex128 if np.iscomplexobj(ref) else np.float64)
    if not np.all(np.isfinite(a64)):
        return float("inf")
    scale = float(np.max(np.abs(r64)))
    diff = float(np.max(np.abs(a64 - r64)))
    if scale == 0.0:
        return float(np.max(np.abs(a64)))
    return diff / scale


@pytest.fixture
def rng():
    return np.random.default_rng(0)
