"""'-' as a file name: standard input for an input, standard output for ``-o -``."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

STDIO = "-"


def is_stdio(path: str | os.PathLike[str] | None) -> bool:
    """True when the user named standard input/output (``-``)."""
    return path is not None and str(path) == STDIO


@contextlib.contextmanager
def input_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """``path`` itself, or for ``-`` a temporary file holding standard input (the readers need a path;
    ``suffix`` tells them the format), removed afterwards."""
    if not is_stdio(path):
        yield Path(path)
        return
    fd, name = tempfile.mkstemp(prefix="rnakit-stdin.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


@contextlib.contextmanager
def text_output(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """Standard output for ``-``, else ``path`` written atomically (a reader never sees half a file)."""
    from rnakit.files import atomic_write

    if is_stdio(path):
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_write(path, "w", encoding="utf-8") as handle:
            yield handle
