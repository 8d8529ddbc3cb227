"""Top-level loading, resampling and unit conversions (genrefx.load, genrefx.resample,
genrefx.frames_to_time, genrefx.midi_to_note ...) against librosa 0.11: the same signatures, the
same numbers bit for bit, the same scalar / array types, and a ParameterError naming the argument
where librosa fails with a bare error."""

from __future__ import annotations

import inspect
import io
import os
import pathlib
import tarfile
import warnings
import zipfile

import librosa
import numpy as np
import pytest
import soundfile as sf
from hypothesis import given
from hypothesis import strategies as st

import genrefx as gx
from genrefx.batch import DecodeError
from signals import chirp, music, white_noise

# librosa.load asks audioread for its backends first, which imports modules that Python 3.11
# and 3.12 deprecate: import them once here, not as an error inside a test
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioread  # (librosa's dependency)

    audioread.available_backends()

LOADING = ["load", "get_duration", "get_samplerate", "to_mono", "resample"]
CONVERSIONS = [
    *("frames_to_time", "time_to_frames", "frames_to_samples", "samples_to_frames"),
    *("samples_to_time", "time_to_samples", "times_like", "samples_like"),
    *("blocks_to_frames", "blocks_to_samples", "blocks_to_time", "db_to_power"),
    *("db_to_amplitude", "hz_to_midi", "midi_to_hz", "note_to_midi", "midi_to_note"),
    *("hz_to_note", "hz_to_octs", "octs_to_hz", "A4_to_tuning", "tuning_to_A4", "magphase"),
    *("A_weighting", "B_weighting", "C_weighting", "D_weighting", "Z_weighting"),
    *("frequency_weighting", "multi_frequency_weighting", "perceptual_weighting"),
    *("tempo_frequencies", "fourier_tempo_frequencies"),
]
SOXR = ["soxr_vhq", "soxr_hq", "soxr_mq", "soxr_lq", "soxr_qq"]
RES_TYPES = [*SOXR, "fft", "scipy", "polyphase"]


def same(got, expected) -> None:
    """``got`` is ``expected``: the same type (numpy scalar types included), dtype, shape and
    bits (NaN where NaN), element by element for tuples."""
    assert type(got) is type(expected), f"type {type(got)} != {type(expected)}"
    if isinstance(expected, tuple | list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            same(g, e)
    elif isinstance(expected, np.ndarray | np.generic):
        assert got.dtype == expected.dtype, f"dtype {got.dtype} != {expected.dtype}"
        assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
        if expected.dtype.kind in "US":
            assert np.array_equal(got, expected)
        else:
            g, e = np.ascontiguousarray(got), np.ascontiguousarray(expected)
            assert g.tobytes() == e.tobytes(), f"values differ: {got!r} != {expected!r}"
    else:
        assert got == expected, f"{got!r} != {expected!r}"


def both(name: str, *args, **kwargs):
    """(genrefx's result, librosa's result) of ``name``."""
    return getattr(gx, name)(*args, **kwargs), getattr(librosa, name)(*args, **kwargs)


def check(name: str, *args, **kwargs) -> None:
    got, expected = both(name, *args, **kwargs)
    same(got, expected)


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LOADING + CONVERSIONS)
def test_signature_is_librosas(name):
    def parameters(f):
        return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(f).parameters.values()]

    assert parameters(getattr(gx, name)) == parameters(getattr(librosa, name))
    assert name in gx.__all__
    assert f"librosa.{name}" in getattr(gx, name).__doc__


# --- audio files ----------------------------------------------------------------------------------

# (format, subtype, rate, channels): the encodings a dataset holds
FILES = [
    ("WAV", "PCM_16", 22050, 1),
    ("WAV", "PCM_16", 44100, 2),
    ("WAV", "PCM_24", 48000, 2),
    ("WAV", "PCM_U8", 8000, 1),
    ("WAV", "FLOAT", 22050, 2),
    ("WAV", "DOUBLE", 8000, 3),
    ("FLAC", "PCM_16", 44100, 1),
    ("FLAC", "PCM_24", 22050, 2),
    ("FLAC", "PCM_S8", 48000, 2),
    ("OGG", "VORBIS", 44100, 2),
    ("OGG", "VORBIS", 8000, 1),
    ("MP3", "MPEG_LAYER_III", 22050, 2),
]


def _frames(rate: int, channels: int, seconds: float = 0.4) -> np.ndarray:
    """(n, channels) audio in [-1, 1]: music, noise and a sweep."""
    n = round(seconds * rate)
    parts = [
        music(n_samples=n, sr=rate, seed=5, dtype=np.float64),
        white_noise(seconds, rate, seed=6, dtype=np.float64, amp=0.2)[:n],
        chirp(50.0, rate / 2.5, seconds, rate, dtype=np.float64)[:n],
    ]
    return np.clip(np.stack(parts[:channels], axis=1), -1.0, 1.0)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple, str]:
    folder = tmp_path_factory.mktemp("audio")
    paths = {}
    for fmt, subtype, rate, channels in FILES:
        ext = {"WAV": "wav", "FLAC": "flac", "OGG": "ogg", "MP3": "mp3"}[fmt]
        path = folder / f"{subtype.lower()}_{rate}_{channels}.{ext}"
        sf.write(path, _frames(rate, channels), rate, subtype=subtype, format=fmt)
        paths[(fmt, subtype, rate, channels)] = str(path)
    return paths


