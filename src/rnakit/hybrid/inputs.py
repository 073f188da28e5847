"""Queries, targets and a helix as users give them, read and checked once for the CLI and the web app."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.options import QUERY_LETTERS, TARGET_LETTERS  # noqa: F401  (re-exported)
from rnakit.hybrid.search import check_sequence
from rnakit.seq.fasta import read_fasta_records



def parse_pair(text: str, kind: type, option: str, form: str) -> tuple:
    """``'A,B'`` as two values of ``kind``; ValueRangeError naming the option otherwise."""
    try:
        first, second = (kind(v) for v in text.split(","))
    except ValueError:
        raise ValueRangeError(f"{text!r} is not {form}", column=option) from None
    return first, second


def parse_helix(text: str | None) -> tuple[int, int] | None:
    """``-f FROM,TO`` (1-based query positions), or None."""
    return None if not text else parse_pair(text, int, "--helix", "FROM,TO (two whole numbers)")


def read_records(path: str | os.PathLike[str], field: str, *, longest: int, letters: frozenset[str],
                 file: str | None = None) -> list[tuple[str, str]]:
    """``(id, RNA)`` of every record of a FASTA, checked before any search starts; errors name
    ``file`` (default: the path), the record and ``field``."""
    shown = str(path) if file is None else file
    records = []
    for record_id, _, sequence in read_fasta_records(path):
        try:
            records.append((record_id, check_sequence(sequence, field, record_id, longest=longest, letters=letters)))
        except (SequenceError, ValueRangeError) as error:  # add the file to the record and field named
            raise type(error)(error.detail, file=shown, row=record_id, column=field) from None
    return records


def check_helix_fits(helix: tuple[int, int] | None, queries: Sequence[tuple[str, str]], *, file: str) -> None:
    """The helix must end within every query."""
    if helix is None:
        return
    for query_id, sequence in queries:
        if helix[1] > len(sequence):
            raise ValueRangeError(f"--helix ends at {helix[1]} but the query is {len(sequence)} nt",
                                  file=file, row=query_id, column="--helix")

