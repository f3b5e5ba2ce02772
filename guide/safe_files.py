"""Safe file writing: write to a temporary name beside the target, then rename into place.

A reader (or a build stopped half-way) never sees a half-written file.

Symbolic links. The folders a user gives (``--out``, the guide folder ``<out>/<id>``,
the cache folder) may be links: guide follows them as the user made them. Everything
below them is guide's own, and guide follows no link there (:func:`safe_child`):

- a link where guide needs a folder (``en/``, ``takes/ab/``) stops the build with
  :class:`OutputError`, naming the link and where it points;
- a link where guide writes a file is replaced by the file (a rename replaces the link,
  never what it points to), and is never read as if it were guide's file
  (:func:`sha256_of`, :func:`read_own`): a link planted in place of an output or a take
  is treated as missing.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import io
import os
import shutil
import stat
import tempfile
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import BinaryIO

import numpy as np

from .errors import OutputError

STAGING_PREFIX = ".staging-"

DISK_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
"""Errors that mean the disk (or a size limit or quota) refused more bytes."""

LOW_SPACE = 256 * 1024
"""After a failed write, a file system with less free space than this counts as full."""


def temp_prefix(name: str) -> str:
    """Prefix of a temporary file for `name`, naming this process so leftovers can be told apart."""
    return f".{name}.{os.getpid()}."


def link_refused(link: Path, root: Path) -> OutputError:
    """The error for a symbolic link found below `root`, where guide writes."""
    try:
        where = os.readlink(link)
    except OSError:
        where = "?"
    return OutputError(
        f"{link}: is a symbolic link to {where}; guide writes only inside {root} and follows no link there; remove it"
    )


def safe_child(root: Path, relative: str | Path, *, mkdir: bool = False, folder: bool = False) -> Path:
    """``root / relative``, checked so that nothing written there can land outside `root`.

    `root` is the user's and may itself be a link. Every folder between it and the
    last component is guide's own and must be a real folder, not a symbolic link
    (with `mkdir`, missing ones are created, one by one). The last component may be a
    link when it names a file: writers rename over it, which replaces the link, and
    readers do not follow it. With `folder`, the last component is a folder too, held
    to the same rule. With `mkdir`, `root` itself is made if missing.

    Raises:
        OutputError: `relative` is empty, absolute or climbs out with ``..``, or a
            folder on the way is a symbolic link.
    """
    root = Path(root)
    pure = PurePath(relative)
    parts = pure.parts
    if not parts or pure.is_absolute() or ".." in parts:
        raise OutputError(f"{relative}: not a path inside {root}; guide writes only inside it")
    folders = parts if folder else parts[:-1]
    if mkdir and folders:
        root.mkdir(parents=True, exist_ok=True)  # the user's folder: made as given, links and all
    current = root
    for name in folders:
        current = current / name
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            if not mkdir:
                continue
            try:
                os.mkdir(current)
            except FileExistsError:  # made meanwhile (another thread of this build): check it again
                info = os.lstat(current)
            else:
                continue
        except NotADirectoryError:
            continue  # a file on the way: the write itself fails with "Not a directory"
        if stat.S_ISLNK(info.st_mode):
            raise link_refused(current, root)
    return root.joinpath(*parts)


def read_own(path: Path) -> bytes | None:
    """The bytes of the file at `path`, or None when it is missing, not a file, or a symbolic link."""
    try:
        handle = _open_file(path, follow=False)
    except OSError:
        return None
    if handle is None:
        return None
    with handle:
        return handle.read()


def read_own_text(path: Path) -> str | None:
    """The UTF-8 text of the file at `path` (undecodable bytes replaced), or None when it is
    missing, not a file, or a symbolic link: what guide wrote there, if anything."""
    data = read_own(path)
    return None if data is None else data.decode("utf-8", "replace")


def _open_file(path: Path, follow: bool) -> BinaryIO | None:
    """`path` opened for reading, or None when it is not a regular file; ELOOP (OSError) for a
    symbolic link when not `follow`."""
    # O_NONBLOCK: a FIFO planted in the folder must not hang the build (no effect on files)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path) -> int | None:
    """The pid in a temporary name (``.NAME.PID.RANDOM.part`` or ``.staging-PID-RANDOM``)."""
    name = path.name
    try:
        if name.startswith(STAGING_PREFIX):
            return int(name.split("-")[1])
        return int(name[: -len(".part")].rsplit(".", 2)[1])
    except (IndexError, ValueError):
        return None


def _entries(folder: Path, pattern: str) -> Iterator[os.DirEntry]:
    """Entries of `folder` matching `pattern` (``NAME`` or ``*/NAME``, glob-style), following no link.

    With ``*/``, the (non-hidden) subfolders are searched; a link to a folder there is refused.
    """
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    head, _, tail = pattern.rpartition("/")
    if not head:
        yield from (e for e in entries if fnmatch.fnmatchcase(e.name, tail))
        return
    if head != "*":
        raise ValueError(f"unsupported leftover pattern {pattern!r}")
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden folders are not searched: a dead build's staging folder is removed whole
        if entry.is_symlink():
            if os.path.isdir(entry.path):
                raise link_refused(Path(entry.path), folder)
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(Path(entry.path), tail)


def remove_leftovers(folder: Path, patterns: tuple[str, ...] = (".*.part", STAGING_PREFIX + "*", "*/.*.part")) -> int:
    """Delete temporary files and staging folders left by builds that died (SIGKILL, power cut).

    Files of processes still running are left alone. No link is followed: a leftover
    name that is a link is removed as a link, and a link to a folder where the
    patterns look (``*/``) is refused with :class:`OutputError`, before anything is
    recorded. Returns how many were removed.
    """
    removed = 0
    for pattern in patterns:
        for entry in list(_entries(Path(folder), pattern)):
            path = Path(entry.path)
            pid = _owner(path)
            if pid is None or _pid_alive(pid):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed


def shown(target: Path) -> Path:
    """`target` as the user knows it: without the build's staging folder."""
    return Path(*[part for part in Path(target).parts if not part.startswith(STAGING_PREFIX)])