LOAD_ARGUMENTS = [
    {},
    {"sr": None},
    {"mono": False},
    {"mono": False, "sr": None},
    {"dtype": np.float64},
    {"dtype": np.float64, "mono": False, "sr": 16000},
    {"offset": 0.05, "duration": 0.2},
    {"offset": 0.1, "sr": None, "mono": False},
    {"duration": 0.013, "sr": 44100},
    {"sr": 16000.0},
    {"sr": np.int64(11025)},
    {"sr": 8000.5},
    {"duration": 0.0},
    {"duration": 100.0},
]


@pytest.mark.parametrize("key", FILES, ids=lambda k: f"{k[0]}-{k[1]}-{k[2]}-{k[3]}ch")
def test_load_equals_librosa(files, key):
    path = files[key]
    for kwargs in LOAD_ARGUMENTS:
        got, expected = gx.load(path, **kwargs), librosa.load(path, **kwargs)
        same(got, expected)


@pytest.mark.parametrize("res_type", RES_TYPES)
def test_load_with_each_res_type_equals_librosa(files, res_type):
    for key, sr in [(("WAV", "PCM_24", 48000, 2), 22050), (("FLAC", "PCM_16", 44100, 1), 16000)]:
        for mono in (True, False):
            kwargs = {"sr": sr, "mono": mono, "res_type": res_type}
            same(gx.load(files[key], **kwargs), librosa.load(files[key], **kwargs))


def test_load_integer_samples_as_librosa(files):
    path = files[("WAV", "PCM_16", 44100, 2)]
    for dtype in (np.int16, np.int32, "int16"):
        same(
            gx.load(path, sr=None, mono=False, dtype=dtype),
            librosa.load(path, sr=None, mono=False, dtype=dtype),
        )
    # librosa averages and resamples floating-point samples only
    for kwargs in ({"sr": None}, {"mono": False}):
        with pytest.raises(librosa.util.exceptions.ParameterError):
            librosa.load(path, dtype=np.int16, **kwargs)
        with pytest.raises(gx.ParameterError, match="dtype"):
            gx.load(path, dtype=np.int16, **kwargs)


def test_load_from_other_kinds_of_path(files):
    path = files[("FLAC", "PCM_24", 22050, 2)]
    expected = librosa.load(path, sr=16000, mono=False)
    same(gx.load(pathlib.Path(path), sr=16000, mono=False), expected)
    same(gx.load(os.fsencode(path), sr=16000, mono=False), expected)
    with open(path, "rb") as f:
        same(gx.load(io.BytesIO(f.read()), sr=16000, mono=False), expected)
    with open(path, "rb") as f:
        same(gx.load(f, sr=16000, mono=False), expected)
    fd = os.open(path, os.O_RDONLY)  # (soundfile closes it)
    same(gx.load(fd, sr=16000, mono=False), expected)
    # a SoundFile is read from where it stands, and closed (as librosa)
    for lib in (gx, librosa):
        f = sf.SoundFile(path)
        f.seek(1000)
        y, _ = lib.load(f, sr=None, mono=False)
        assert f.closed
        if lib is gx:
            got = y
    same(got, y)
    assert got.shape == (2, f.frames - 1000)


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_load_an_archive_member(files, tmp_path, kind):
    path = files[("OGG", "VORBIS", 44100, 2)]
    archive = tmp_path / f"set.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as z:
            z.write(path, "blues/a.ogg")
    else:
        with tarfile.open(archive, "w:gz") as t:
            t.add(path, "blues/a.ogg")
    member = f"{archive}::blues/a.ogg"
    same(gx.load(member, offset=0.1), librosa.load(path, offset=0.1))
    same(gx.load(member, sr=None, mono=False), librosa.load(path, sr=None, mono=False))
    assert gx.get_duration(path=member) == librosa.get_duration(path=path)
    assert gx.get_samplerate(member) == 44100
    with pytest.raises(FileNotFoundError):
        gx.load(f"{archive}::blues/missing.ogg")


def test_load_offset_past_the_end_is_empty(files):
    path = files[("WAV", "PCM_16", 44100, 2)]
    with warnings.catch_warnings():  # librosa: soundfile fails, audioread reads nothing
        warnings.simplefilter("ignore")
        expected = librosa.load(path, offset=10.0)
    same(gx.load(path, offset=10.0), expected)
    # (librosa's audioread gives shape (0,) here; genrefx keeps the channels axis)
    y, sr = gx.load(path, offset=10.0, sr=None, mono=False)
    assert (y.shape, y.dtype, sr) == ((2, 0), np.float32, 44100)


def test_load_errors(files, tmp_path):
    missing = str(tmp_path / "missing.wav")
    with pytest.raises(FileNotFoundError, match=r"missing\.wav"):
        gx.load(missing)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 50)
    with pytest.raises(DecodeError, match=r"garbage\.wav"):
        gx.load(str(garbage))
    # from a file object librosa raises soundfile's error; genrefx its DecodeError
    with pytest.raises(sf.LibsndfileError):
        librosa.load(io.BytesIO(b"not audio" * 20))
    with pytest.raises(DecodeError, match="BytesIO"):
        gx.load(io.BytesIO(b"not audio" * 20))
    with pytest.raises(DecodeError):
        gx.get_duration(path=str(garbage))
    with pytest.raises(DecodeError):
        gx.get_samplerate(str(garbage))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"offset": -0.1}, "offset"),  # librosa: audioread from the start
        ({"offset": float("nan")}, "offset"),
        ({"duration": -0.5}, "duration"),  # librosa: the whole file
        ({"duration": float("inf")}, "duration"),
        ({"dtype": np.float16}, "dtype"),
        ({"dtype": "complex64"}, "dtype"),
        ({"sr": 0}, "sr"),
        ({"sr": -8000}, "sr"),
        ({"res_type": "kaiser_best"}, "res_type"),
        ({"res_type": "sinc_fastest"}, "res_type"),
        ({"res_type": "soxr_xq"}, "res_type"),
    ],
)
def test_load_bad_arguments(files, kwargs, name):
    with pytest.raises(gx.ParameterError, match=name):
        gx.load(files[("WAV", "PCM_16", 44100, 2)], **kwargs)


