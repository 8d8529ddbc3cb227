"""Exceptions raised by genrefx."""

from __future__ import annotations

__all__ = ["ParameterError"]


class ParameterError(ValueError):
    """A parameter or input is invalid.

    Mirrors ``librosa.util.exceptions.ParameterError``; a subclass of :class:`ValueError` so that
    ``except ValueError`` also catches it. Messages name the offending parameter and its value.
    """
