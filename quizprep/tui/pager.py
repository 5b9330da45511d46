"""Long output through a pager on a terminal, as git and gh do; never when piped.

The pager is ``$QUIZPREP_PAGER``, else ``$PAGER``, else ``less``; ``cat`` or an empty value
turns paging off (so does ``--no-pager``). ``LESS`` defaults to ``FRX`` as in git: output
that fits on one screen is printed and less exits at once (``F``), colours pass through
(``R``), and the text stays on screen after quitting (``X``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO


def pager_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The pager to run, or ``None`` for none."""
    import shlex
    import shutil

    env = os.environ if environ is None else environ
    raw = env.get("QUIZPREP_PAGER")
    if raw is None:
        raw = env.get("PAGER")
    if raw is None:
        raw = "less"
    try:
        argv = shlex.split(raw)
    except ValueError:
        return None
    if not argv or argv[0] == "cat" or shutil.which(argv[0]) is None:
        return None
    return argv


@contextmanager
def pager_stream(enabled: bool = True) -> Iterator[IO[str] | None]:
    """Yields a stream into the pager, or ``None`` when output goes straight to stdout
    (not a terminal, paging turned off, or no pager installed)."""
    try:
        tty = sys.stdout.isatty() and sys.stdin.isatty()
    except (AttributeError, ValueError):
        tty = False
    argv = pager_command() if enabled and tty else None
    if argv is None:
        yield None
        return
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    except OSError:
        yield None
        return
    assert proc.stdin is not None
    try:
        yield proc.stdin
    except BrokenPipeError:  # the reader quit the pager before the end: that is fine
        pass
    except BaseException:
        proc.kill()
        raise
    finally:
        with suppress(BrokenPipeError, OSError):
            proc.stdin.close()
        proc.wait()
