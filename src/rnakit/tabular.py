"""Reading text inputs: delimited tables (CSV/TSV, optionally gzipped) with clear errors, and the
opener every text reader (FASTA, FASTQ, GTF, id lists) shares."""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TextIO

import pandas as pd

from rnakit.errors import InputFormatError


def _opener(path: str | os.PathLike[str]) -> Callable[..., IO]:
    """``gzip.open`` for a name ending in ``.gz``, else ``open``."""
    return gzip.open if str(path).lower().endswith(".gz") else open


@contextlib.contextmanager
def open_text(path: str | os.PathLike[str], *, newline: str | None = None) -> Iterator[TextIO]:
    """Open a text input for reading, gunzipped when its name ends in ``.gz``, as UTF-8 without a leading
    byte-order mark: Windows editors write one, and it would become part of the first id, header or name.

    Reading bytes that are not UTF-8 (a binary file given by mistake) raises InputFormatError naming
    the file, the first such byte and its line, not a UnicodeDecodeError.
    """
    with _opener(path)(path, "rt", encoding="utf-8-sig", newline=newline) as handle:
        try:
            yield handle
        except UnicodeDecodeError:
            raise _not_text_error(path) from None


def _not_text_error(path: str | os.PathLike[str]) -> InputFormatError:
    """The error for a file that failed to decode as UTF-8: it names the first bad byte and its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with contextlib.suppress(OSError, EOFError), _opener(path)(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:  # error.object: this block, after a character the last one cut
                line += error.object.count(b"\n", 0, error.start)
                bad = error.object[error.start]
                return InputFormatError(f"not a UTF-8 text file (byte 0x{bad:02x} at line {line})", file=str(path))
            line += block.count(b"\n")
    return InputFormatError("not a UTF-8 text file", file=str(path))


def _separator(path: Path, first_line: str) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if ".tsv" in suffixes or ".tab" in suffixes:
        return "\t"
    if ".csv" in suffixes:
        return ","
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_delimited(
    path: str | os.PathLike[str], *, dtype: object = None, required: Iterable[str] = (), na_filter: bool = True
) -> pd.DataFrame:
    """Read a CSV or TSV file (``.gz`` allowed) with a header row.

    The separator comes from the extension (``.csv``, ``.tsv``/``.tab``), else from the header line.
    ``na_filter=False`` keeps every cell as written (``N/A`` stays text), so errors can quote it.
    Raises InputFormatError for a missing file, an empty file, a header-only file, or rows with
    more fields than the header, and names any ``required`` column that is missing.
    """
    file = Path(path)
    if not file.is_file():
        raise InputFormatError("no such file", file=str(path))
    try:
        with open_text(file, newline="") as handle:
            first_line = handle.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"cannot read the file ({exc})", file=str(path)) from None
    if not first_line.strip():
        raise InputFormatError("empty file (expected a header row)", file=str(path))
    separator = _separator(file, first_line)
    try:
        frame = pd.read_csv(file, sep=separator, dtype=dtype, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL,
                            na_filter=na_filter)
    except pd.errors.ParserError as exc:
        raise InputFormatError(f"malformed table ({str(exc).strip()})", file=str(path)) from None
    except UnicodeDecodeError:
        raise _not_text_error(path) from None
    except (OSError, EOFError) as exc:
        raise InputFormatError(f"cannot read the file ({exc})", file=str(path)) from None
    if frame.empty:
        raise InputFormatError("the file has a header but no data rows", file=str(path))
    require_columns(frame, required, file=str(path))
    return frame


def require_columns(frame: pd.DataFrame, required: Iterable[str], *, file: str) -> None:
    """Raise InputFormatError naming every required column missing from ``frame``."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFormatError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            + ", ".join(repr(c) for c in missing)
            + f" (found: {', '.join(map(str, frame.columns[:12]))}{', …' if len(frame.columns) > 12 else ''})",
            file=file,
        )

