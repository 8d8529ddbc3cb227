"""Input expansion of ``genrefx batch-extract`` / ``genrefx.batch``: files, directories
(recursive, non-audio files ignored), glob patterns, ``@list`` files, zip / tar.gz archives
read in place (row path ``ARCHIVE::MEMBER``), unusual file names, and inputs that name nothing.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import zipfile

import numpy as np
import pytest

import genrefx
from batch_fixtures import FAST, errors_path, librosa_load, read_errors, read_table, run, write_clip
from genrefx.batch import Source, expand_inputs, extract_files, load

SPACEY = "my song \u2013 take 2.wav"  # spaces and an en dash
UNICODE_DIR = "日本語 フォルダ"
UNICODE_FILE = "Ünïcødé ♫.flac"


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A folder tree with nested dirs, non-audio files, odd names and two archives.

    Returns (root, {relative name: absolute path} of the plain audio files, zip path, tar path).
    """
    root = tmp_path_factory.mktemp("inputs") / "tree"
    files = {
        "a.wav": write_clip(root / "a.wav", 1.0, seed=1),
        "sub/b.flac": write_clip(root / "sub" / "b.flac", 1.0, seed=2),
        "sub/deeper/c.ogg": write_clip(root / "sub" / "deeper" / "c.ogg", 1.0, seed=3),
        "sub/D.WAV": write_clip(root / "sub" / "D.WAV", 1.0, seed=4, subtype="PCM_16"),
        SPACEY: write_clip(root / SPACEY, 1.0, seed=5),
        f"{UNICODE_DIR}/{UNICODE_FILE}": write_clip(root / UNICODE_DIR / UNICODE_FILE, 1.0, seed=6),
    }
    # non-audio files that a directory scan must ignore
    (root / "notes.txt").write_text("not audio\n", encoding="utf-8")
    (root / "sub" / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / "sub" / "deeper" / "README").write_text("readme\n", encoding="utf-8")
    (root / "sub" / "data.npy").write_bytes(b"\x93NUMPY")

    # archives outside the tree (so a scan of the tree does not see them) ...
    arch = root.parent / "archives"
    arch.mkdir()
    zpath = arch / "pack one.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(files["a.wav"], arcname="z1.wav")
        zf.write(
            files["sub/b.flac"], arcname="inner dir/z2 ü.flac", compress_type=zipfile.ZIP_DEFLATED
        )
        zf.writestr("inner dir/", "")  # a directory entry
        zf.writestr("liner notes.txt", "not audio")
    tpath = arch / "pack.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        tf.add(files["sub/deeper/c.ogg"], arcname="t1.ogg")
        tf.add(files["a.wav"], arcname="nested/t2.wav")
        tf.add(root / "notes.txt", arcname="nested/notes.txt")
    return root, files, str(zpath), str(tpath)


def names(sources):
    return [s.name for s in sources]


def test_directory_is_recursive_and_ignores_non_audio(tree):
    root, files, _, _ = tree
    got = expand_inputs([str(root)])
    assert all(isinstance(s, Source) and s.archive == "" for s in got)
    assert sorted(names(got)) == sorted(files.values())


def test_order_is_stable_and_inputs_are_deduplicated(tree):
    root, files, _, _ = tree
    first = expand_inputs([str(root)])
    again = expand_inputs([str(root), files["a.wav"], str(root)])
    assert first == again
    assert len(set(names(first))) == len(first)


def test_glob_patterns(tree):
    root, files, _, _ = tree
    got = names(expand_inputs([str(root / "**" / "*.flac")]))
    assert sorted(got) == sorted([files["sub/b.flac"], files[f"{UNICODE_DIR}/{UNICODE_FILE}"]])
    got = names(expand_inputs([str(root / "*.wav"), str(root / "sub" / "*.WAV")]))
    assert got == [*sorted([files["a.wav"], files[SPACEY]]), files["sub/D.WAV"]]
    got = names(expand_inputs([str(root / "sub" / "deeper" / "?.ogg")]))
    assert got == [files["sub/deeper/c.ogg"]]


def test_list_file_with_comments_and_blank_lines(tree, tmp_path):
    root, files, zpath, _ = tree
    listing = tmp_path / "list.txt"
    listing.write_text(
        "\n".join(
            [
                "# a comment line",
                "",
                files["a.wav"],
                "   " + files[SPACEY] + "   ",  # surrounding whitespace is stripped
                "   # an indented comment",
                str(root / UNICODE_DIR),  # a directory
                str(root / "sub" / "*.flac"),  # a pattern
                "",
                f"{zpath}::z1.wav",  # one archive member
                "",
            ]
        ),
        encoding="utf-8",
    )
    got = names(expand_inputs([f"@{listing}"]))
    assert got == [
        files["a.wav"],
        files[SPACEY],
        files[f"{UNICODE_DIR}/{UNICODE_FILE}"],
        files["sub/b.flac"],
        f"{zpath}::z1.wav",
    ]


