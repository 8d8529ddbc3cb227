"""Inputs of a batch run: audio files, directories, glob patterns, ``@list`` files, and zip / tar
archives whose members are read in place (streamed to the decoder, never unpacked to disk)."""

from __future__ import annotations

import dataclasses
import glob
import io
import os
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from ..exceptions import ParameterError

__all__ = ["AUDIO_EXTENSIONS", "Source", "expand_inputs", "open_source"]

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


@dataclasses.dataclass(frozen=True, order=True)
class Source:
    """One audio input: a file, or a member of an archive.

    Attributes
    ----------
    archive : str
        The archive's path, or "" for a plain file.
    member : str
        The file's path, or the member's name inside the archive.
    """

    archive: str
    member: str

    @property
    def name(self) -> str:
        """The row's ``path``: the file path, or ``ARCHIVE::MEMBER``."""
        return f"{self.archive}{MEMBER_SEPARATOR}{self.member}" if self.archive else self.member


def _is_audio(name: str) -> bool:
    return name.lower().endswith(AUDIO_EXTENSIONS)


def _is_archive(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(_ZIP_ENDINGS) or lower.endswith(_TAR_ENDINGS)


def _archive_members(path: str) -> list[Source]:
    lower = path.lower()
    try:
        if lower.endswith(_ZIP_ENDINGS):
            with zipfile.ZipFile(path) as zf:
                names = [i.filename for i in zf.infolist() if not i.is_dir()]
        else:
            with tarfile.open(path) as tf:
                names = [m.name for m in tf.getmembers() if m.isfile()]
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        raise ParameterError(f"INPUT {path!r} is not a readable archive: {exc}") from None
    return [Source(path, n) for n in sorted(names) if _is_audio(n)]


def _expand_one(item: str, from_pattern: bool = False) -> Iterator[Source]:
    if item.startswith("@"):
        list_path = item[1:]
        try:
            with open(list_path, encoding="utf-8") as f:
                lines = [line.strip() for line in f]
        except OSError as exc:
            raise ParameterError(f"INPUT {item!r}: cannot read the list file: {exc}") from None
        base = os.path.dirname(os.path.abspath(list_path))
        for line in lines:
            if line and not line.startswith("#"):
                # relative entries are relative to the list file's folder
                yield from _expand_one(line if os.path.isabs(line) else os.path.join(base, line))
        return
    if MEMBER_SEPARATOR in item and not os.path.exists(item):
        archive, member = item.split(MEMBER_SEPARATOR, 1)
        yield Source(archive, member)
        return
    if os.path.isdir(item):
        for root, dirs, files in os.walk(item):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if _is_archive(name):
                    yield from _archive_members(path)
                elif _is_audio(name):
                    yield Source("", path)
        return
    if os.path.isfile(item):
        if _is_archive(item):
            yield from _archive_members(item)
        elif _is_audio(item) or not from_pattern:
            yield Source("", item)  # a file named explicitly is tried whatever its name
        return
    matches = sorted(glob.glob(item, recursive=True))
    if not matches:
        raise ParameterError(f"INPUT {item!r} matches no file, directory or pattern")
    for match in matches:
        yield from _expand_one(match, from_pattern=True)


def expand_inputs(inputs: Iterable[str]) -> list[Source]:
    """All audio inputs named by ``inputs``, in a stable order, each once.

    Raises
    ------
    ParameterError
        For an input that names nothing (a missing path or a pattern without match) or an
        unreadable archive or list file.
    """
    seen: dict[Source, None] = {}
    for item in inputs:
        for source in _expand_one(os.fspath(item)):
            seen.setdefault(source, None)
    return list(seen)


def open_source(source: Source) -> IO[bytes]:
    """A binary, seekable file object for ``source`` (archive members are read in place)."""
    if not source.archive:
        return open(source.member, "rb")
    if source.archive.lower().endswith(_ZIP_ENDINGS):
        zf = zipfile.ZipFile(source.archive)
        try:
            return _Owned(zf.open(source.member), zf)
        except KeyError:
            zf.close()
            raise FileNotFoundError(f"no member {source.member!r} in {source.archive}") from None
    tf = tarfile.open(source.archive)  # noqa: SIM115 - closed by the returned object
    member = tf.extractfile(source.member)
    if member is None:
        tf.close()
        raise FileNotFoundError(f"member {source.member!r} of {source.archive} is not a file")
    return _Owned(member, tf)


class _Owned(io.RawIOBase):
    """A member's file object that also closes its archive."""

    def __init__(self, inner, owner):
        super().__init__()
        self._inner, self._owner = inner, owner

    def readable(self):
        return True

    def seekable(self):
        return self._inner.seekable()

    def read(self, size=-1):
        return self._inner.read(size)

    def readinto(self, b):
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        return self._inner.seek(offset, whence)

    def tell(self):
        return self._inner.tell()

    def close(self):
        if not self.closed:
            self._inner.close()
            self._owner.close()
        super().close()
