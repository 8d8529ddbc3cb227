"""Build and runtime configuration of the core."""

from __future__ import annotations

from typing import Any

from . import _core

__all__ = ["show_config"]


def show_config(*, verbose: bool = True) -> dict[str, Any]:
    """Report the SIMD level the core dispatched to, and what else this CPU supports.

    The level is chosen once, at import: the best one the CPU supports, capped by the
    environment variable ``GENREFX_SIMD`` (``baseline``, ``avx2`` or ``avx512``).

    Parameters
    ----------
    verbose : bool
        Print the report as well as returning it.

    Returns
    -------
    dict
        ``simd`` (the level in use), ``available`` (levels this CPU supports, lowest first),
        ``cap`` (GENREFX_SIMD at import, or None), ``lanes`` (frames per SIMD block) and
        ``version``.
    """
    config = {
        "simd": _core.simd_level(),
        "available": list(_core.available_levels()),
        "cap": _core.simd_cap() or None,
        "lanes": int(_core.lanes()),
        "version": _core.__version__,
    }
    if verbose:
        for key, value in config.items():
            print(f"{key:>9}: {value}")
    return config
