"""Inputs of a batch run: audio files, directories, glob patterns, ``@list`` files, and zip / tar
archives whose members are read in place (streamed to the decoder, never unpacked to disk).

Archives stay open between the members read from them: each thread of each process keeps the
last few archives it used (:data:`OPEN_ARCHIVES`), so a member costs neither a new parse of a
zip's central directory nor a new decompression of a compressed tar from its start. A worker
that reads a compressed tar's members in the archive's order reads the archive once, forward.
"""

from __future__ import annotations

import atexit
import bz2
import collections
import dataclasses
import functools
import glob
import gzip
import io
import lzma
import os
import stat
import struct
import tarfile
import threading
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from ..exceptions import ParameterError

__all__ = [
    "AUDIO_EXTENSIONS",
    "OPEN_ARCHIVES",
    "ArchiveError",
    "NotRegularFileError",
    "Source",
    "as_source",
    "close_archives",
    "expand_inputs",
    "open_source",
]

#: File name endings treated as audio when scanning directories and archives.
AUDIO_EXTENSIONS = (
    ".wav",
    ".flac",
    ".ogg",
    ".oga",
    ".opus",
    ".mp3",
    ".aif",
    ".aiff",
    ".aifc",
    ".au",
    ".snd",
    ".caf",
    ".w64",
    ".rf64",
)
_ZIP_ENDINGS = (".zip",)
_TAR_ENDINGS = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MEMBER_SEPARATOR = "::"

#: Archives kept open per thread (least recently used closed first).
OPEN_ARCHIVES = 4
#: A compressed tar's member up to this size is read whole once, so that opening it again (its
#: length first, then its samples) does not decompress the archive again from its start.
WHOLE_MEMBER_BYTES = 64 << 20

# What reading a corrupt or truncated archive can raise: zipfile and tarfile, the gzip / bz2 /
# xz streams under a tar, and the zip members' decompressors (RuntimeError: an encrypted
# member; NotImplementedError: an unsupported compression method).
_ARCHIVE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    tarfile.TarError,
)
_COMPRESSED_STREAMS = (gzip.GzipFile, bz2.BZ2File, lzma.LZMAFile)


class ArchiveError(OSError):
    """An archive, or a member of one, cannot be read (corrupt, truncated, or unsupported)."""


class NotRegularFileError(OSError):
    """An input is not a regular file: a FIFO, a device, a socket, a broken symbolic link."""


def _not_regular(path: str) -> str:
    """What ``path``, which is not a regular file or folder, is ("a FIFO" ...)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else "missing"
    except OSError as exc:  # a symbolic link loop, a permission denied on the way
        return f"not accessible ({exc.strerror or exc})"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file" if not stat.S_ISDIR(mode) else "a folder"


@dataclasses.dataclass(frozen=True, order=True)
class Source:
    """One audio input: a file, or a member of an archive.

    Attributes
    ----------
    archive : str
        The archive's path, or "" for a plain file.
    member : str
        The file's path, or the member's name inside the archive.
    error : str
        Why the input is known to be unreadable ("" when it is not): an archive found in a
        folder or by a pattern that could not be listed. Such a source is a failed input of its
        own: :func:`open_source` raises :class:`ArchiveError` with this message. Not part of
        the source's identity (equality, order, hash).
    """

    archive: str
    member: str
    error: str = dataclasses.field(default="", compare=False, repr=False)

    @property
    def name(self) -> str:
        """The row's ``path``: the file path, or ``ARCHIVE::MEMBER``.

        A file name that is not valid in the file system's encoding keeps Python's surrogate
        escapes (``os.fsdecode``), so ``os.fsencode(name)`` gives the original bytes back.
        """
        return f"{self.archive}{MEMBER_SEPARATOR}{self.member}" if self.archive else self.member


def as_source(path: str | os.PathLike) -> Source:
    """The :class:`Source` a path names: ``"ARCHIVE::MEMBER"`` (when no file has that name) is
    an archive's member, anything else a file."""
    path = os.fspath(path)
    if MEMBER_SEPARATOR in path and not os.path.exists(path):
        archive, member = path.split(MEMBER_SEPARATOR, 1)
        return Source(archive, member)
    return Source("", path)