def test_res_type_is_only_looked_at_when_resampling(files):
    # librosa calls resampy only when the rates differ: GTZAN-style code passing
    # res_type="kaiser_fast" for 22050 Hz files works without resampy
    path = files[("WAV", "PCM_16", 22050, 1)]
    same(gx.load(path, res_type="kaiser_fast"), librosa.load(path, res_type="kaiser_fast"))
    same(gx.load(path, sr=None, res_type="bogus"), librosa.load(path, sr=None, res_type="bogus"))
    with pytest.raises(gx.ParameterError, match="resampy"):
        gx.load(path, sr=16000, res_type="kaiser_fast")


def test_load_of_non_finite_samples_is_a_parameter_error(tmp_path):
    path = tmp_path / "nan.wav"
    y = np.zeros((100, 2), dtype=np.float32)
    y[10, 1] = np.nan
    sf.write(path, y, 8000, subtype="FLOAT")
    with pytest.raises(librosa.util.exceptions.ParameterError):
        librosa.load(path)
    with pytest.raises(gx.ParameterError, match="finite"):
        gx.load(path)
    same(gx.load(path, sr=None, mono=False), librosa.load(path, sr=None, mono=False))


# --- get_duration, get_samplerate -----------------------------------------------------------------


def test_get_duration_and_samplerate_of_files(files):
    for key, path in files.items():
        assert type(gx.get_duration(path=path)) is float
        assert gx.get_duration(path=path) == librosa.get_duration(path=path)
        same(gx.get_samplerate(path), librosa.get_samplerate(path))
        assert gx.get_samplerate(path) == key[2]
    path = files[("FLAC", "PCM_16", 44100, 1)]
    with open(path, "rb") as f:
        data = f.read()
    assert gx.get_duration(path=io.BytesIO(data)) == librosa.get_duration(path=io.BytesIO(data))
    assert gx.get_samplerate(io.BytesIO(data)) == 44100
    with sf.SoundFile(path) as f:
        same(gx.get_samplerate(f), librosa.get_samplerate(f))
        assert gx.get_duration(path=f) == f.frames / 44100
    with pytest.warns(FutureWarning, match="filename"):
        assert gx.get_duration(filename=path) == librosa.get_duration(path=path)


@pytest.mark.parametrize("n_fft", [2048, 512, 255])
@pytest.mark.parametrize("hop_length", [512, 100])
@pytest.mark.parametrize("center", [True, False])
def test_get_duration_of_arrays(n_fft, hop_length, center):
    y = np.zeros((2, 3, 10001), dtype=np.float32)
    S = np.zeros((2, 1 + n_fft // 2, 37))
    for sr in (22050, 8000.0, np.float32(44100), 11025):
        check("get_duration", y=y, sr=sr)
        kw = {"sr": sr, "n_fft": n_fft, "hop_length": hop_length, "center": center}
        check("get_duration", S=S, **kw)
        check("get_duration", S=S[..., :1], **kw)  # negative when centred, as librosa
        # y before S, as librosa's code (its docstring says S before y)
        assert gx.get_duration(y=y, S=S, **kw) == 10001 / sr
        check("get_duration", y=y, S=S, **kw)


def test_get_duration_bad_arguments():
    with pytest.raises(gx.ParameterError, match="path must be provided"):
        gx.get_duration()
    with pytest.raises(gx.ParameterError, match="sr"):
        gx.get_duration(y=np.zeros(10), sr=0)
    with pytest.raises(gx.ParameterError, match="y"):
        gx.get_duration(y=np.float32(3.0))
    with pytest.raises(gx.ParameterError, match="hop_length"):
        gx.get_duration(S=np.zeros((5, 5)), hop_length="512")


# --- to_mono, resample ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return music(n_samples=3001, seed=9, dtype=np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_mono(audio, dtype):
    y = np.stack([audio, audio[::-1], 0.5 * audio]).astype(dtype)
    check("to_mono", y)
    check("to_mono", y[:2])
    check("to_mono", y.reshape(3, 1, -1))
    check("to_mono", np.stack([y, y[::-1]]))  # (2, 3, n)
    check("to_mono", np.asfortranarray(y))
    check("to_mono", y[:, :0])
    row = y[0]
    assert gx.to_mono(row) is row


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0.0, 1.0], "ndarray"),
        (np.arange(4), "floating"),
        (np.ones(4, dtype=np.complex64), "floating"),
        (np.array(1.0), "one-dimensional"),
        (np.array([[0.0, np.inf]]), "finite"),
    ],
)
@pytest.mark.parametrize("name", ["to_mono", "resample"])
def test_to_mono_and_resample_of_invalid_audio(y, match, name):
    kwargs = {"orig_sr": 22050, "target_sr": 8000} if name == "resample" else {}
    with pytest.raises(librosa.util.exceptions.ParameterError):
        getattr(librosa, name)(y, **kwargs)
    with pytest.raises(gx.ParameterError, match=r"^y .*" + match):
        getattr(gx, name)(y, **kwargs)


