"""Sequences as a Python user hands them over: a FASTA path, FASTA text, one bare sequence, a
Biopython ``SeqRecord``, an ``(id, sequence)`` pair, a ``{id: sequence}`` mapping, or a list of these.

The flat API (``rnakit.hybridise``, ``rnakit.coding_potential``, ``rnakit.design``) reads all of them
into ``(id, sequence)`` records here (``(id, header, sequence)`` where the header matters, as for a design
target's ``gene=``), once, so each job checks letters and lengths its own way.

    >>> sequence_records("ACGU", name="query")
    [('query', 'ACGU')]
    >>> sequence_records(["ACGU", ("let-7a", "UGAGGUAG")], name="query")
    [('query1', 'ACGU'), ('let-7a', 'UGAGGUAG')]
    >>> sequence_records(">a x\\nAC\\nGU\\n>b\\nUU\\n")
    [('a', 'ACGU'), ('b', 'UU')]
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from typing import Any, Union

from Bio.SeqIO.FastaIO import SimpleFastaParser

from rnakit.errors import InputFormatError
from rnakit.seq.fasta import read_fasta_records

#: What :func:`sequence_records` accepts (a SeqRecord is recognised by its ``id`` and ``seq``).
SequencesLike = Union[str, "os.PathLike[str]", Mapping[str, Any], Iterable[Any], Any]

_FASTA_SUFFIXES = (".fa", ".fasta", ".fna", ".ffn", ".fas", ".gz", ".txt")


def sequence_records(data: SequencesLike, *, name: str = "sequence") -> list[tuple[str, str]]:
    """``(id, sequence)`` of everything in ``data``, in order; sequences as given (letters unchecked).

    A string is a FASTA file when such a file exists, FASTA text when it starts with ``>``, else one
    bare sequence, whose id is ``name`` (``name1``, ``name2``… for the bare sequences of a list).
    A string that looks like a FASTA file name but names no file is an InputFormatError.
    """
    return [(record_id, sequence) for record_id, _, sequence in sequence_entries(data, name=name)]


def sequence_entries(data: SequencesLike, *, name: str = "sequence") -> list[tuple[str, str, str]]:
    """``(id, header, sequence)`` of everything in ``data``, as :func:`sequence_records` reads it; the
    header is the FASTA title or the SeqRecord's description (the id where there is none)."""
    if isinstance(data, Mapping):
        return [(str(k), str(k), _text(v, str(k), name)) for k, v in data.items()]
    # One item, or a collection of them (anything else, such as a number, is refused by _entries_of).
    single = isinstance(data, (str, os.PathLike)) or _is_record(data) or not isinstance(data, Iterable)
    items = [data] if single else list(data)
    entries: list[tuple[str, str, str]] = []
    for position, item in enumerate(items, start=1):
        entries.extend(_entries_of(item, name if single else f"{name}{position}", name))
    return entries


def _entries_of(item: Any, bare_id: str, name: str) -> list[tuple[str, str, str]]:
    if isinstance(item, os.PathLike):
        return read_fasta_records(item)
    if isinstance(item, str):
        text = item.strip()
        if text.startswith(">"):
            return [(title.split(None, 1)[0] if title.strip() else bare_id, title, sequence)
                    for title, sequence in SimpleFastaParser(io.StringIO(text))]
        if os.path.isfile(text):
            return read_fasta_records(text)
        if os.sep in text or text.lower().endswith(_FASTA_SUFFIXES):
            raise InputFormatError("no such file (and not a sequence)", file=text)
        return [(bare_id, bare_id, "".join(text.split()))]
    if _is_record(item):
        return [(str(item.id), str(getattr(item, "description", "") or item.id), str(item.seq))]
    if isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(v, str) for v in item):
        return [(item[0], item[0], item[1])]
    raise InputFormatError(f"expected a FASTA path, a sequence string, a SeqRecord or an (id, sequence) pair, "
                           f"not {type(item).__name__}", row=bare_id, column=name)


def _is_record(item: Any) -> bool:
    return hasattr(item, "seq") and hasattr(item, "id") and not isinstance(item, (str, tuple))


def _text(value: Any, record_id: str, name: str) -> str:
    if isinstance(value, str):
        return value
    if _is_record(value):
        return str(value.seq)
    if type(value).__name__ == "Seq":  # Biopython's Seq, without importing Bio.Seq for the check
        return str(value)
    raise InputFormatError(f"expected a sequence, found {type(value).__name__}", row=record_id, column=name)
