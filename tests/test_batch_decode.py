"""``genrefx.batch.load`` decodes like ``librosa.load`` (soundfile, mean of the channels,
soxr_hq resampling, offset / duration, ``sr=None`` keeps the native rate): same rate, same
length, same samples, for the common formats, bit depths, channel counts and rates.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from batch_fixtures import librosa_load, write_clip
from genrefx.batch import DecodeError, Source, load
from genrefx.batch.audio import to_mono

# (file name, soundfile subtype, native rate, channels)
FORMATS = [
    ("u8.wav", "PCM_U8", 22050, 1),
    ("s16.wav", "PCM_16", 22050, 1),
    ("s24-stereo.wav", "PCM_24", 44100, 2),
    ("float.wav", "FLOAT", 44100, 1),
    ("stereo.flac", "PCM_16", 44100, 2),
    ("stereo.ogg", "VORBIS", 44100, 2),
    ("stereo.mp3", "MPEG_LAYER_III", 44100, 2),
    ("six-channels.wav", "PCM_16", 48000, 6),
    ("8k.wav", "PCM_16", 8000, 1),
    ("44k1.wav", "PCM_16", 44100, 1),
    ("192k.wav", "PCM_24", 192000, 1),
]

# keyword sets given to both loaders
LOADS = {
    "22050": {"sr": 22050},
    "native": {"sr": None},
    "16k-offset-duration": {"sr": 16000, "offset": 0.25, "duration": 0.5},
    "native-offset": {"sr": None, "offset": 0.4},
}


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decode")
    return {
        name: write_clip(folder / name, 1.2, sr, seed=i, channels=ch, subtype=subtype)
        for i, (name, subtype, sr, ch) in enumerate(FORMATS)
    }


def assert_same_audio(got, ref):
    y, sr = got
    y_ref, sr_ref = ref
    assert sr == sr_ref
    assert isinstance(sr, int)
    assert y.dtype == np.float32
    assert y.ndim == 1
    assert y.flags.c_contiguous
    assert y.shape == y_ref.shape
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-6)


@pytest.mark.parametrize("load_id", list(LOADS))
@pytest.mark.parametrize("name", [f[0] for f in FORMATS])
def test_load_matches_librosa(audio_files, name, load_id):
    kwargs = LOADS[load_id]
    path = audio_files[name]
    got = load(Source("", path), **kwargs)
    assert_same_audio(got, librosa_load(path, **kwargs))
    if kwargs["sr"] is None:
        native = {f[0]: f[2] for f in FORMATS}[name]
        assert got[1] == native


def test_load_takes_a_path_as_librosa_load_does(audio_files, tmp_path):
    # docs/API.md calls it "= librosa.load": a str or Path (an AttributeError before), and an
    # ARCHIVE::MEMBER name
    import os
    import pathlib
    import zipfile

    path = str(audio_files["stereo.flac"])
    expected = librosa_load(path, sr=22050)
    assert_same_audio(load(path), expected)
    assert_same_audio(load(pathlib.Path(path)), expected)
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(path, "inner/clip" + os.path.splitext(path)[1])
    member = f"{archive}::inner/clip{os.path.splitext(path)[1]}"
    assert_same_audio(load(member), expected)


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("/nonexistent/x.wav", "No such file"),
        ("/nonexistent/a.zip::x.wav", "No such file"),
        ("/dev/zero", "is a device"),
    ],
)
def test_load_of_a_bad_path_is_a_decode_error(path, match):
    with pytest.raises(DecodeError, match=match):
        load(path)


def test_multichannel_downmix_is_the_channel_mean(audio_files):
    import soundfile as sf

    path = audio_files["six-channels.wav"]
    raw, sr = sf.read(path, dtype="float32", always_2d=True)
    assert raw.shape[1] == 6
    y, got_sr = load(Source("", path), sr=None)
    assert got_sr == sr
    np.testing.assert_allclose(y, raw.mean(axis=1), rtol=0, atol=1e-7)


@pytest.mark.parametrize(
    ("n_samples", "native"),
    [(48001, 48000), (99999, 192000)],
    ids=["48k-48001", "192k-99999"],
)
def test_resampled_length_matches_librosa(tmp_path, n_samples, native):
    """librosa.resample(fix=True) returns exactly ceil(n * target / native) samples (it pads
    soxr's output with zeros); soxr alone rounds, so for these lengths it is one sample short.
    """
    path = write_clip(tmp_path / "odd.wav", 1.0, native, subtype="FLOAT", n_samples=n_samples)
    expected = int(np.ceil(n_samples * 22050 / native))
    y_ref, _ = librosa_load(path, sr=22050)
    assert y_ref.size == expected
    y, _ = load(Source("", path), sr=22050)
    assert y.size == expected, f"{y.size} samples, librosa.load gives {expected}"
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-6)


def test_duration_longer_than_the_file_reads_to_the_end(audio_files):
    path = audio_files["s16.wav"]
    got = load(Source("", path), sr=22050, offset=1.0, duration=10.0)
    assert_same_audio(got, librosa_load(path, sr=22050, offset=1.0, duration=10.0))
    assert got[0].size == round(0.2 * 22050)


def test_offset_past_the_end_is_a_decode_error(audio_files):
    with pytest.raises(DecodeError, match="no audio samples"):
        load(Source("", audio_files["s16.wav"]), offset=5.0)


@pytest.mark.parametrize("channels", range(1, 11))
def test_to_mono_is_librosa_to_mono_bit_for_bit(channels):
    rng = np.random.default_rng(channels)
    for scale in (1.0, 1e-30, 1e30):
        frames = (rng.standard_normal((4099, channels)) * scale).astype(np.float32)
        got = to_mono(frames)
        ref = librosa.to_mono(frames.T)  # librosa.load's layout: a transposed view
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got.view(np.uint32), ref.view(np.uint32))
