"""Turning what a user pasted or uploaded into files the project's readers parse.

Uploads are only ever copied to disk and read with rnakit's FASTA/CSV readers: nothing is unpickled
or executed. Errors name the file as the user called it, never the server's path, so a page shows
the same one-line message the CLI prints for that file.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from rnakit.errors import InputFormatError, RnakitError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(RnakitError):
    """An upload (or its decompressed content) is larger than the server accepts: HTTP 413."""


def too_large_message(limit: int, size: int | None = None) -> str:
    sent = f" ({size:,} bytes)" if size is not None else ""
    return f"the upload{sent} is larger than the {limit / 2**20:g} MiB this server accepts"


def safe_name(filename: str | None, default: str) -> str:
    """The upload's base name reduced to letters, digits, '.', '_' and '-' (never a path or hidden file)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    name = _UNSAFE.sub("_", base).lstrip(".")[:100]
    return name or default


def save_upload(source: BinaryIO, folder: Path, filename: str | None, default: str, limit: int) -> tuple[Path, str]:
    """Copy an upload into ``folder``; return (path, the name to show in messages).

    A gzipped upload is decompressed here, at most ``limit`` bytes of it (a small .gz file can
    expand without bound), and saved without its ``.gz``.
    """
    display = safe_name(filename, default)
    head = source.read(2)
    source.seek(0)
    name = display[:-3] if head == GZIP_MAGIC and display.lower().endswith(".gz") else display
    path = folder / (name or default)
    with open(path, "wb") as handle:
        if head == GZIP_MAGIC:
            _gunzip(source, handle, limit)
        else:
            shutil.copyfileobj(source, handle, _CHUNK)
    return path, display


def _gunzip(source: BinaryIO, handle: BinaryIO, limit: int) -> None:
    written = 0
    try:
        with gzip.GzipFile(fileobj=source, mode="rb") as stream:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise TooLarge(f"decompressed, {too_large_message(limit)}")
                handle.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise InputFormatError(f"cannot decompress the gzip upload ({error})") from None


def save_text(text: str, folder: Path, name: str, *, fasta_id: str | None = None) -> Path:
    """Write pasted text to ``folder/name``. With ``fasta_id``, a bare sequence (no '>' line) becomes
    one FASTA record of that id, as sequence web tools accept."""
    if fasta_id is not None and text.strip() and not text.lstrip().startswith(">"):
        text = f">{fasta_id}\n{text.strip()}\n"
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def renamed(error: RnakitError, path: Path, display: str) -> RnakitError:
    """The same error naming ``display`` wherever it named the server-side ``path``."""
    server = str(path)
    file = display if error.file == server else error.file
    clone = type(error).__new__(type(error))
    RnakitError.__init__(clone, error.detail.replace(server, display), file=file, row=error.row, column=error.column,
                        field=error.field)
    return clone


@contextlib.contextmanager
def shown_as(path: Path, display: str) -> Iterator[None]:
    """Re-raise any RnakitError from reading ``path`` as if the file were called ``display``."""
    try:
        yield
    except RnakitError as error:
        raise renamed(error, path, display) from None