def _is_audio(name: str) -> bool:
    return name.lower().endswith(AUDIO_EXTENSIONS)


def _is_archive(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(_ZIP_ENDINGS) or lower.endswith(_TAR_ENDINGS)


def _describe(exc: BaseException) -> str:
    """A one-line reason for an archive-reading failure."""
    first, *more = (str(exc) or type(exc).__name__).splitlines()
    text = first if not more else f"{first.rstrip(':')}: " + "; ".join(m.lstrip("- ") for m in more)
    if isinstance(exc, EOFError):
        return f"truncated ({text})"
    if isinstance(exc, zlib.error | lzma.LZMAError):
        return f"corrupt compressed data ({text})"
    return text


def _member_names(path: str) -> tuple[list[str], set[str]]:
    """The names of the files in the archive at ``path`` (each once), and those a tar holds
    more than once. Sorted, except in a compressed tar, whose members come in the archive's own
    order, the order in which one forward pass decompresses them (sorted, they would decompress
    it again from its start at every step back)."""
    if path.lower().endswith(_ZIP_ENDINGS):
        with zipfile.ZipFile(path) as zf:
            return sorted({i.filename for i in zf.infolist() if not i.is_dir()}), set()
    with tarfile.open(path) as tf:
        names = [m.name for m in tf.getmembers() if m.isfile()]
        compressed = isinstance(tf.fileobj, _COMPRESSED_STREAMS)
    twice = {n for n, k in collections.Counter(names).items() if k > 1}
    return (list(dict.fromkeys(names)) if compressed else sorted(set(names))), twice


def _archive_members(path: str, *, strict: bool) -> list[Source]:
    """The audio members of the archive at ``path`` (in :func:`_member_names`' order).

    An archive that cannot be listed is a usage error when ``strict`` (it was named), and
    otherwise (found in a folder or by a pattern) one failed input: a :class:`Source` with
    its ``error``.
    """
    try:
        names, twice = _member_names(path)
    except _ARCHIVE_ERRORS as exc:
        reason = f"not a readable archive: {_describe(exc)}"
        if strict:
            raise ParameterError(f"INPUT {path!r} is {reason}") from None
        return [Source("", path, error=reason)]
    # (a name stored twice, by tar -r / -u: which copy is meant is ambiguous; refused rather
    # than reading one silently)
    dup = "the archive holds several files of this name (appended with tar -r?): extract it"
    return [Source(path, n, error=dup if n in twice else "") for n in names if _is_audio(n)]


def _list_entries(list_path: str) -> list[str]:
    """The entries of an ``@list`` file: stripped lines, without blanks and ``#`` comments.

    Read as UTF-8 (a byte-order mark is skipped); bytes that are not UTF-8 are kept as
    surrogate escapes, as Python spells such file names.
    """
    try:
        with open(list_path, encoding="utf-8-sig", errors="surrogateescape") as f:
            lines = [line.strip() for line in f]
    except OSError as exc:
        raise ParameterError(f"INPUT '@{list_path}': cannot read the list file: {exc}") from None
    return [line for line in lines if line and not line.startswith("#")]


def _beside(folder: str, entry: str) -> str:
    """``entry`` of a list file in ``folder``: relative entries are relative to that folder,
    spelled from where the list file was named (``@music/list.txt``'s ``a.wav`` is
    ``music/a.wav``); a nested ``@list`` entry likewise."""
    if entry.startswith("@"):
        return "@" + _beside(folder, entry[1:])
    return entry if os.path.isabs(entry) or not folder else os.path.join(folder, entry)


def _expand_list(list_path: str, active: frozenset[str]) -> Iterator[Source]:
    real = os.path.realpath(list_path)
    if real in active:
        raise ParameterError(f"INPUT '@{list_path}': the list file includes itself")
    folder = os.path.dirname(list_path)
    for entry in _list_entries(list_path):
        yield from _expand_one(_beside(folder, entry), active=active | {real})


def _expand_one(
    item: str, *, from_pattern: bool = False, active: frozenset[str] = frozenset()
) -> Iterator[Source]:
    if item.startswith("@"):
        yield from _expand_list(item[1:], active)
        return
    if MEMBER_SEPARATOR in item and not os.path.exists(item):
        yield as_source(item)
        return
    if os.path.isdir(item):
        for root, dirs, files in os.walk(item):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if _is_archive(name):
                    yield from _archive_members(path, strict=False)
                elif _is_audio(name):
                    yield Source("", path)
        return
    if os.path.isfile(item):
        if _is_archive(item):
            yield from _archive_members(item, strict=not from_pattern)
        elif _is_audio(item) or not from_pattern:
            yield Source("", item)  # a file named explicitly is tried whatever its name
        return
    if os.path.lexists(item):  # a FIFO, a device, a socket, a broken symbolic link
        if not from_pattern:
            raise ParameterError(f"INPUT {item!r} is {_not_regular(item)}, not a file or folder")
        if _is_audio(item):
            yield Source("", item)  # as in a folder: a failed input that says why
        return
    matches = sorted(glob.glob(item, recursive=True))
    if not matches:
        raise ParameterError(f"INPUT {item!r} matches no file, directory or pattern")
    for match in matches:
        yield from _expand_one(match, from_pattern=True, active=active)


def _file_key(real_dir: Callable[[str], str]) -> Callable[[str], str]:
    """``os.path.realpath`` (and ``os.path.normcase``: case-folded on Windows), resolving each
    folder once: a file's own real path is only looked up when it is a symbolic link."""

    def key(path: str) -> str:
        head, tail = os.path.split(path)
        if not tail or os.path.islink(path):
            return os.path.normcase(os.path.realpath(path))
        return os.path.normcase(os.path.join(real_dir(head or os.curdir), tail))

    return key


def expand_inputs(inputs: Iterable[str]) -> list[Source]:
    """All audio inputs named by ``inputs``, in a stable order, each once.

    Inputs are files, folders (searched recursively for audio files and archives), glob
    patterns, zip / tar archives (their audio members, sorted by name; a compressed tar's in
    the archive's order, which reads it in one pass), ``ARCHIVE::MEMBER``
    and ``@list`` files: one input per line, blank lines and ``#`` comments skipped, UTF-8
    with or without a byte-order mark. A list's relative entries are relative to the list
    file's folder and spelled from where the list was named: ``@music/list.txt`` naming
    ``a.wav`` gives ``music/a.wav``, as typing ``music/a.wav`` would.

    An input met twice is kept once, with its first spelling: two spellings are the same
    input when they name the same file (``os.path.realpath``) and, in an archive, the same
    member (``music/a.wav``, ``./music/a.wav``, an absolute path and a symbolic link are one
    input).

    An archive found in a folder or by a pattern that cannot be listed (corrupt, truncated)
    does not stop the run: it becomes one failed input (a :class:`Source` whose ``error``
    :func:`open_source` raises).

    A FIFO, device, socket or broken symbolic link with an audio file's name, in a folder or
    matched by a pattern, is a failed input too (it is never opened: a FIFO would block).

    Raises
    ------
    ParameterError
        For an input that names nothing (a missing path or a pattern without match) or names
        a FIFO, a device, a socket or a broken symbolic link, an
        unreadable list file, or an archive named explicitly (or in a list) that cannot be
        listed.
    """
    real_dir = functools.cache(os.path.realpath)
    key = _file_key(real_dir)
    archive_key = functools.cache(key)
    seen: dict[tuple[str, str], Source] = {}
    for item in inputs:
        for source in _expand_one(os.fspath(item)):
            if source.archive:
                identity = (archive_key(source.archive), source.member)
            else:
                identity = (key(source.member), "")
            seen.setdefault(identity, source)
    return list(seen.values())


def open_source(source: Source) -> IO[bytes]:
    """A binary, seekable file object for ``source`` (archive members are read in place).

    The archive stays open for the next members (see :func:`close_archives`); reopened when
    the file on disk changed, in every new process, and per thread. A compressed tar's
    member of up to :data:`WHOLE_MEMBER_BYTES` is decompressed whole once, so that opening it
    again is free. (A name a tar holds twice is refused by the listing.)

    Raises
    ------
    ArchiveError
        When the archive or the member cannot be read (corrupt, truncated, unsupported), or
        ``source.error`` says so. Reading the returned member raises it too.
    FileNotFoundError
        When the file, the archive or the member is missing.
    NotRegularFileError
        When the file is a FIFO, a device, a socket or a broken symbolic link.
    """
    if source.error:
        raise ArchiveError(source.error)
    if not source.archive:
        # (opening a FIFO would wait for a writer forever)
        if os.path.lexists(source.member) and not os.path.isfile(source.member):
            raise NotRegularFileError(f"{source.member} is {_not_regular(source.member)}")
        return open(source.member, "rb")
    handles = _handles()
    archive = handles.get(source.archive)
    try:
        return handles.member(archive, source.member)
    except FileNotFoundError:
        raise
    except _ARCHIVE_ERRORS as exc:
        archive.failed()
        raise ArchiveError(f"cannot read the archive member: {_describe(exc)}") from None


def close_archives() -> None:
    """Close the archives that :func:`open_source` keeps open in this thread."""
    handles = getattr(_local, "handles", None)
    if handles is not None:
        handles.close()


class _Archive:
    """One open zip or tar archive, shared by the members read from it in one thread.

    A tar's members are indexed as they are met, reading forward from the last one met: its
    members are found without listing the whole archive first, and in the archive's order a
    compressed tar is decompressed once (a backward seek decompresses it again from its start).
    """

    def __init__(self, path: str):
        self.path = path
        self.stamp = _stamp(path)
        self.lock = threading.RLock()  # member objects may be read from another thread
        self.users = 0  # member objects open
        self.retired = self.broken = False
        self.index: dict[str, tarfile.TarInfo] = {}
        self.zip: zipfile.ZipFile | None = None
        self.tar: tarfile.TarFile | None = None
        try:
            if path.lower().endswith(_ZIP_ENDINGS):
                self.zip = zipfile.ZipFile(path)
            else:
                self.tar = tarfile.open(path)  # noqa: SIM115 - kept open, closed by retire()
        except FileNotFoundError:
            raise
        except _ARCHIVE_ERRORS as exc:
            raise ArchiveError(f"{path} is not a readable archive: {_describe(exc)}") from None
        self.compressed = self.tar is not None and isinstance(self.tar.fileobj, _COMPRESSED_STREAMS)

    def tar_member(self, name: str) -> tarfile.TarInfo:
        """The tar's file (or link to one) ``name``, reading headers forward as needed (its
        first copy; the listing refuses names stored twice)."""
        info = self.index.get(name)
        while info is None:
            found = self.tar.next()
            if found is None:
                raise FileNotFoundError(f"no member {name!r} in {self.path}")
            if found.isfile() or found.islnk() or found.issym():  # (extractfile follows links)
                self.index.setdefault(found.name, found)
                if found.name == name:
                    info = found
        return info

    def open(self, name: str) -> IO[bytes] | bytes:
        """Member ``name``: a file object, or (a small member of a compressed tar) its bytes."""
        with self.lock:
            if self.zip is not None:
                try:
                    return _Member(self.zip.open(name), self)
                except KeyError:
                    raise FileNotFoundError(f"no member {name!r} in {self.path}") from None
            info = self.tar_member(name)
            inner = self.tar.extractfile(info)
            if self.compressed and info.size <= WHOLE_MEMBER_BYTES:
                with inner:
                    data = inner.read()
                if len(data) != info.size:
                    raise EOFError(f"{len(data)} of the member's {info.size} bytes")
                return data
            return _Member(inner, self)

    def failed(self) -> None:
        """A member could not be read: a tar's shared stream may be unusable (it is opened
        again next time); a zip's other members are unaffected."""
        if self.tar is not None:
            self.broken = True

    def retire(self) -> None:
        """Close the archive now, or when its last open member is closed."""
        with self.lock:
            self.retired = True
            if self.users == 0:
                (self.zip or self.tar).close()

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.retired and self.users == 0:
                (self.zip or self.tar).close()


def _stamp(path: str) -> tuple[int, int, int, int]:
    """What tells that the file at ``path`` changed (replaced or rewritten)."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class _Handles:
    """The archives open in one thread of one process, least recently used first, and the
    last compressed-tar member read whole."""

    def __init__(self):
        self.pid = os.getpid()
        self.archives: collections.OrderedDict[str, _Archive] = collections.OrderedDict()
        self.last: tuple[_Archive, str, bytes] | None = None
        _ALL_HANDLES.add(self)

    def get(self, path: str) -> _Archive:
        """The open archive at ``path``: the kept one if the file is unchanged, else a new one."""
        archive = self.archives.pop(path, None)
        if archive is not None and (archive.broken or archive.stamp != _stamp(path)):
            archive.retire()
            archive = None
        if archive is None:
            while len(self.archives) >= OPEN_ARCHIVES:
                self.archives.popitem(last=False)[1].retire()
            archive = _Archive(path)
        self.archives[path] = archive
        return archive

    def member(self, archive: _Archive, name: str) -> IO[bytes]:
        if self.last is not None and self.last[0] is archive and self.last[1] == name:
            return io.BytesIO(self.last[2])
        opened = archive.open(name)
        if isinstance(opened, bytes):
            self.last = (archive, name, opened)
            return io.BytesIO(opened)
        return opened

    def close(self) -> None:
        archives = list(self.archives.values())
        self.archives.clear()
        self.last = None
        for archive in archives:
            archive.retire()

    def __del__(self):  # a thread ended: its archives are closed (no ResourceWarning)
        self.close()


_local = threading.local()
_ALL_HANDLES: weakref.WeakSet[_Handles] = weakref.WeakSet()


def _handles() -> _Handles:
    """This thread's archives; a process started by fork does not use its parent's (their
    file offsets are shared with the parent)."""
    handles = getattr(_local, "handles", None)
    if handles is None or handles.pid != os.getpid():
        if handles is not None:
            handles.close()  # this process's copies of the parent's descriptors
        handles = _local.handles = _Handles()
    return handles


@atexit.register
def _close_all() -> None:
    for handles in list(_ALL_HANDLES):
        if handles.pid == os.getpid():
            handles.close()


class _Member(io.RawIOBase):
    """An archive member's file object: reads under the archive's lock (members of one
    archive share its file position), read failures as :class:`ArchiveError`, and the
    archive released when closed."""

    def __init__(self, inner, archive: _Archive):
        super().__init__()
        self._inner, self._archive = inner, archive
        archive.users += 1

    def readable(self):
        return True

    def seekable(self):
        return self._inner.seekable()

    def _do(self, method, *args):
        with self._archive.lock:
            try:
                return method(*args)
            except _ARCHIVE_ERRORS as exc:
                if isinstance(exc, ValueError) and self.closed:
                    raise
                self._archive.failed()
                raise ArchiveError(f"cannot read the archive member: {_describe(exc)}") from None

    def read(self, size=-1):
        return self._do(self._inner.read, size)

    def readinto(self, b):
        data = self._do(self._inner.read, len(b))
        b[: len(data)] = data
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        return self._do(self._inner.seek, offset, whence)

    def tell(self):
        return self._do(self._inner.tell)

    def close(self):
        if not self.closed:
            try:
                with self._archive.lock:
                    self._inner.close()
            finally:
                self._archive.release()
        super().close()
