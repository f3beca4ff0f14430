"""Open a local media file once, verify the opened descriptor, and read only from it.

Checking a path and then opening it by name can be raced: a symlink swapped in between makes the
open land outside ``allowed_dirs``. Here the check is made on the object actually opened:

1. The real path is computed once, only to choose the allowed root it claims to be under.
2. From that root's descriptor, every component is opened with ``O_NOFOLLOW`` relative to the
   previous directory's descriptor (``openat``), so no symlink swapped into any component,
   intermediate or final, is ever traversed: it fails with ``ELOOP`` instead. Nothing outside the
   root is opened, so even the side effects of opening (devices, FIFOs) stay inside it.
3. The descriptor is ``fstat``-ed: a regular file, and one name only (``st_nlink == 1``) unless
   hard links are allowed, since a hard link is an outside file's inode under an inside name.
4. On Linux the kernel's own path of the descriptor (``/proc/self/fd/N``) must still be under the
   root (catches a root or an opened directory renamed away mid-walk).
5. Size, sniffing, inline bytes and upload streaming all read that descriptor (``pread``).

Platforms without ``openat``/``O_NOFOLLOW`` (Windows) fall back to: resolve, open the real path,
then compare the descriptor's ``(st_dev, st_ino)`` with a non-following ``lstat`` of that path.
That closes the race on the final component only: ``lstat`` still follows a folder swapped for a
link in the middle of the path, so there the fallback is best effort.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import threading
import weakref
from pathlib import Path

from langchain_gemini_vision.errors import MediaAccessError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FILE_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    # A FIFO would block open() forever; it is refused right after by the S_ISREG check.
    | getattr(os, "O_NONBLOCK", 0)
)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | _DIRECTORY | _NOFOLLOW
_CAN_WALK = bool(_NOFOLLOW and _DIRECTORY) and os.open in os.supports_dir_fd
_PROC_FD = "/proc/self/fd"
_SYMLINK_ERRNOS = {errno.ELOOP, errno.EMLINK}  # EMLINK: what FreeBSD says for O_NOFOLLOW


class SafeFile(os.PathLike[str]):
    """A verified, open local file; every read goes through its descriptor.

    ``os.fspath()`` gives the real path, for messages and for code that only names the file; to
    read it, use :meth:`read_at`, :meth:`read_all` or :meth:`stream`, never the path. The
    descriptor is closed by :meth:`close` or when the object is garbage-collected.

    Attributes:
        shown: What the caller passed (for messages).
        real: The real path of the opened file.
        size: Size in bytes at open time (what is read and sent).
    """

    def __init__(self, fd: int, shown: str, real: str, size: int) -> None:
        self.fd = fd
        self.shown = shown
        self._real = real
        self.size = size
        self._lock = threading.Lock()  # only for platforms without pread (seek + read)
        self._finalizer = weakref.finalize(self, os.close, fd)

    @property
    def real(self) -> Path:
        """The real path of the opened file (for messages; never re-opened by the library)."""
        return Path(self._real)

    def __fspath__(self) -> str:
        return self._real

    def __repr__(self) -> str:
        return f"SafeFile({self._real!r}, {self.size} bytes)"

    def close(self) -> None:
        """Close the descriptor now (idempotent)."""
        self._finalizer()

    def read_at(self, offset: int, count: int) -> bytes:
        """Up to ``count`` bytes from ``offset`` (fewer only at the end of the file)."""
        parts: list[bytes] = []
        while count > 0:
            if hasattr(os, "pread"):
                block = os.pread(self.fd, min(count, 1 << 30), offset)
            else:  # pragma: no cover - Windows
                with self._lock:
                    os.lseek(self.fd, offset, os.SEEK_SET)
                    block = os.read(self.fd, min(count, 1 << 30))
            if not block:
                break
            parts.append(block)
            offset += len(block)
            count -= len(block)
        return b"".join(parts)

    def read_all(self) -> bytes:
        """The file's first ``size`` bytes (its content as checked at open time)."""
        return self.read_at(0, self.size)

    def stream(self) -> io.BufferedReader:
        """A new independent binary stream over the descriptor (closing it keeps the fd open)."""
        return io.BufferedReader(_FdReader(self), buffer_size=1024 * 1024)


class _FdReader(io.RawIOBase):
    """Raw stream with its own position over a shared :class:`SafeFile` descriptor."""

    def __init__(self, file: SafeFile) -> None:
        super().__init__()
        self._file = file
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:  # tell() is seek(0, CUR)
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._file.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(len(view), max(0, self._file.size - self._pos))
        if not want:
            return 0
        if hasattr(os, "preadv"):
            # Straight into the caller's buffer: an upload of a large file is one pass over it,
            # with no intermediate bytes object to copy from.
            got = os.preadv(self._file.fd, [view[:want]], self._pos)
        else:  # pragma: no cover - Windows and macOS < 11
            block = self._file.read_at(self._pos, want)
            got = len(block)
            view[:got] = block
        self._pos += got
        return got


def _refuse_outside(shown: str, roots: tuple[Path, ...]) -> MediaAccessError:
    if not roots:
        return MediaAccessError(
            f"Local files are not allowed here ({shown}). The developer can allow folders with "
            "allowed_dirs=[...].",
            rule="allowed_dirs",
        )
    return MediaAccessError(
        f"{shown} is outside the folders this tool may read (symlinks are followed): local files "
        f"are limited to {[str(d) for d in roots]}; the developer can pass allowed_dirs=[...] to "
        "allow more.",
        rule="allowed_dirs",
    )


