"""The one way quizprep reads a user's file and the one way it writes one.

Reading (:func:`read_user_file`, :func:`read_text`): regular files only — a FIFO would hang
the read, ``/dev/zero`` or ``/dev/urandom`` would never end — and never more than the size
limit plus one byte, so an oversized file is refused without being loaded. Text is decoded
as UTF-8 (a byte-order mark is allowed) with a message that names the line of a bad byte,
and UTF-16 saved without a byte-order mark is recognised instead of read as garbage.

Writing (:func:`write_atomic`): a temporary file in the target's folder, flushed to disk,
then renamed over the target, so a sync client or a reader never sees half a file. A
symlink is written *through* (the link keeps pointing at its file, which gets the new
content) and the target keeps its permission bits (a new file gets the umask's); a
device, FIFO or folder is refused rather than replaced.

Folder scans (:func:`files_below`) ignore entries that vanish or cannot be read while the
scan runs (a sync client's temporary folders, ``/proc``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from quizprep.errors import QuizprepError


class UnreadableFile(QuizprepError):
    """A user's file that cannot be used: ``reason`` says why, ``line`` where (if known)."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, **kw: object):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}", **kw)  # type: ignore[arg-type]
        self.path = str(path)
        self.reason = reason
        self.line = line


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def os_reason(exc: OSError) -> str:
    """A short, human reason for an OSError ("disk full" rather than errno 28)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk full"
    return exc.strerror or str(exc)


def read_user_file(path: Path, limit: int, *, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refusing anything over ``limit`` bytes.

    Raises :class:`UnreadableFile` (exit 1) for a missing, unreadable, special or
    oversized file. Reads at most ``limit + 1`` bytes whatever the file claims to be.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(path, f"is a folder, not a {what}") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read: {os_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind_of(info.st_mode)
            if kind == "a folder":
                raise UnreadableFile(path, f"is a folder, not a {what}")
            raise UnreadableFile(path, f"is {kind}, not a {what}; give a regular file")
        if info.st_size > limit:
            raise UnreadableFile(path, _too_large(info.st_size, limit, what))
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # it grew while we read, or lied about its size
            raise UnreadableFile(path, _too_large(got, limit, what))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read: {os_reason(exc)}") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, what: str) -> str:
    most = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit:,} bytes"
    return f"too large for a {what} ({size:,} bytes; the limit is {most})"


def decode_text(raw: bytes, path: Path | str, *, hint: str | None = None) -> str:
    """UTF-8 text (a byte-order mark is dropped; UTF-16 with one is decoded too).

    A bad byte is reported with its line; UTF-16 without a byte-order mark (every other
    byte zero) is named as such instead of failing somewhere later.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(path, "damaged UTF-16 text", hint=hint) from None
    elif _looks_like_utf16(raw):
        raise UnreadableFile(
            path,
            "looks like UTF-16 text without a byte-order mark; save it as UTF-8",
            hint=hint,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UnreadableFile(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line=line, hint=hint
        ) from None


def _looks_like_utf16(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return False
    even, odd = sample[0::2], sample[1::2]
    # ASCII-heavy UTF-16: one byte of each pair is zero almost everywhere.
    return max(even.count(0) / len(even), odd.count(0) / max(len(odd), 1)) > 0.4


def read_text(path: Path, limit: int, *, what: str = "file", hint: str | None = None) -> str:
    """:func:`read_user_file` then :func:`decode_text`."""
    return decode_text(read_user_file(path, limit, what=what), path, hint=hint)


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (undecodable input bytes) replaced by U+FFFD.

    They cannot be encoded as UTF-8, so SQLite and every output stream refuse them.
    """
    if text.isascii():
        return text
    import re  # compiled on demand: a surrogate range costs 0.2 ms to compile

    return re.sub("[\ud800-\udfff]", "\ufffd", text)


# -- writing -----------------------------------------------------------------------------


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes | str, *, exclusive: bool = False) -> Path:
    """Replace ``path``'s content with ``data`` all at once; returns the file written.

    Writes through symlinks to their target and keeps the target's permission bits (a
    new file gets ``0666 & ~umask``, as ``open`` would). Refuses a target that is not a
    regular file, and with ``exclusive`` one that exists. Errors are QuizprepErrors.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise QuizprepError(f"{path}: cannot write: a part of the path is a file") from None
    except OSError as exc:
        raise QuizprepError(f"{path}: cannot write: {os_reason(exc)}") from None
    if info is not None:
        if exclusive:
            raise QuizprepError(f"{path} already exists")
        if not stat.S_ISREG(info.st_mode):
            raise QuizprepError(
                f"{path}: is {_kind_of(info.st_mode)}; refusing to replace it with a file"
            )
        mode = stat.S_IMODE(info.st_mode)
    else:
        mode = 0o666 & ~_umask()
    import tempfile  # not on the start-up path of read-only commands

    folder = target.parent if str(target.parent) else Path(".")
    temp: str | None = None
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
        temp = None
        _sync_folder(folder)
    except NotADirectoryError:
        raise QuizprepError(f"{path}: cannot write: a part of the path is a file") from None
    except OSError as exc:
        raise QuizprepError(f"{path}: cannot write: {os_reason(exc)}") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself last (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- scanning ----------------------------------------------------------------------------


def files_below(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Regular files ending in one of ``suffixes`` below ``folder``, sorted.

    Entries that vanish or cannot be read during the walk are skipped, never an error.
    """
    found: list[Path] = []
    for root, _dirs, names in os.walk(folder, onerror=lambda _exc: None):
        for name in names:
            if not name.endswith(suffixes):
                continue
            candidate = Path(root, name)
            try:
                if stat.S_ISREG(candidate.stat().st_mode):
                    found.append(candidate)
            except OSError:
                continue  # gone already, or a dangling link
    return sorted(found)