RATES = [(22050, 8000), (44100, 22050), (8000, 22050), (48000, 22050), (22050, 16000)]


@pytest.mark.parametrize("res_type", RES_TYPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_resample_equals_librosa(audio, res_type, dtype):
    y = audio.astype(dtype)
    for orig_sr, target_sr in RATES:
        for n in (999, 1000):
            kw = {"orig_sr": orig_sr, "target_sr": target_sr, "res_type": res_type}
            check("resample", y[:n], **kw)
            check("resample", y[:n], fix=False, **kw)
    kw = {"orig_sr": 22050, "target_sr": 16000, "res_type": res_type}
    stereo = np.stack([y, -y[::-1]])
    check("resample", stereo, **kw)
    check("resample", stereo, scale=True, **kw)
    check("resample", stereo.T.copy(), axis=0, **kw)
    check("resample", np.stack([stereo, stereo[::-1]], axis=1)[..., :999], axis=-1, **kw)
    check("resample", np.stack([stereo.T, stereo.T[::-1]], axis=1), axis=0, **kw)
    check("resample", y[:999], mode="edge", **kw)  # np.pad's mode, as librosa's fix_length
    check("resample", y[:1], **kw)
    for empty in (y[:0], stereo[:, :0]):
        if res_type in ("fft", "scipy"):  # librosa: scipy's error (ValueError before 1.16)
            with pytest.raises((ZeroDivisionError, ValueError)):
                librosa.resample(empty, **kw)
            same(gx.resample(empty, **kw), empty.copy())
        else:
            check("resample", empty, **kw)


def test_resample_non_integer_rates_and_float16(audio):
    for res_type in ["soxr_hq", "fft"]:
        check("resample", audio[:1000], orig_sr=22050, target_sr=11025.5, res_type=res_type)
        check("resample", audio[:1000], orig_sr=44100.0, target_sr=np.int32(16000))
    check("resample", audio[:1000], orig_sr=22050.0, target_sr=8000.0, res_type="polyphase")
    check("resample", audio[:1000], orig_sr=22050, target_sr=8000, res_type="soxr_HQ")
    for res_type in ["fft", "polyphase"]:
        check(
            "resample",
            audio[:1000].astype(np.float16),
            orig_sr=22050,
            target_sr=8000,
            res_type=res_type,
        )


def test_resample_equal_rates_return_y_itself(audio):
    assert gx.resample(audio, orig_sr=22050, target_sr=22050) is audio
    assert gx.resample(audio, orig_sr=22050, target_sr=22050.0, res_type="kaiser_best") is audio


def test_resample_of_no_channels():
    # (librosa: apply_along_axis's ValueError)
    y = np.zeros((0, 1000), dtype=np.float32)
    for fix, n in [(True, 363), (False, 363)]:
        out = gx.resample(y, orig_sr=22050, target_sr=8000, fix=fix)
        assert (out.shape, out.dtype) == ((0, n), np.float32)
    with pytest.raises(ValueError, match="apply_along_axis"):
        librosa.resample(y, orig_sr=22050, target_sr=8000)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"orig_sr": 0}, "orig_sr"),  # librosa: ZeroDivisionError
        ({"target_sr": 0}, "target_sr"),  # librosa: soxr's ValueError
        ({"target_sr": -1.0}, "target_sr"),
        ({"target_sr": float("nan")}, "target_sr"),
        ({"axis": 2}, "axis"),  # librosa: IndexError
        ({"axis": 1.0}, "axis"),
        ({"res_type": "kaiser_best"}, "res_type='kaiser_best' needs the resampy"),
        ({"res_type": "linear"}, "res_type='linear' needs the samplerate"),
        ({"res_type": "soxr_bogus"}, "res_type='soxr_bogus' is unknown; available: soxr_vhq"),
        ({"res_type": "SOXR_HQ"}, "res_type"),  # librosa: not 'soxr...', so resampy
        ({"res_type": None}, "res_type"),
        ({"res_type": "polyphase", "orig_sr": 22050.5}, "orig_sr=22050.5"),
    ],
)
def test_resample_bad_arguments(audio, kwargs, name):
    kw = {"orig_sr": 22050, "target_sr": 8000, **kwargs}
    with pytest.raises(gx.ParameterError, match=name):
        gx.resample(audio[:100].reshape(2, 50), **kw)


def test_resample_soxr_of_float16_is_a_parameter_error(audio):
    y = audio[:100].astype(np.float16)
    with pytest.raises((TypeError, ValueError)):  # soxr >= 0.5: TypeError; before: ValueError
        librosa.resample(y, orig_sr=22050, target_sr=8000)
    with pytest.raises(gx.ParameterError, match="float16"):
        gx.resample(y, orig_sr=22050, target_sr=8000)


@given(
    n=st.integers(1, 700),
    channels=st.integers(1, 3),
    rates=st.sampled_from([*RATES, (16000, 44100), (22050, 22049), (12345, 6789)]),
    res_type=st.sampled_from(RES_TYPES),
    seed=st.integers(0, 2**16),
)
def test_resample_property_each_channel_alone_and_librosa(n, channels, rates, res_type, seed):
    y = np.random.default_rng(seed).standard_normal((channels, n)).astype(np.float32)
    kw = {"orig_sr": rates[0], "target_sr": rates[1], "res_type": res_type}
    got = gx.resample(y, **kw)
    same(got, librosa.resample(y, **kw))
    assert got.shape[-1] == int(np.ceil(n * rates[1] / rates[0]))
    for c in range(channels):
        same(got[c], gx.resample(y[c], **kw))