def _root_of(real: str, roots: tuple[Path, ...]) -> str | None:
    # Plain string prefixes: both sides are normalised real paths, and pathlib is slow here.
    for root in roots:
        text = str(root)
        if real == text or real.startswith(text if text.endswith(os.sep) else text + os.sep):
            return text
    return None


def _os_error(exc: OSError, shown: str, folder_hint: str) -> MediaAccessError:
    if exc.errno == errno.ENOENT:
        return MediaAccessError(f"No such file: {shown}. Check the path.", rule="missing")
    if exc.errno == errno.EISDIR:
        return MediaAccessError(f"{shown} is a folder; {folder_hint}", rule="io")
    return MediaAccessError(
        f"Cannot read {shown}: {exc.strerror}. Check that it is a readable file.", rule="io"
    )


def _swapped(shown: str) -> MediaAccessError:
    return MediaAccessError(
        f"{shown} changed while it was being opened (a symlink appeared in its path), so it was "
        "not read. Pass the file's real path, or retry once the folder stops changing.",
        rule="symlink",
    )


def _walk_open(root: str, parts: list[str]) -> int:
    """Open ``root/parts...`` following no symlink below ``root`` (``openat`` + ``O_NOFOLLOW``)."""
    # The root itself was resolved when the policy was built; it may be reached through symlinks.
    dir_fd = os.open(root, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | _DIRECTORY)
    try:
        for part in parts[:-1]:
            try:
                next_fd = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            except NotADirectoryError:
                # Linux says ENOTDIR, not ELOOP, for a symlink opened with O_DIRECTORY|O_NOFOLLOW;
                # a folder here now means it was swapped back since. Only a file is a real ENOTDIR.
                mode = os.lstat(part, dir_fd=dir_fd).st_mode
                if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
                    raise OSError(errno.ELOOP, "symlink in path") from None
                raise
            os.close(dir_fd)
            dir_fd = next_fd
        return os.open(parts[-1], _FILE_FLAGS | _NOFOLLOW, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


def _kernel_path(fd: int) -> str | None:
    """The kernel's current path of ``fd`` (Linux), or None where that is not available."""
    try:
        return os.readlink(f"{_PROC_FD}/{fd}")
    except OSError:
        return None


def _open_confined(shown: str, path: str, roots: tuple[Path, ...]) -> tuple[int, str]:
    try:
        real = os.path.realpath(path)
    except OSError as exc:  # a component flipped between its lstat and readlink inside realpath
        raise _swapped(shown) from exc
    root = _root_of(real, roots)
    if root is None:
        raise _refuse_outside(shown, roots)
    parts = [part for part in real[len(root) :].split(os.sep) if part]
    if not parts:
        raise MediaAccessError(f"{shown} is a folder; pass a file inside it.", rule="io")
    if not _CAN_WALK:  # Windows: best effort, see the module docstring
        fd = os.open(real, _FILE_FLAGS)
        opened, named = os.fstat(fd), os.lstat(real)
        if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            os.close(fd)
            raise _swapped(shown)
        return fd, real
    try:
        fd = _walk_open(root, parts)
    except OSError as exc:
        # The real path had no symlink below the root a moment ago: one appeared since.
        if exc.errno in _SYMLINK_ERRNOS:
            raise _swapped(shown) from exc
        raise
    kernel = _kernel_path(fd)
    if kernel is not None and _root_of(kernel, roots) is None:
        os.close(fd)
        raise _refuse_outside(shown, roots)
    return fd, kernel or real


def open_local(
    ref: str | os.PathLike[str],
    *,
    roots: tuple[Path, ...] | None = None,
    allow_hardlinks: bool = True,
    folder_hint: str = "pass a file (or use GeminiFileLoader with a glob).",
) -> SafeFile:
    """Open a local file for reading, confined to ``roots`` when given, and verify what was opened.

    Args:
        ref: The path as the caller gave it (``~`` is expanded).
        roots: Resolved allowed folders; None allows any path (symlinks followed), ``()`` none.
        allow_hardlinks: Accept a file with more than one name. Only consulted with ``roots``:
            a hard link inside a root can name an inode that lives outside it.
        folder_hint: The next step offered when ``ref`` is a folder.

    Returns:
        The open, verified file; read it through its methods, not by name.

    Raises:
        MediaAccessError: ``rule="allowed_dirs"`` outside the roots, ``"symlink"`` when a path
            component turned into a symlink while opening, ``"hardlink"`` for a multiply-linked
            file, ``"missing"`` when absent, ``"io"`` for folders, devices, FIFOs and read errors.
    """
    shown = os.fspath(ref)
    path = os.path.expanduser(shown)
    try:
        if roots is None:
            fd, real = os.open(path, _FILE_FLAGS), os.path.realpath(path)
        else:
            fd, real = _open_confined(shown, path, roots)
    except OSError as exc:
        raise _os_error(exc, shown, folder_hint) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise MediaAccessError(f"{shown} is a folder; {folder_hint}", rule="io")
        if not stat.S_ISREG(info.st_mode):
            raise MediaAccessError(
                f"{shown} is not a regular file (a device, FIFO or socket); pass a media file.",
                rule="io",
            )
        if roots is not None and not allow_hardlinks and info.st_nlink > 1:
            raise MediaAccessError(
                f"{shown} has {info.st_nlink} hard links, so it may be a file from outside the "
                "allowed folders under another name; it was not read. Copy the file into the "
                "folder instead of linking it, or the developer can set allow_hardlinks=True.",
                rule="hardlink",
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return SafeFile(fd, shown, real, info.st_size)
