"""Musical pitch notation, mirroring ``librosa.core.convert``'s pitch conversions and the
note-name part of ``librosa.core.notation``: Hz <-> MIDI numbers, octave numbers and tuning
deviations, and note names spelled in a key (float64, the same formulas in the same order:
librosa's numbers, bit for bit, and its scalar / array types)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any

import numpy as np

from ._validation import as_numeric, check_finite_scalar, check_positive
from .exceptions import ParameterError

__all__ = [
    "A4_to_tuning",
    "hz_to_midi",
    "hz_to_note",
    "hz_to_octs",
    "midi_to_hz",
    "midi_to_note",
    "note_to_midi",
    "octs_to_hz",
    "tuning_to_A4",
]

# librosa.core.notation.NOTE_RE and note_to_midi's accidentals (librosa's pattern also takes
# "n", which its note_to_midi then fails on with a KeyError: left out here)
_NOTE_RE = re.compile(
    r"^(?P<note>[A-Ga-g])"
    r"(?P<accidental>[#♯𝄪b!♭𝄫♮]*)"
    r"(?P<octave>[+-]?\d+)?"
    r"(?P<cents>[+-]\d+)?$"
)
_PITCHES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"#": 1, "b": -1, "!": -1, "♯": 1, "𝄪": 2, "♭": -1, "𝄫": -2, "♮": 0}


# --- MIDI numbers, octaves, tuning ---------------------------------------------------------------


def hz_to_midi(frequencies: Any) -> Any:
    """Hz to (fractional) MIDI note numbers, ``12 * (log2(f) - log2(440)) + 69``; mirrors
    ``librosa.hz_to_midi``.

    Parameters
    ----------
    frequencies : number or array_like

    Returns
    -------
    midi : np.float64 or np.ndarray
        As numpy computes ``log2`` (0 Hz gives ``-inf`` and negative frequencies NaN, with
        numpy's warnings, as in librosa).

    Raises
    ------
    ParameterError
        If ``frequencies`` is not numeric.

    See Also
    --------
    librosa.hz_to_midi : the reference implementation.
    """
    frequencies = as_numeric(frequencies, "frequencies", "biufc")
    return 12 * (np.log2(frequencies) - np.log2(440.0)) + 69


def midi_to_hz(notes: Any) -> Any:
    """MIDI note numbers to Hz, ``440 * 2 ** ((notes - 69) / 12)``; mirrors
    ``librosa.midi_to_hz``.

    Raises
    ------
    ParameterError
        If ``notes`` is not numeric.

    See Also
    --------
    librosa.midi_to_hz : the reference implementation.
    """
    notes = as_numeric(notes, "notes", "biufc")
    return 440.0 * (2.0 ** ((notes - 69.0) / 12.0))


def _a440(tuning: Any, bins_per_octave: Any) -> float:
    """The reference pitch of :func:`hz_to_octs` and :func:`octs_to_hz`, as librosa computes
    it: ``float(440 * 2 ** (tuning / bins_per_octave))``."""
    tuning = check_finite_scalar(tuning, "tuning")
    return float(440.0 * 2.0 ** (tuning / check_positive(bins_per_octave, "bins_per_octave")))


def hz_to_octs(frequencies: Any, *, tuning: float = 0.0, bins_per_octave: int = 12) -> Any:
    """Hz to octave numbers, with A4 at 4.75 (so C1 is octave 1); mirrors
    ``librosa.hz_to_octs``: ``log2(f / (A440 / 16))`` with
    ``A440 = 440 * 2 ** (tuning / bins_per_octave)``.

    Raises
    ------
    ParameterError
        If ``frequencies`` is not numeric, ``tuning`` is not a finite number or
        ``bins_per_octave`` not a positive number.

    See Also
    --------
    librosa.hz_to_octs : the reference implementation.
    """
    frequencies = as_numeric(frequencies, "frequencies", "biufc")
    return np.log2(frequencies / (_a440(tuning, bins_per_octave) / 16))


def octs_to_hz(octs: Any, *, tuning: float = 0.0, bins_per_octave: int = 12) -> Any:
    """Octave numbers to Hz, the inverse of :func:`hz_to_octs`; mirrors ``librosa.octs_to_hz``.

    Raises
    ------
    ParameterError
        As :func:`hz_to_octs`, for ``octs``.

    See Also
    --------
    librosa.octs_to_hz : the reference implementation.
    """
    octs = as_numeric(octs, "octs", "biufc")
    return (_a440(tuning, bins_per_octave) / 16) * (2.0**octs)


def A4_to_tuning(A4: Any, *, bins_per_octave: int = 12) -> Any:  # noqa: N802 (librosa's name)
    """The tuning deviation (in fractions of a bin) of a reference pitch ``A4`` in Hz,
    ``bins_per_octave * (log2(A4) - log2(440))``; mirrors ``librosa.A4_to_tuning``.

    Raises
    ------
    ParameterError
        If ``A4`` is not numeric or ``bins_per_octave`` not a positive number.

    See Also
    --------
    librosa.A4_to_tuning : the reference implementation.
    """
    A4 = as_numeric(A4, "A4", "biufc")
    return check_positive(bins_per_octave, "bins_per_octave") * (np.log2(A4) - np.log2(440.0))


def tuning_to_A4(tuning: Any, *, bins_per_octave: int = 12) -> Any:  # noqa: N802
    """The reference pitch A4 in Hz of a tuning deviation, ``440 * 2 ** (tuning /
    bins_per_octave)``; mirrors ``librosa.tuning_to_A4``.

    Raises
    ------
    ParameterError
        If ``tuning`` is not numeric or ``bins_per_octave`` not a positive number.

    See Also
    --------
    librosa.tuning_to_A4 : the reference implementation.
    """
    tuning = as_numeric(tuning, "tuning", "biufc")
    return 440.0 * 2.0 ** (tuning / check_positive(bins_per_octave, "bins_per_octave"))


# --- note names ---------------------------------------------------------------------------------


def note_to_midi(note: Any, *, round_midi: bool = True) -> Any:
    """MIDI number of a note name such as "C4", "A#3", "Gb2" or "C2-32", or an array of them
    for an iterable of names; mirrors ``librosa.note_to_midi``.

    Names are parsed by :func:`genrefx.note_to_hz`'s parser: a letter (any case), accidentals
    (``#``, ``b``, ``!``, ``♯``, ``♭``, ``𝄪``, ``𝄫``, ``♮``), the octave and optional cents.

    Parameters
    ----------
    note : str or iterable of str
    round_midi : bool
        Round to the nearest integer (dropping the cents).

    Returns
    -------
    midi : int, np.int64 / np.float64 (``round_midi=False``), or np.ndarray
        As librosa: a Python int when rounded; otherwise numpy's type of the sum (np.int64
        for a name with accidentals and no cents, else np.float64).

    Raises
    ------
    ParameterError
        If a name is not in that format, or has no octave: librosa reads "C#" as C#0, genrefx
        asks for the octave, as :func:`genrefx.note_to_hz` does (the names librosa's
        ``midi_to_note(..., octave=False)`` writes are pitch classes, not MIDI numbers).

    See Also
    --------
    librosa.note_to_midi : the reference implementation.
    """
    if not isinstance(note, str):
        try:
            names = list(note)
        except TypeError:
            raise ParameterError(
                f"note={note!r} must be a note name or an iterable of them"
            ) from None
        return np.array([note_to_midi(n, round_midi=round_midi) for n in names])
    match = _NOTE_RE.match(note)
    if not match:
        raise ParameterError(f"Improper note format: {note!r} (a note name like 'C1' or 'A#4')")
    if not match.group("octave"):
        raise ParameterError(f"note={note!r} has no octave: write e.g. {note + '0'!r}")
    # (np.sum as librosa: its type, np.int64 or np.float64 for no accidental, sets the result's)
    offset = np.sum([_ACCIDENTALS[a] for a in match.group("accidental")])
    octave = int(match.group("octave"))
    cents = int(match.group("cents")) * 1e-2 if match.group("cents") else 0
    note_value = 12 * (octave + 1) + _PITCHES[match.group("note").upper()] + offset + cents
    if round_midi:
        return int(np.round(note_value))
    return note_value


# librosa.core.notation's key and note patterns and accidentals (with "n" for natural)
_KEY_RE = re.compile(
    r"^(?P<tonic>[A-Ga-g])"
    r"(?P<accidental>[#♯𝄪b!♭𝄫♮n]*)"
    r":((?P<scale>(maj|min)(or)?)|(?P<mode>(((ion|dor|phryg|lyd|mixolyd|aeol|locr)(ian)?)|phr|mix"
    r"|aeo|loc)))$"
)
_KEY_NOTE_RE = re.compile(
    r"^(?P<note>[A-Ga-g])(?P<accidental>[#♯𝄪b!♭𝄫♮n]*)(?P<octave>[+-]?\d+)?(?P<cents>[+-]\d+)?$"
)
_PITCH_MAP = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACC_MAP = {"#": 1, "♮": 0, "": 0, "n": 0, "b": -1, "!": -1, "♯": 1, "♭": -1, "𝄪": 2, "𝄫": -2}
# the relative major of each mode's tonic (C dorian has the notes of B♭ major)
_MAJOR_DICT = {
    "ion": {"C": "C", "D": "D", "E": "E", "F": "F", "G": "G", "A": "A", "B": "B"},
    "dor": {"C": "B♭", "D": "C", "E": "D", "F": "E♭", "G": "F", "A": "G", "B": "A"},
    "phr": {"C": "A♭", "D": "B♭", "E": "C", "F": "D♭", "G": "E♭", "A": "F", "B": "G"},
    "lyd": {"C": "G", "D": "A", "E": "B", "F": "C", "G": "D", "A": "E", "B": "F♯"},
    "mix": {"C": "F", "D": "G", "E": "A", "F": "B♭", "G": "C", "A": "D", "B": "E"},
    "aeo": {"C": "E♭", "D": "F", "E": "G", "F": "A♭", "G": "B♭", "A": "C", "B": "D"},
    "loc": {"C": "D♭", "D": "E♭", "E": "F", "F": "G♭", "G": "A♭", "A": "B♭", "B": "C"},
}
_ASCII = str.maketrans({"♯": "#", "𝄪": "##", "♭": "b", "𝄫": "bb", "♮": "n"})


def _accidental_offset(accidental: str) -> int:
    counts = Counter(accidental)
    return sum(_ACC_MAP[acc] * counts[acc] for acc in _ACC_MAP)


def _note_to_degree(note: str) -> int:
    """librosa.core.notation.__note_to_degree: the pitch class of a note name."""
    match = _KEY_NOTE_RE.match(note)
    if not match:
        raise ParameterError(f"Improper key format: {note!r}")
    return (
        _PITCH_MAP[match.group("note").upper()] + _accidental_offset(match.group("accidental"))
    ) % 12


def _simplify_note(note: str, additional_acc: str = "", unicode: bool = True) -> str:
    """librosa.core.notation.__simplify_note: the letter with the fewest accidentals."""
    match = _KEY_NOTE_RE.match(note + additional_acc)
    if not match:
        raise ParameterError(f"Improper key format: {note!r}")
    offset = _accidental_offset(match.group("accidental"))
    simplified = match.group("note").upper()
    if offset >= 0:
        simplified += "♯" * (offset % 2) + "𝄪" * (offset // 2)
    else:
        simplified += "♭" * (offset % 2) + "𝄫" * (abs(offset) // 2)
    return simplified if unicode else simplified.translate(_ASCII)


def _mode_to_key(signature: str) -> str:
    """librosa.core.notation.__mode_to_key: a mode's key as its relative major."""
    match = _KEY_RE.match(signature)
    if match.group("scale") or not match.group("mode"):  # (unreachable from _key_to_notes)
        scale = ":" + match.group("scale") if match.group("scale") else ""
        return _simplify_note(match.group("tonic").upper() + match.group("accidental")) + scale
    tonic = _MAJOR_DICT[match.group("mode").lower()[:3]][match.group("tonic").upper()]
    return _simplify_note(tonic + match.group("accidental")) + ":maj"


_SHARP_CORRECTIONS = [(5, "E♯"), (0, "B♯"), (7, "F𝄪"), (2, "C𝄪"), (9, "G𝄪"), (4, "D𝄪"), (11, "A𝄪")]
_FLAT_CORRECTIONS = [(11, "C♭"), (4, "F♭"), (9, "B𝄫"), (2, "E𝄫"), (7, "A𝄫"), (0, "D𝄫")]


@functools.lru_cache(maxsize=256)
def _key_to_notes(key: str, unicode: bool = True) -> tuple[str, ...]:
    """librosa.key_to_notes(key, unicode=unicode) (natural=False): the names of the 12 pitch
    classes in ``key``, in librosa's spelling."""
    match = _KEY_RE.match(key)
    if not match:
        raise ParameterError(f"Improper key format: key={key!r} (e.g. 'C:maj', 'F#:min')")
    tonic = match.group("tonic").upper()
    offset = sum(_ACC_MAP[acc] for acc in match.group("accidental"))
    if match.group("mode") or not match.group("scale"):
        return _key_to_notes(_mode_to_key(key), unicode)
    scale = match.group("scale")[:3].lower()

    if abs(offset) >= 2:
        # several accidentals: the key one accidental less, every note raised (or lowered) by
        # one and simplified, rotated so that C's enharmonic comes first
        additional_acc = {+1: "♯", -1: "♭"}[int(np.sign(offset))]
        base = _key_to_notes(tonic + additional_acc * (abs(offset) - 1) + ":" + scale, True)
        notes = [_simplify_note(note + additional_acc) for note in base]
        degrees = np.array([_note_to_degree(note) for note in notes])
        notes = list(np.roll(notes, shift=-np.argwhere(degrees == 0)[0]))
        return tuple(str(n) if unicode else str(n).translate(_ASCII) for n in notes)

    # clockwise steps on the circle of fifths (= the number of sharps)
    if scale == "maj":
        tonic_number = ((_PITCH_MAP[tonic] + offset) * 7) % 12
    else:
        tonic_number = ((_PITCH_MAP[tonic] + offset) * 7 + 9) % 12
    # the tonic's own accidental decides; else the fewer accidentals; a tie (6) ...
    if offset < 0:
        use_sharps = False
    elif offset > 0 or 0 <= tonic_number < 6:
        use_sharps = True
    elif tonic_number > 6:
        use_sharps = False
    else:  # ... (librosa leaves use_sharps unset and fails: no key reaches this branch)
        raise ParameterError(f"key={key!r} is not supported")

    notes_sharp = ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"]
    notes_flat = ["C", "D♭", "D", "E♭", "E", "F", "G♭", "G", "A♭", "A", "B♭", "B"]
    n_sharps = 12 if tonic_number == 0 and tonic == "B" else tonic_number  # B#:maj vs C:maj
    if use_sharps:
        for index, name in _SHARP_CORRECTIONS[: max(0, n_sharps - 6 + 1)]:
            notes_sharp[index] = name
        notes = notes_sharp
    else:
        n_flats = (12 - tonic_number) % 12
        for index, name in _FLAT_CORRECTIONS[: max(0, n_flats - 6 + 1)]:
            notes_flat[index] = name
        notes = notes_flat
    return tuple(notes if unicode else (n.translate(_ASCII) for n in notes))


def _midi_to_note(midi, octave: bool, cents: bool, key: str, unicode: bool) -> str:
    """One note name, as librosa's midi_to_note computes it."""
    note_num = int(np.round(midi))
    note_cents = int(100 * np.around(midi - note_num, 2))
    note = _key_to_notes(key, unicode)[note_num % 12]
    if octave:
        note = f"{note:s}{int(note_num / 12) - 1:0d}"
    if cents:
        note = f"{note:s}{note_cents:+02d}"
    return note


# librosa vectorizes with np.vectorize, which types the result by the first name
_midi_to_notes = np.vectorize(_midi_to_note, excluded={"octave", "cents", "key", "unicode"})


def midi_to_note(
    midi: Any, *, octave: bool = True, cents: bool = False, key: str = "C:maj", unicode: bool = True
) -> Any:
    """Note names of MIDI numbers; mirrors ``librosa.midi_to_note``.

    Parameters
    ----------
    midi : number or array_like
        Rounded to the nearest integer for the name.
    octave : bool
        Append the octave number ("C4" rather than "C").
    cents : bool
        Append the deviation from the rounded number in cents ("C4+30"; needs ``octave``).
    key : str
        The key whose spelling is used ("C:maj", "F#:min", "Eb:dorian" ...; librosa's
        ``key_to_notes``): D♯ or E♭, even E♯ or C♭.
    unicode : bool
        Use ♯, ♭, 𝄪, 𝄫; else ASCII #, b, ##, bb.

    Returns
    -------
    note : str, or np.ndarray of str (``midi``'s shape) when ``midi`` is not a scalar
        An empty ``midi`` gives an empty array of dtype ``<U1`` (librosa: np.vectorize's
        ValueError).

    Raises
    ------
    ParameterError
        If ``cents`` without ``octave``, an improper ``key``, or ``midi`` is not numeric or not
        finite (librosa: Python's ValueError / OverflowError converting NaN / inf).

    See Also
    --------
    librosa.midi_to_note : the reference implementation.
    """
    if cents and not octave:
        raise ParameterError("Cannot encode cents without octave information.")
    if not isinstance(key, str):
        raise ParameterError(f"key={key!r} must be a key name such as 'C:maj'")
    _key_to_notes(key, bool(unicode))  # an improper key raises, even for an empty midi
    values = as_numeric(midi, "midi")
    if not np.isfinite(values).all():
        raise ParameterError(f"midi must be finite, got {midi!r}")
    if values.size == 0:
        return np.empty(values.shape, dtype="<U1")
    names = _midi_to_notes(midi, octave=octave, cents=cents, key=key, unicode=bool(unicode))
    return names.item() if np.isscalar(midi) else names


def hz_to_note(frequencies: Any, **kwargs: Any) -> Any:
    """Note names of frequencies in Hz, ``midi_to_note(hz_to_midi(frequencies), **kwargs)``;
    mirrors ``librosa.hz_to_note``.

    Parameters
    ----------
    frequencies : number or array_like, > 0
    **kwargs
        ``octave``, ``cents``, ``key``, ``unicode`` of :func:`midi_to_note`.

    Raises
    ------
    ParameterError
        If a frequency is not a positive finite number (librosa: numpy's warning, then an
        OverflowError or ValueError), or as :func:`midi_to_note`.

    See Also
    --------
    librosa.hz_to_note : the reference implementation.
    """
    values = as_numeric(frequencies, "frequencies")
    if not (np.isfinite(values) & (values > 0)).all():
        raise ParameterError(f"frequencies must be positive and finite, got {frequencies!r}")
    return midi_to_note(hz_to_midi(frequencies), **kwargs)