def _disk_trouble(exc: BaseException, tmp: Path) -> int | None:
    """The errno (ENOSPC, EFBIG, EDQUOT) when writing `tmp` failed because the disk refused it, else None.

    Tells it from the error itself, from a message quoting the system's words (ffmpeg's,
    mutagen's), from the partial file having reached the file size limit (``ulimit -f``:
    ffmpeg is killed by SIGXFSZ and says nothing), or from a file system left without space.
    """
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        return exc.errno
    text = str(exc)
    for code in DISK_ERRNOS:
        if os.strerror(code) in text:
            return code
    try:
        size = os.lstat(tmp).st_size
    except OSError:
        size = 0
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit != resource.RLIM_INFINITY and size >= limit:
            return errno.EFBIG
    except (ImportError, OSError, ValueError):
        pass
    try:
        space = os.statvfs(tmp.parent)
        free = space.f_bfree if os.geteuid() == 0 else space.f_bavail
        if free * space.f_frsize < LOW_SPACE:
            return errno.ENOSPC
    except OSError:
        pass
    return None


def _named(exc: OSError, target: Path) -> OSError:
    """`exc` naming `target` (as the user knows it), not the temporary file."""
    code = exc.errno if exc.errno is not None else errno.EIO
    return OSError(code, exc.strerror or os.strerror(code), str(shown(target)))


@contextmanager
def atomic_path(target: Path, root: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` if the block succeeds.

    With `root`, `target` must lie inside it and no folder between them may be a
    symbolic link (:func:`safe_child`). A link at `target` itself is replaced, never
    written through.

    A block that fails because the disk is full or a file size limit or quota was
    reached (however the writer reported it: OSError, ffmpeg's exit, mutagen's error)
    raises ``OSError`` with that errno and `target`'s name; the temporary file is
    removed and `target` is left as it was.
    """
    target = Path(target)
    if root is not None:
        try:
            relative = target.relative_to(root)
        except ValueError:
            raise OutputError(f"{target}: not inside {root}; guide writes only inside it") from None
        target = safe_child(root, relative, mkdir=True)
    try:
        if root is None:
            target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _named(exc, target) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except Exception as exc:
        code = _disk_trouble(exc, tmp_path)
        if code is not None:
            raise OSError(code, os.strerror(code), str(shown(target))) from exc
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp_path)):
            raise _named(exc, target) from exc
        raise
    finally:
        tmp_path.unlink(missing_ok=True)


def wav_bytes(samples: np.ndarray, sample_rate: int = 44100) -> bytes:
    """Mono int16 `samples` as the bytes of a WAV file (a take in the cache, a studio preview, ``guide say``)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def write_wav(target: Path, samples: np.ndarray, sample_rate: int = 44100, root: Path | None = None) -> None:
    """Write mono int16 samples to `target` as a WAV file, atomically (`root` as for :func:`atomic_path`)."""
    data = wav_bytes(samples, sample_rate)
    with atomic_path(target, root) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path, text: str, root: Path | None = None) -> None:
    """Write UTF-8 text to `target` atomically (inside `root`, following no link below it, when given)."""
    with atomic_path(target, root) as tmp:
        tmp.write_text(text, encoding="utf-8")


def staging_folder(folder: Path) -> Path:
    """A new, private staging folder inside the guide folder `folder` (``.staging-PID-RANDOM``).

    Raises:
        OSError: it cannot be made (read-only folder, disk full), naming `folder`, not the random name.
    """
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder))
    except OSError as exc:
        code = exc.errno if exc.errno is not None else errno.EIO
        raise OSError(code, exc.strerror or os.strerror(code), str(folder)) from None


def place(staged: Path, root: Path, relative: str | Path) -> Path:
    """Move the finished file `staged` to ``root / relative`` by renaming it, following no link below `root`.

    Missing folders are made; a link at the destination is replaced, never written through.
    """
    target = safe_child(root, relative, mkdir=True)
    os.replace(staged, target)
    return target


def _digest(path: Path, follow: bool) -> str | None:
    try:
        handle = _open_file(path, follow)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            return None  # a symbolic link: not a file guide wrote
        raise
    if handle is None:
        return None
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str | None:
    """SHA-256 of a file guide wrote, or None when it does not exist, is not a file, or is a
    symbolic link (a link planted in place of an output counts as missing: it is rebuilt,
    and the rename that publishes the new file replaces the link)."""
    return _digest(path, follow=False)


_HASHES: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """SHA-256 of an input file (voice model, cover, music), remembered per (path, size, mtime)
    for the life of the process: a 60 MB voice is hashed once per build, not per check.

    Inputs are the user's: links to them are followed."""
    info = path.stat()
    memo = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    if memo not in _HASHES:
        digest = _digest(path, follow=True)
        if digest is None:
            raise FileNotFoundError(path)
        _HASHES[memo] = digest
    return _HASHES[memo]
