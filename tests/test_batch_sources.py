"""How ``genrefx batch-extract`` reads its inputs (``genrefx.batch.sources``): archives kept
open between members (per process and thread), unreadable archives as clear errors (a failed
input when found in a folder), ``@list`` files with a byte-order mark, duplicate inputs spelled
differently, FMA track ids, and file names that are not valid UTF-8.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import shutil
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import genrefx
from batch_fixtures import FAST, clip, read_errors, read_table, run, write_clip
from genrefx.batch import Source, expand_inputs, extract_files, load
from genrefx.batch import sources as sources_module
from genrefx.batch.audio import DecodeError, seconds
from genrefx.batch.features import BatchOptions, process_source, rows_to_table
from genrefx.batch.presets import track_id, write_fma_csv
from genrefx.batch.sources import ArchiveError, close_archives, open_source


def wav_bytes(seed: int, seconds_: float = 0.25, sr: int = 8000) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, clip(seconds_, sr, seed=seed), sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def make_tar(path, members: dict[str, bytes], mode: str = "w:gz") -> str:
    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return os.fspath(path)


def make_zip(path, members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> str:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return os.fspath(path)


@pytest.fixture
def members():
    return {f"g/{i:03d}.wav": wav_bytes(i) for i in range(12)}


@pytest.fixture(autouse=True)
def fresh_archives():
    """Each test starts and ends without archives kept open by this thread."""
    close_archives()
    yield
    close_archives()


class Counter:
    """Counts calls of a wrapped method."""

    def __init__(self, monkeypatch, owner, name):
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


# 1. archives stay open between members ------------------------------------------------------


def test_zip_central_directory_is_read_once(tmp_path, members, monkeypatch):
    path = make_zip(tmp_path / "set.zip", members)
    found = expand_inputs([path])
    opened = Counter(monkeypatch, zipfile.ZipFile, "_RealGetContents")
    for source in found:
        with open_source(source) as f:
            assert f.read() == members[source.member]
    assert opened.calls == 1


def test_tar_gz_is_decompressed_once_for_members_in_order(tmp_path, members, monkeypatch):
    path = make_tar(tmp_path / "set.tar.gz", members)
    found = expand_inputs([path])
    assert [s.member for s in found] == sorted(members)
    opened = Counter(monkeypatch, gzip.GzipFile, "__init__")
    rewound = Counter(monkeypatch, gzip._GzipReader, "_rewind")
    options = BatchOptions(features=("rms",), stats=("mean",))
    for source in found:  # seconds() then load() on each: one open of the member
        rows = process_source(source, options)
        assert rows[0]["meta"][0] == source.name
    assert opened.calls == 1
    assert rewound.calls == 0


def test_tar_gz_members_are_listed_in_the_archives_order(tmp_path, members, monkeypatch):
    """A compressed tar stored out of name order (as tar stores a folder's files) is listed in
    its own order, so that reading its members in the listed order decompresses it once."""
    stored = dict(reversed(members.items()))
    path = make_tar(tmp_path / "set.tar.gz", stored)
    found = expand_inputs([path])
    assert [s.member for s in found] == list(stored)
    rewound = Counter(monkeypatch, gzip._GzipReader, "_rewind")
    for source in found:
        with open_source(source) as f:
            assert f.read() == stored[source.member]
    assert rewound.calls == 0
    plain = make_tar(tmp_path / "set.tar", stored, "w")  # plain tars seek freely: sorted
    assert [s.member for s in expand_inputs([plain])] == sorted(stored)


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_tar_members_read_in_any_order(tmp_path, members, mode):
    path = make_tar(tmp_path / f"set.{mode[2:] or 'plain'}.tar", members, mode)
    names = sorted(members)
    order = [names[i] for i in np.random.default_rng(0).permutation(len(names))]
    for name in [*order, *order[:3]]:  # backward seeks and repeated opens
        with open_source(Source(path, name)) as f:
            assert f.read() == members[name]
    with pytest.raises(FileNotFoundError, match="no member"):
        open_source(Source(path, "g/missing.wav"))
    with open_source(Source(path, names[0])) as f:  # the handle is still usable
        assert f.read() == members[names[0]]


def test_open_archives_are_bounded_and_refreshed(tmp_path, members, monkeypatch):
    monkeypatch.setattr(sources_module, "OPEN_ARCHIVES", 2)
    paths = [make_zip(tmp_path / f"s{i}.zip", members) for i in range(4)]
    for path in paths:
        with open_source(Source(path, "g/000.wav")) as f:
            f.read()
    assert len(sources_module._handles().archives) == 2
    # a member left open keeps its archive open after eviction
    kept = open_source(Source(paths[0], "g/001.wav"))
    for path in paths[1:]:
        open_source(Source(path, "g/000.wav")).close()
    assert kept.read() == members["g/001.wav"]
    kept.close()
    # an archive rewritten on disk is opened again
    other = {name: wav_bytes(100 + i) for i, name in enumerate(members)}
    make_zip(tmp_path / "s3.zip", other)
    with open_source(Source(paths[3], "g/000.wav")) as f:
        assert f.read() == other["g/000.wav"]


def _child_reads(path, names, queue):
    out = []
    for name in names:
        with open_source(Source(path, name)) as f:
            out.append(len(f.read()))
    queue.put((sources_module._handles().pid == os.getpid(), out))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_handles_are_not_shared_with_child_processes(tmp_path, members, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method")
    path = make_tar(tmp_path / "set.tar.gz", members)
    names = sorted(members)
    with open_source(Source(path, names[5])) as f:  # the parent's handle is mid-archive
        f.read()
    parent = sources_module._handles()
    context = multiprocessing.get_context(method)
    queue = context.Queue()
    child = context.Process(target=_child_reads, args=(path, names, queue))
    child.start()
    own, sizes = queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0
    assert own
    assert sizes == [len(members[n]) for n in names]
    assert sources_module._handles() is parent
    for name in names[6:]:  # the parent's handle goes on forward, unaffected
        with open_source(Source(path, name)) as f:
            assert f.read() == members[name]


def test_threads_read_one_archive_at_once(tmp_path, members):
    path = make_tar(tmp_path / "set.tar.gz", members)
    shared = open_source(Source(path, "g/000.wav"))  # read from the other threads too
    failures: list[BaseException] = []

    def work(seed):
        try:
            names = sorted(members)
            for i in np.random.default_rng(seed).permutation(len(names)):
                with open_source(Source(path, names[i])) as f:
                    assert f.read() == members[names[i]]
            shared.seek(0)
            shared.read(10)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.close()
    assert failures == []


def test_workers_read_archives_like_folders(tmp_path, members):
    folder = tmp_path / "folder"
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    path = make_tar(tmp_path / "set.tar.gz", members)
    outs = {}
    for what in (folder, path):
        out = tmp_path / f"{os.path.basename(what)}.parquet"
        args = ["--workers", "2", "--shard-size", "3", "--sr", "native"]
        assert run("batch-extract", what, "-o", out, "-q", *FAST, *args) == 0
        outs[what] = read_table(out)
    a, b = outs[folder], outs[path]
    assert [os.path.relpath(p, folder) for p in a.column("path").to_pylist()] == [
        p.split("::")[1] for p in b.column("path").to_pylist()
    ]
    assert a.drop(["path"]).equals(b.drop(["path"]))


# 2. unreadable archives --------------------------------------------------------------------


@pytest.fixture
def truncated(tmp_path, members):
    """Truncated zip, tar, tar.gz, tar.bz2 and tar.xz archives (halves of good ones)."""
    out = {}
    (tmp_path / "good").mkdir()
    for name, mode in [("t.tar", "w"), ("t.tar.gz", "w:gz"), ("t.tar.bz2", "w:bz2")]:
        out[name] = make_tar(tmp_path / "good" / name, members, mode)
    out["t.tar.xz"] = make_tar(tmp_path / "good" / "t.tar.xz", members, "w:xz")
    out["t.zip"] = make_zip(tmp_path / "good" / "t.zip", members)
    for name, path in list(out.items()):
        data = Path(path).read_bytes()
        cut = tmp_path / "bad" / name
        cut.parent.mkdir(exist_ok=True)
        cut.write_bytes(data[: len(data) // 2])
        out[name] = os.fspath(cut)
    return out


@pytest.mark.parametrize("name", ["t.tar", "t.tar.gz", "t.tar.bz2", "t.tar.xz", "t.zip"])
def test_named_truncated_archive_is_a_clear_usage_error(truncated, name, tmp_path, capsys):
    with pytest.raises(genrefx.ParameterError, match="not a readable archive"):
        expand_inputs([truncated[name]])
    assert run("batch-extract", truncated[name], "-o", tmp_path / "o.parquet", "-q") == 2
    assert "Traceback" not in capsys.readouterr().err


def test_truncated_archives_in_a_folder_are_failed_inputs(truncated, tmp_path):
    folder = os.path.dirname(truncated["t.zip"])
    good = write_clip(os.path.join(folder, "good.wav"), 0.5)
    found = expand_inputs([folder])
    assert [s.name for s in found] == [good, *sorted(truncated.values())]
    assert all(s.error.startswith("not a readable archive") for s in found[1:])
    assert all("\n" not in s.error for s in found)
    broken = {s.name: s for s in found}[truncated["t.tar.gz"]]
    with pytest.raises(ArchiveError, match="truncated"):
        open_source(broken)
    # through a pattern too; the run goes on and records each archive once
    out = tmp_path / "o.parquet"
    assert run("batch-extract", os.path.join(folder, "*"), "-o", out, "-q", *FAST) == 3
    assert read_table(out).column("path").to_pylist() == [good]
    errors = read_errors(out)
    assert [e["path"] for e in errors] == sorted(truncated.values())
    assert all("not a readable archive" in e["message"] for e in errors)


def test_corrupt_member_is_a_clear_error(tmp_path, members, capsys):
    data = b"".join(members.values())
    path = make_zip(tmp_path / "c.zip", {"x.wav": data}, zipfile.ZIP_DEFLATED)
    raw = bytearray(Path(path).read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 64] = bytes(64)  # corrupt the deflate stream
    Path(path).write_bytes(bytes(raw))
    source = expand_inputs([path])[0]
    with pytest.raises(DecodeError, match="cannot read: cannot read the archive member"):
        load(source)
    assert capsys.readouterr().err == ""  # nothing raised inside libsndfile's callbacks
    cut = make_tar(tmp_path / "c.tar.gz", {"x.wav": data})
    gz = Path(cut).read_bytes()
    Path(cut).write_bytes(gz[: len(gz) * 3 // 4])
    with pytest.raises(DecodeError, match="truncated"):
        seconds(Source(cut, "x.wav"))


# 3. @list files with a byte-order mark -----------------------------------------------------


def test_list_file_with_a_byte_order_mark(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_clip(tmp_path / "music" / "a.wav", 0.5)
    write_clip(tmp_path / "music" / "b.wav", 0.5, seed=2)
    (tmp_path / "list.txt").write_bytes("music/a.wav\r\nmusic/b.wav\r\n".encode("utf-8-sig"))
    assert [s.name for s in expand_inputs(["@list.txt"])] == ["music/a.wav", "music/b.wav"]


# 4. duplicate inputs ------------------------------------------------------------------------


def test_duplicates_are_the_same_file_whatever_the_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_clip(tmp_path / "music" / "a.wav", 0.5)
    write_clip(tmp_path / "music" / "b.wav", 0.5, seed=2)
    (tmp_path / "list.txt").write_text("music/a.wav\n./music/b.wav\n", encoding="utf-8")
    (tmp_path / "music" / "list.txt").write_text("a.wav\nb.wav\n", encoding="utf-8")
    inputs = [
        "music/a.wav",
        "./music/a.wav",
        "music",
        "@list.txt",
        "@music/list.txt",
        str(tmp_path / "music" / "a.wav"),
        "music/../music/b.wav",
    ]
    if hasattr(os, "symlink"):
        os.symlink(tmp_path / "music", tmp_path / "link")
        inputs.append("link/b.wav")
    assert [s.name for s in expand_inputs(inputs)] == ["music/a.wav", "music/b.wav"]
    out = tmp_path / "o.parquet"
    assert run("batch-extract", *inputs, "-o", out, "-q", *FAST) == 0
    assert read_table(out).column("path").to_pylist() == ["music/a.wav", "music/b.wav"]


def test_list_entries_are_spelled_from_where_the_list_was_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_clip(tmp_path / "music" / "a.wav", 0.5)
    zpath = make_zip(tmp_path / "music" / "set.zip", {"z.wav": wav_bytes(1)})
    (tmp_path / "music" / "more.txt").write_text("a.wav\n", encoding="utf-8")
    (tmp_path / "music" / "list.txt").write_text(
        f"set.zip::z.wav\n@more.txt\n{tmp_path / 'music' / 'a.wav'}\n", encoding="utf-8"
    )
    got = [s.name for s in expand_inputs(["@music/list.txt"])]
    assert got == ["music/set.zip::z.wav", "music/a.wav"]
    got = [s.name for s in expand_inputs([f"@{tmp_path / 'music' / 'list.txt'}"])]
    assert got == [f"{zpath}::z.wav", str(tmp_path / "music" / "a.wav")]
    (tmp_path / "loop.txt").write_text("@loop.txt\n", encoding="utf-8")
    with pytest.raises(genrefx.ParameterError, match="includes itself"):
        expand_inputs(["@loop.txt"])


def test_members_of_one_archive_spelled_twice_are_one_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_zip(tmp_path / "set.zip", {"z.wav": wav_bytes(1)})
    got = expand_inputs(["set.zip", "./set.zip::z.wav", f"{tmp_path / 'set.zip'}::z.wav"])
    assert [s.name for s in got] == ["set.zip::z.wav"]


# 5. FMA track ids ---------------------------------------------------------------------------


def test_fma_track_id_takes_ascii_digits_only(tmp_path):
    assert track_id("fma_large/000/000002.mp3") == 2
    assert track_id("a.zip::fma/000/000140.mp3") == 140
    for name in ["x/\u00b23.wav", "\u0663.mp3", "track 3.mp3", "-4.wav", "0x1f.wav"]:
        assert track_id(name) == name
    options = BatchOptions(sr=None, preset="fma")
    out = tmp_path / "fma.csv"
    errors = [("\u00b23.wav", "decode", "x"), ("000007.mp3", "decode", "y")]
    write_fma_csv(rows_to_table([], options), errors, os.fspath(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in lines[4:]] == ["7", "\u00b23.wav"]


# 6. file names that are not UTF-8 -----------------------------------------------------------

needs_bytes_names = pytest.mark.skipif(
    sys.platform in ("win32", "darwin") or sys.getfilesystemencoding().lower() != "utf-8",
    reason="needs a file system that takes any bytes as a name",
)


@needs_bytes_names
def test_file_names_that_are_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path / "music")
    os.mkdir(folder)
    raw = os.path.join(folder, b"caf\xe9.wav")
    sf.write(raw, clip(0.5, 8000), 8000)
    name = os.fsdecode(raw)
    found = expand_inputs([os.fsdecode(folder)])
    assert [s.name for s in found] == [name]
    assert os.fsencode(found[0].name) == raw
    y, sr = load(found[0], sr=None)
    assert sr == 8000
    assert y.size == 4000
    listing = tmp_path / "list.txt"
    listing.write_bytes(raw + b"\n")
    assert [s.name for s in expand_inputs([f"@{listing}"])] == [name]
    zpath = os.path.join(folder, b"s\xff.zip")
    shutil.copyfile(make_zip(tmp_path / "z.zip", {"z.wav": wav_bytes(1)}), zpath)
    table = extract_files([f"{os.fsdecode(zpath)}::z.wav"], features=["rms"], stats=["mean"])
    assert table.num_rows == 1


def test_tar_names_stored_twice_are_failed_inputs_and_links_open(tmp_path, members):
    """tar -r can store a name twice: which copy is meant is ambiguous, so that input fails
    with a reason instead of reading one copy silently; a member named through a link opens
    the file it links to."""
    name, other = sorted(members)[:2]
    path = str(tmp_path / "appended.tar")
    with tarfile.open(path, "w") as tf:
        for data in (members[name], members[other], b"a newer copy"):
            info = tarfile.TarInfo(name if data is not members[other] else other)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("alias.wav")
        link.type, link.linkname = tarfile.LNKTYPE, other
        tf.addfile(link)
    found = {s.member: s for s in expand_inputs([path])}
    with pytest.raises(ArchiveError, match="several files of this name"):
        open_source(found[name])
    with open_source(found[other]) as f:
        assert f.read() == members[other]
    with open_source(Source(path, "alias.wav")) as f:
        assert f.read() == members[other]