def test_zip_and_tar_members_are_listed_in_place(tree):
    _, _, zpath, tpath = tree
    got = expand_inputs([zpath, tpath])
    # a zip's members sorted; a compressed tar's in its own order (one forward pass)
    assert names(got) == [
        f"{zpath}::inner dir/z2 ü.flac",
        f"{zpath}::z1.wav",
        f"{tpath}::t1.ogg",
        f"{tpath}::nested/t2.wav",
    ]
    assert {s.archive for s in got} == {zpath, tpath}


def test_archive_inside_a_directory_is_expanded(tree, tmp_path):
    _, _, zpath, _ = tree
    folder = tmp_path / "with archive"
    folder.mkdir()
    inner = folder / "set.zip"
    shutil.copyfile(zpath, inner)
    write_clip(folder / "plain.wav", 1.0, seed=9)
    got = names(expand_inputs([str(folder)]))
    assert got == [
        str(folder / "plain.wav"),
        f"{inner}::inner dir/z2 ü.flac",
        f"{inner}::z1.wav",
    ]


@pytest.mark.parametrize("which", ["zip", "tar"])
def test_archive_member_decodes_like_the_original_file(tree, which):
    _, files, zpath, tpath = tree
    member, original = {
        "zip": (Source(zpath, "inner dir/z2 ü.flac"), files["sub/b.flac"]),
        "tar": (Source(tpath, "t1.ogg"), files["sub/deeper/c.ogg"]),
    }[which]
    y, sr = load(member, sr=16000, offset=0.1, duration=0.5)
    ref, ref_sr = librosa_load(original, sr=16000, offset=0.1, duration=0.5)
    assert sr == ref_sr == 16000
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, ref)


def test_cli_rows_cover_every_input_once(tree, tmp_path):
    root, files, zpath, tpath = tree
    out = tmp_path / "all.parquet"
    code = run("batch-extract", root, zpath, tpath, "-o", out, "--workers", "1", "-q", *FAST)
    assert code == 0
    table = read_table(out)
    expected = sorted(
        [
            *files.values(),
            f"{zpath}::inner dir/z2 ü.flac",
            f"{zpath}::z1.wav",
            f"{tpath}::nested/t2.wav",
            f"{tpath}::t1.ogg",
        ]
    )
    assert sorted(table.column("path").to_pylist()) == expected
    assert read_errors(out) == []
    # the same audio read from a zip member, a tar.gz member and the plain file gives the same row
    rows = {r["path"]: r for r in table.to_pylist()}
    plain = rows[files["a.wav"]]
    for member in (f"{zpath}::z1.wav", f"{tpath}::nested/t2.wav"):
        other = dict(rows[member], path=plain["path"])
        assert other == plain


def test_explicit_member_input(tree):
    _, files, zpath, _ = tree
    table = extract_files([f"{zpath}::z1.wav"], features=["rms"], stats=["mean"])
    ref = extract_files([files["a.wav"]], features=["rms"], stats=["mean"])
    assert table.column("path").to_pylist() == [f"{zpath}::z1.wav"]
    assert table.column("rms_mean").to_pylist() == ref.column("rms_mean").to_pylist()


@pytest.mark.parametrize(
    "make_input",
    [
        lambda d: str(d / "does-not-exist.wav"),
        lambda d: str(d / "nothing-here" / "**" / "*.wav"),
        lambda d: "@" + str(d / "missing-list.txt"),
    ],
    ids=["missing-file", "pattern-without-match", "missing-list-file"],
)
def test_input_that_names_nothing_is_a_usage_error(tmp_path, make_input, capsys):
    good = write_clip(tmp_path / "good.wav", 1.0)
    bad = make_input(tmp_path)
    with pytest.raises(genrefx.ParameterError, match="INPUT"):
        expand_inputs([good, bad])
    with pytest.raises(genrefx.ParameterError):
        extract_files([good, bad], errors=[])
    out = tmp_path / "out.parquet"
    assert run("batch-extract", good, bad, "-o", out, "-q") == 2
    assert "genrefx batch-extract:" in capsys.readouterr().err
    assert not out.exists()
    assert not os.path.exists(errors_path(out))


def test_unreadable_archive_is_a_usage_error(tmp_path):
    fake = tmp_path / "broken.zip"
    fake.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(genrefx.ParameterError, match="archive"):
        expand_inputs([str(fake)])
    assert run("batch-extract", fake, "-o", tmp_path / "out.parquet", "-q") == 2


def test_missing_output_or_inputs_is_a_usage_error(tmp_path, capsys):
    good = write_clip(tmp_path / "good.wav", 1.0)
    assert run("batch-extract", good) == 2
    assert run("batch-extract", "-o", tmp_path / "out.parquet") == 2
    assert run("batch-extract", good, "-o", tmp_path / "o.parquet", "--sr", "fast") == 2
    assert run("batch-extract", good, "-o", tmp_path / "o.parquet", "--features", "bpm") == 2
    assert run("batch-extract", good, "-o", tmp_path / "o.parquet", "--stats", "mode") == 2
    assert run("batch-extract", good, "-o", tmp_path / "o.parquet", "--workers", "0") == 2
    assert run("batch-extract", good, "-o", tmp_path / "o.parquet", "--segment-hop", "1") == 2
    capsys.readouterr()
    assert not (tmp_path / "o.parquet").exists()