# --- frames, samples, seconds, blocks -------------------------------------------------------------

INDICES = [
    3,
    np.int64(7),
    2.5,
    np.float32(4.75),
    [0, 1, 2],
    (4, 5),
    np.arange(10),
    np.arange(6, dtype=np.int32).reshape(2, 3),
    np.linspace(0, 1e4, 7),
    np.zeros(0, dtype=int),
    np.array(12),
    -3,
]


@pytest.mark.parametrize("x", INDICES, ids=repr)
def test_time_conversions_equal_librosa(x):
    for hop_length, n_fft, sr in [(512, None, 22050), (256, 2048, 44100.0), (100, 255, 8000)]:
        check("frames_to_samples", x, hop_length=hop_length, n_fft=n_fft)
        check("samples_to_frames", x, hop_length=hop_length, n_fft=n_fft)
        check("samples_to_time", x, sr=sr)
        check("time_to_samples", x, sr=sr)
        check("frames_to_time", x, sr=sr, hop_length=hop_length, n_fft=n_fft)
        check("time_to_frames", x, sr=sr, hop_length=hop_length, n_fft=n_fft)
        check("blocks_to_frames", x, block_length=16)
        check("blocks_to_samples", x, block_length=16, hop_length=hop_length)
        check("blocks_to_time", x, block_length=16, hop_length=hop_length, sr=sr)
    check("frames_to_samples", x)
    check("time_to_frames", x)


def test_samples_like_and_times_like():
    X = np.zeros((3, 1025, 17))
    for kwargs in [{}, {"hop_length": 256, "n_fft": 1024}, {"axis": 1}, {"axis": -3}]:
        check("samples_like", X, **kwargs)
        check("times_like", X, **kwargs)
        check("times_like", X, sr=8000.0, **kwargs)
    for count in [17, np.int64(5), 5.5, 0]:
        check("samples_like", count)
        check("times_like", count, sr=44100, hop_length=441)


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "match"),
    [
        ("frames_to_samples", (3,), {"hop_length": 0}, "hop_length"),
        ("samples_to_frames", (3,), {"hop_length": 0}, "hop_length"),  # librosa: 0, a warning
        ("samples_to_frames", (3,), {"hop_length": -512}, "hop_length"),
        ("frames_to_samples", (3,), {"n_fft": "2048"}, "n_fft"),
        ("samples_to_time", (3,), {"sr": 0}, "sr"),
        ("time_to_samples", ([0.5, np.nan],), {}, "times"),  # librosa: numpy's cast warning
        ("frames_to_samples", (np.inf,), {}, "frames"),
        ("frames_to_samples", ("3",), {}, "frames"),  # librosa: numpy's UFuncTypeError
        ("time_to_frames", ([1.0, "a"],), {}, "times"),
        ("frames_to_time", (3,), {"sr": -1}, "sr"),
        ("blocks_to_frames", (3,), {"block_length": 0}, "block_length"),
        ("blocks_to_time", ([1, 2],), {"block_length": 4, "hop_length": 0, "sr": 1}, "hop_length"),
        ("samples_like", (np.array(5.0),), {}, "axis=-1 is out of range"),  # librosa: IndexError
        ("samples_like", ([1, 2, 3],), {}, "X must be"),  # librosa: AttributeError
        ("times_like", ("abc",), {}, "X="),
        ("times_like", (np.zeros((2, 3)),), {"axis": 2}, "axis"),
    ],
)
def test_time_conversion_bad_arguments(name, args, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        getattr(gx, name)(*args, **kwargs)


@given(
    frames=st.lists(st.integers(-(10**6), 10**6), max_size=20),
    hop_length=st.integers(1, 4096),
    n_fft=st.one_of(st.none(), st.integers(1, 8192)),
    sr=st.sampled_from([8000, 22050, 44100.0, 16000.5]),
)
def test_time_conversions_property(frames, hop_length, n_fft, sr):
    kw = {"hop_length": hop_length, "n_fft": n_fft}
    samples = gx.frames_to_samples(frames, **kw)
    same(samples, librosa.frames_to_samples(frames, **kw))
    # a frame's first sample maps back to the frame
    np.testing.assert_array_equal(gx.samples_to_frames(samples, **kw), frames)
    same(gx.frames_to_time(frames, sr=sr, **kw), librosa.frames_to_time(frames, sr=sr, **kw))
    times = gx.frames_to_time(frames, sr=sr, **kw)
    same(gx.time_to_frames(times, sr=sr, **kw), librosa.time_to_frames(times, sr=sr, **kw))


# --- decibels, magnitude and phase ----------------------------------------------------------------


LEVELS = [
    -20.0,
    3,
    np.float32(-6.5),
    np.float64(12.25),
    np.linspace(-120, 40, 33),
    np.linspace(-80, 0, 12, dtype=np.float32).reshape(3, 4),
    np.zeros((2, 0)),
    np.array(-3.0),
    np.array([-np.inf, np.nan, np.inf]),
]


@pytest.mark.parametrize("S_db", LEVELS, ids=repr)
def test_db_to_power_and_amplitude(S_db):
    for ref in [1.0, 2.5, np.float32(0.5), np.array([[1.0], [2.0], [4.0]])]:
        if np.ndim(ref) and np.ndim(S_db) != 2:
            continue
        if np.ndim(ref) and np.shape(S_db)[0] != 3:
            continue
        check("db_to_power", S_db, ref=ref)
        check("db_to_amplitude", S_db, ref=ref)
    check("db_to_power", S_db)
    check("db_to_amplitude", S_db)


def test_db_of_a_list_is_that_of_its_array():
    with pytest.raises(TypeError):
        librosa.db_to_power([-10.0, 0.0])
    same(gx.db_to_power([-10.0, 0.0]), librosa.db_to_power(np.array([-10.0, 0.0])))
    same(gx.db_to_amplitude((-10, 0)), librosa.db_to_amplitude(np.array([-10, 0])))
    with pytest.raises(gx.ParameterError, match="S_db"):
        gx.db_to_power("-10")
    with pytest.raises(gx.ParameterError, match="ref"):
        gx.db_to_amplitude(-10.0, ref="1")


@pytest.mark.parametrize(
    "dtype", [np.complex64, np.complex128, np.float32, np.float64, np.float16, np.int64]
)
def test_magphase(dtype):
    rng = np.random.default_rng(3)
    D = rng.standard_normal((2, 9, 6)) * 10
    if np.dtype(dtype).kind == "c":
        D = D + 1j * rng.standard_normal((2, 9, 6))
    D = D.astype(dtype)
    D[0, :2] = 0
    powers = [1, 2, 0] if np.dtype(dtype).kind == "i" else [1, 2.0, 0.5, 3]
    for power in powers:
        check("magphase", D, power=power)
        check("magphase", D[0, 0, 0], power=power)
        check("magphase", D[0, 1, 1])  # a zero
    if np.dtype(dtype).kind in "cf" and dtype != np.float16:
        tiny = np.array([1e-310, -5e-324, 1e-40], dtype=dtype)  # denormal
        check("magphase", tiny)


@pytest.mark.parametrize(
    ("D", "power", "match"),
    [
        (np.array([True, False]), 1, "boolean"),  # librosa: numpy's UFuncTypeError
        (np.arange(4), 0.5, "power=0.5"),  # librosa: numpy's UFuncTypeError
        (np.arange(4), -1, "power=-1"),
        (np.array(["a"]), 1, "numeric"),
        (np.ones(3), "2", "power"),
    ],
)
def test_magphase_bad_arguments(D, power, match):
    with pytest.raises(gx.ParameterError, match=match):
        gx.magphase(D, power=power)


# --- pitch: MIDI, octaves, tuning -----------------------------------------------------------------

FREQUENCIES = [
    440,
    27.5,
    np.float32(261.63),
    np.float64(1000.0),
    [110.0, 220.0, 880.0],
    np.geomspace(20, 20000, 31),
    np.geomspace(20, 20000, 12, dtype=np.float32).reshape(3, 4),
    np.array(55.0),
    np.zeros(0),
]


@pytest.mark.parametrize("f", FREQUENCIES, ids=repr)
def test_pitch_conversions_equal_librosa(f):
    # the inverse conversions take the forward ones' results (and f itself: small values)
    small = f if np.max(f, initial=0) < 100 else np.asarray(f) / 1000
    check("hz_to_midi", f)
    for midi in (librosa.hz_to_midi(f), small):
        check("midi_to_hz", midi)
    check("A4_to_tuning", f)
    check("A4_to_tuning", f, bins_per_octave=36)
    for tuning in (librosa.A4_to_tuning(f), small):
        check("tuning_to_A4", tuning)
        check("tuning_to_A4", tuning, bins_per_octave=24)
    for tuning, bins_per_octave in [(0.0, 12), (-0.27, 12), (np.float32(0.1), 36), (1, 24)]:
        kw = {"tuning": tuning, "bins_per_octave": bins_per_octave}
        check("hz_to_octs", f, **kw)
        for octs in (librosa.hz_to_octs(f, **kw), small):
            check("octs_to_hz", octs, **kw)
    for name, x in [("midi_to_hz", 60), ("tuning_to_A4", -1), ("octs_to_hz", 4), ("hz_to_octs", 1)]:
        check(name, x)
        check(name, np.int32(x))
        check(name, np.float32(x))


def test_hz_to_midi_of_zero_and_negative_frequencies_as_librosa():
    f = np.array([0.0, -10.0, 440.0])
    with np.errstate(all="ignore"):
        same(gx.hz_to_midi(f), librosa.hz_to_midi(f))


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "match"),
    [
        ("hz_to_midi", ("440",), {}, "frequencies"),
        ("midi_to_hz", ([60, None],), {}, "notes"),
        ("hz_to_octs", (440.0,), {"bins_per_octave": 0}, "bins_per_octave"),  # librosa: 1/0
        ("hz_to_octs", (440.0,), {"tuning": np.nan}, "tuning"),
        ("octs_to_hz", (4.0,), {"tuning": [0.0, 0.1]}, "tuning"),  # librosa: TypeError
        ("A4_to_tuning", (440.0,), {"bins_per_octave": -12}, "bins_per_octave"),
        ("tuning_to_A4", (0.1,), {"bins_per_octave": 0}, "bins_per_octave"),
    ],
)
def test_pitch_bad_arguments(name, args, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        getattr(gx, name)(*args, **kwargs)


# --- note names -----------------------------------------------------------------------------------

NOTE_NAMES = [
    *("C4", "c4", "A4", "A#3", "Bb2", "B!2", "E♭5", "F♯-1", "G𝄪2", "A𝄫3", "D♮4", "Cb4", "B#3"),
    *("Fbb4", "G##1", "C-1", "G9", "A4+25", "A4-49", "C2-32", "E#10+7", "Db+3", "C♭♭♭4"),
]


@pytest.mark.parametrize("round_midi", [True, False])
def test_note_to_midi_equals_librosa(round_midi):
    for name in NOTE_NAMES:
        check("note_to_midi", name, round_midi=round_midi)
    check("note_to_midi", NOTE_NAMES, round_midi=round_midi)
    check("note_to_midi", tuple(NOTE_NAMES[:3]), round_midi=round_midi)
    check("note_to_midi", np.array(NOTE_NAMES[5:9]), round_midi=round_midi)
    check("note_to_midi", [], round_midi=round_midi)
    assert gx.note_to_hz(NOTE_NAMES).tolist() == gx.midi_to_hz(gx.note_to_midi(NOTE_NAMES)).tolist()


@pytest.mark.parametrize(
    ("note", "match"),
    [
        ("C", "no octave"),  # librosa: 12 (octave 0); genrefx, as its note_to_hz, asks
        ("H4", "Improper note format"),
        ("Cn4", "Improper note format"),  # librosa: KeyError
        ("C4+", "Improper note format"),
        (60, "note=60"),  # librosa: TypeError
        (["C4", "X"], "Improper note format"),
    ],
)
def test_note_to_midi_bad_names(note, match):
    with pytest.raises(gx.ParameterError, match=match):
        gx.note_to_midi(note)


# keys of every spelling route of librosa's key_to_notes: sharps and flats, 6 or more of them,
# several accidentals in the tonic, naturals, and the modes
KEYS = [
    *("C:maj", "A:min", "G:maj", "E:min", "D:major", "B:minor", "F#:maj", "F♯:min", "C#:maj"),
    *("B#:maj", "E#:min", "Gb:maj", "Eb:min", "Cb:maj", "Ab:min", "Fb:maj", "F:maj", "D:min"),
    *("C##:maj", "G𝄪:min", "Dbb:maj", "B𝄫:min", "Cbbb:maj", "An:min", "C♮:maj", "e:min"),
    *("D:dorian", "E:phrygian", "F:lydian", "G:mixolydian", "A:aeolian", "B:locrian"),
    *("C:ionian", "Eb:dor", "F#:phr", "Bb:lyd", "C#:mix", "Ab:aeo", "G#:loc", "Cbb:dorian"),
]
MIDI = np.concatenate([np.arange(-14.0, 140.0, 1.0), [60.3, 60.5, 61.5, 59.51, 71.49, -0.5]])


@pytest.mark.parametrize("key", KEYS)
def test_midi_to_note_equals_librosa_in_every_key(key):
    for unicode in (True, False):
        check("midi_to_note", MIDI, key=key, unicode=unicode)
    check("midi_to_note", MIDI[60:75], key=key, octave=False)
    check("midi_to_note", MIDI[-8:], key=key, cents=True)


def test_midi_to_note_scalars_and_shapes():
    for midi in [60, 61.7, np.float32(58.2), np.int64(0), -1, 127.5, np.array(69.0)]:
        for kwargs in [{}, {"cents": True}, {"octave": False}, {"unicode": False, "cents": True}]:
            check("midi_to_note", midi, **kwargs)
    check("midi_to_note", [[60, 61], [62.5, 70]], cents=True)
    check("midi_to_note", range(60, 72), key="Db:maj")
    for f in [440.0, 261.63, np.float32(30.87), [55.0, 110.0, 233.08], np.array(1000.0)]:
        check("hz_to_note", f)
        check("hz_to_note", f, cents=True, key="F:min", unicode=False)
    empty = gx.midi_to_note(np.zeros((2, 0)))  # (librosa: np.vectorize's ValueError)
    assert (empty.shape, empty.dtype) == ((2, 0), np.dtype("<U1"))


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "match"),
    [
        ("midi_to_note", (60,), {"cents": True, "octave": False}, "Cannot encode cents"),
        ("midi_to_note", (60,), {"key": "H:maj"}, "Improper key format"),
        ("midi_to_note", (60,), {"key": "C:blues"}, "Improper key format"),
        ("midi_to_note", (60,), {"key": 0}, "key=0"),
        ("midi_to_note", (np.nan,), {}, "midi must be finite"),  # librosa: ValueError
        ("midi_to_note", ([60, np.inf],), {}, "midi must be finite"),  # librosa: OverflowError
        ("midi_to_note", ("C4",), {}, "midi must be numeric"),
        ("hz_to_note", (0.0,), {}, "frequencies must be positive"),  # librosa: OverflowError
        ("hz_to_note", ([440.0, -1.0],), {}, "frequencies must be positive"),
        ("hz_to_note", (440.0,), {"key": "X"}, "Improper key format"),
    ],
)
def test_note_name_bad_arguments(name, args, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        getattr(gx, name)(*args, **kwargs)


@given(
    midi=st.floats(-20, 140, allow_nan=False),
    key=st.sampled_from(KEYS),
    unicode=st.booleans(),
)
def test_note_name_property_spelling_keeps_the_pitch_class(midi, key, unicode):
    name = gx.midi_to_note(midi, key=key, unicode=unicode)
    assert name == librosa.midi_to_note(midi, key=key, unicode=unicode)
    # any key's spelling names the same pitch class (librosa's octave number follows the MIDI
    # number, not the letter: "B♯3" is written "B♯4" for MIDI 60)
    assert gx.note_to_midi(name) % 12 == round(midi) % 12


# --- frequency weightings -------------------------------------------------------------------------

WEIGHTED = [
    1000.0,
    20,
    np.float32(100.0),
    [31.5, 63.0, 125.0],
    np.geomspace(10, 20000, 40),
    np.geomspace(10, 20000, 12, dtype=np.float32).reshape(3, 4),
    np.linspace(0, 11025, 1025),  # fft_frequencies: 0 Hz first
    -np.geomspace(10, 100, 4),
]


@pytest.mark.parametrize("f", WEIGHTED, ids=lambda f: repr(f)[:40])
def test_weightings_equal_librosa(f):
    for kind in "ABCD":
        for min_db in [-80.0, None, -10, np.float32(-40.0)]:
            with warnings.catch_warnings():  # librosa warns dividing by 0 Hz
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = getattr(librosa, f"{kind}_weighting")(f, min_db=min_db)
                expected_fw = librosa.frequency_weighting(f, kind=kind.lower(), min_db=min_db)
            with warnings.catch_warnings():  # genrefx does not
                warnings.simplefilter("error")
                same(getattr(gx, f"{kind}_weighting")(f, min_db=min_db), expected)
                same(gx.frequency_weighting(f, kind=kind.lower(), min_db=min_db), expected_fw)
    if np.ndim(f) == 1:
        for kwargs in [{}, {"min_db": -3.0}, {"kinds": ["a", "B", None, "Z"]}]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = librosa.multi_frequency_weighting(f, **kwargs)
            same(gx.multi_frequency_weighting(f, **kwargs), expected)


def test_z_weighting_as_librosa():
    for f in [[1.0, 2.0], np.arange(5.0), np.zeros((3, 4)), np.zeros(0)]:
        for min_db in [None, -10.0, 3.0]:
            check("Z_weighting", f, min_db=min_db)
            check("frequency_weighting", f, kind=None, min_db=min_db)
            check("frequency_weighting", f, kind="z", min_db=min_db)
    with pytest.raises(TypeError):
        librosa.Z_weighting(440.0)
    with pytest.raises(gx.ParameterError, match=r"frequencies=440\.0"):
        gx.Z_weighting(440.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_perceptual_weighting_equals_librosa(dtype):
    freqs = librosa.fft_frequencies(sr=22050, n_fft=64)
    S = (np.random.default_rng(4).random((2, freqs.size, 11)) ** 3).astype(dtype)
    cqt_freqs = librosa.cqt_frequencies(n_bins=33, fmin=32.7)
    S_cqt = (np.random.default_rng(5).random((33, 7)) ** 2).astype(dtype)
    cases = [
        (S, freqs, {}),
        (S[0], freqs, {"kind": "C"}),
        (S, freqs, {"kind": None, "ref": np.max, "top_db": None}),
        (S, freqs, {"kind": "d", "amin": 1e-6, "top_db": 40.0, "ref": 0.5}),
        (S_cqt, cqt_freqs, {"kind": "B"}),
    ]
    for S_in, f, kwargs in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = librosa.perceptual_weighting(S_in, f, **kwargs)
        same(gx.perceptual_weighting(S_in, f, **kwargs), expected)


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "match"),
    [
        ("frequency_weighting", ([100.0],), {"kind": "E"}, "kind='E'"),  # librosa: KeyError
        ("frequency_weighting", ([100.0],), {"kind": 1}, "kind=1"),
        ("multi_frequency_weighting", ([100.0],), {"kinds": []}, "kinds"),  # librosa: ValueError
        ("multi_frequency_weighting", (np.ones((2, 3)),), {}, "one-dimensional"),
        ("A_weighting", ("100",), {}, "frequencies"),
        ("perceptual_weighting", (np.ones((5, 3)), np.ones(4)), {}, "frequencies gives 4"),
        ("perceptual_weighting", (np.ones((5, 3)), np.ones(5)), {"amin": 0}, "amin"),
    ],
)
def test_weighting_bad_arguments(name, args, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        getattr(gx, name)(*args, **kwargs)


# --- tempo frequencies ----------------------------------------------------------------------------


def test_tempo_frequencies_equal_librosa():
    for n_bins in [1, 2, 384, np.int64(50), 7.0]:
        for kwargs in [{}, {"hop_length": 256, "sr": 44100}, {"hop_length": 441, "sr": 8000.5}]:
            check("tempo_frequencies", n_bins, **kwargs)
    for kwargs in [{}, {"win_length": 1}, {"win_length": 385, "hop_length": 256, "sr": 44100.0}]:
        check("fourier_tempo_frequencies", **kwargs)


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "match"),
    [
        ("tempo_frequencies", (0,), {}, "n_bins"),  # librosa: IndexError
        ("tempo_frequencies", (-3,), {}, "n_bins"),  # librosa: ValueError
        ("tempo_frequencies", (4.5,), {}, "n_bins"),  # librosa: a broadcasting ValueError
        ("tempo_frequencies", (8,), {"hop_length": 0}, "hop_length"),
        ("tempo_frequencies", (8,), {"sr": "22050"}, "sr"),
        ("fourier_tempo_frequencies", (), {"win_length": 0}, "win_length"),
        ("fourier_tempo_frequencies", (), {"win_length": 384.0}, "win_length"),
        ("fourier_tempo_frequencies", (), {"hop_length": 0}, "hop_length"),  # ZeroDivisionError
    ],
)
def test_tempo_frequency_bad_arguments(name, args, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        getattr(gx, name)(*args, **kwargs)
