"""Output formats for hybridisation hits, laid out exactly as RNAhybrid 2.1 prints them.

RNAhybrid (Rehmsmeier et al. 2004) is what most miRNA-target pipelines parse, so rnakit writes the
same text: users can switch tools without touching their parsers. The layout below was measured on
the RNAhybrid 2.1.2 binary (Debian package ``rnahybrid``), not taken from its manual.

The duplex drawing has four lines, one column per pair or per loop position::

    target 5' A           C       U 3'    line 1: unpaired target nts
               UGU CAACCUA CUACUUC        line 2: paired target nts
               AUA GUUGGAU GAUGGAG        line 3: paired query nts (query read 3'→5')
    miRNA  3' G   U               U 5'    line 4: unpaired query nts

* A pair takes one column (line 2 over line 3).
* A loop between two pairs takes ``max(unpaired target, unpaired query)`` columns; both sides are
  left-aligned in it (a bulge is a loop with one side empty).
* Left of the helix: the query's whole unpaired 3' tail, right-aligned, and at most ONE target nt
  (the 5' dangling nucleotide), in the column just before the first pair. Right of the helix: the
  target's 3' dangling nucleotide (again at most one) and the query's whole unpaired 5' tail, both
  left-aligned. Longer unpaired target stretches are never drawn; the whole query always is.
* All four lines are padded with spaces to the same width; letters are upper-case RNA (T → U).
* ``position`` is the 1-based target position of the leftmost target nucleotide drawn: the 5'
  dangling nucleotide, or the first paired one when the site starts at target nt 1. In 0-based
  terms that is ``max(first paired target index, 1)``. It is not the drawing's first column when the
  query's 3' tail is longer than one nucleotide.
* The ``length`` fields are the lengths of the sequences RNAhybrid actually hybridised. RNAhybrid
  2.1's FASTA reader drops the last character of a sequence whose last line has no trailing
  newline; that is why the miRBind CLASH file (shared/data/mirna_clash) shows 49 and 19 for a
  50-nt target and a 20-nt miRNA, and why its drawings lack the final target/miRNA nucleotide (the
  target field there is the FASTA *name*, which is the untruncated sequence). rnakit prints
  ``len(hit.target)`` and ``len(hit.query)``, as the binary does for what it was given.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.hybrid.hit import Hit

#: the output formats ``write_hits`` accepts
FORMATS = ("rnahybrid", "compact", "tsv", "json")

#: columns of the ``tsv`` output, and keys of each ``json`` record, in this order
TSV_COLUMNS = (
    "target_id",  # target name
    "query_id",  # query (miRNA) name
    "energy",  # minimum free energy, kcal/mol
    "p_value",  # RNAhybrid-style p-value; empty in tsv / null in json when not computed
    "position",  # RNAhybrid's position (see the module docstring)
    "target_first",  # 1-based target position of the first (5'-most) paired nt
    "target_last",  # 1-based target position of the last (3'-most) paired nt
    "query_first",  # 1-based query position of the 5'-most paired nt
    "query_last",  # 1-based query position of the 3'-most paired nt
    "n_pairs",  # number of base pairs
    "target_structure",  # target_first..target_last, 5'→3': '(' paired, '.' unpaired
    "query_structure",  # the whole query, 5'→3': ')' paired, '.' unpaired
)

#: printed for a hit without a p-value (statistics not asked for); RNAhybrid always has one.
#: "nan" keeps the 11-field compact layout and is read as a float by Python, C (strtod), R, Perl and
#: pandas, while any p-value cut-off (p <= x) rejects it, so old parsers neither crash nor keep it.
MISSING_P_VALUE = "nan"

_COMPACT_FIELDS = (
    "target", "target_length", "query", "query_length", "mfe", "p_value", "position",
    "line1", "line2", "line3", "line4",
)
_DRAWING_LETTERS = re.compile(r"[A-Za-z ]*")


def _rna(sequence: str) -> str:
    return sequence.upper().replace("T", "U")


def _check_pairs(hit: Hit) -> None:
    """A drawing needs at least one pair, targets rising and queries falling, all in range."""
    if not hit.pairs:
        raise ValueError(f"hit {hit.target_id}/{hit.query_id} has no base pairs")
    for k, (t, q) in enumerate(hit.pairs):
        if not (0 <= t < len(hit.target) and 0 <= q < len(hit.query)):
            raise ValueError(f"pair {k} ({t}, {q}) lies outside the sequences")
        if k and not (t > hit.pairs[k - 1][0] and q < hit.pairs[k - 1][1]):
            raise ValueError(f"pair {k} ({t}, {q}) breaks duplex order (target up, query down)")


def hit_position(hit: Hit) -> int:
    """RNAhybrid's ``position``: 1-based target position of the leftmost target nt drawn.

    That is the 5' dangling nucleotide (0-based index of the first pair, read 1-based), or target
    nt 1 when the first pair is on it: RNAhybrid prints 1, not 0, there.
    """
    _check_pairs(hit)
    return max(hit.pairs[0][0], 1)


def duplex_lines(hit: Hit) -> tuple[str, str, str, str]:
    """The four lines of RNAhybrid's duplex drawing, without the ``target 5'`` prefixes.

    Lines 1-4: unpaired target, paired target, paired query, unpaired query; the query runs 3'→5'.
    Kept character-exact (including the padding) because parsers of RNAhybrid output rely on it.
    """
    _check_pairs(hit)
    target, query = _rna(hit.target), _rna(hit.query)
    cols: list[list[str]] = [[], [], [], []]

    def block(top: str, bottom: str) -> None:  # a stretch of unpaired nts, both left-aligned
        width = max(len(top), len(bottom))
        cols[0].append(top.ljust(width))
        cols[1].append(" " * width)
        cols[2].append(" " * width)
        cols[3].append(bottom.ljust(width))

    t0, q0 = hit.pairs[0]
    dangle5 = target[t0 - 1] if t0 > 0 else ""
    tail3 = query[q0 + 1:][::-1]  # the query's unpaired 3' end, drawn 3'→5'
    width = max(len(dangle5), len(tail3))
    cols[0].append(dangle5.rjust(width))
    cols[1].append(" " * width)
    cols[2].append(" " * width)
    cols[3].append(tail3.rjust(width))

    for k, (t, q) in enumerate(hit.pairs):
        if k:
            t_prev, q_prev = hit.pairs[k - 1]
            block(target[t_prev + 1:t], query[q + 1:q_prev][::-1])
        cols[0].append(" ")
        cols[1].append(target[t])
        cols[2].append(query[q])
        cols[3].append(" ")

    t_end, q_end = hit.pairs[-1]
    block(target[t_end + 1:t_end + 2], query[:q_end][::-1])
    line1, line2, line3, line4 = ("".join(parts) for parts in cols)
    return line1, line2, line3, line4


def _p_value_text(p_value: float | None) -> str:
    return MISSING_P_VALUE if p_value is None else f"{p_value:f}"


def format_rnahybrid(hit: Hit) -> str:
    """The hit as RNAhybrid's default (human-readable) block, ending with its two blank lines.

    A hit without a p-value prints ``p-value: nan`` (see MISSING_P_VALUE) rather than dropping the
    line, so line-counting parsers stay aligned.
    """
    line1, line2, line3, line4 = duplex_lines(hit)
    return (
        f"target: {hit.target_id}\n"
        f"length: {len(hit.target)}\n"
        f"miRNA : {hit.query_id}\n"
        f"length: {len(hit.query)}\n"
        "\n"
        f"mfe: {hit.energy:.1f} kcal/mol\n"
        f"p-value: {_p_value_text(hit.p_value)}\n"
        "\n"
        f"position  {hit_position(hit)}\n"
        f"target 5' {line1} 3'\n"
        f"          {line2}   \n"
        f"          {line3}   \n"
        f"miRNA  3' {line4} 5'\n"
        "\n"
        "\n"
    )


def check_compact_id(name: str, column: str, file: str | None = None) -> None:
    """InputFormatError for an id the colon-separated compact line cannot hold (':' or a line break)."""
    if ":" in name or "\n" in name or "\r" in name:
        raise InputFormatError("an id with ':' cannot be written in the compact format (nor one with a line break)",
                               file=file, row=name, column=column)


def format_compact(hit: Hit) -> str:
    """The hit as RNAhybrid's ``-c`` line (no newline): 11 colon-separated fields.

    ``target:target_length:query:query_length:mfe:p-value:position:line1:line2:line3:line4``; the
    lengths are those of ``hit.target``/``hit.query`` (see the module docstring for the miRBind
    file's one-short lengths). Raises InputFormatError for an id containing ':' or a line break,
    which would make the line unparseable (RNAhybrid itself does not guard against it).
    """
    check_compact_id(hit.target_id, "target_id")
    check_compact_id(hit.query_id, "query_id")
    fields = (
        hit.target_id, str(len(hit.target)), hit.query_id, str(len(hit.query)),
        f"{hit.energy:.1f}", _p_value_text(hit.p_value), str(hit_position(hit)), *duplex_lines(hit),
    )
    return ":".join(fields)


def hit_record(hit: Hit) -> dict[str, object]:
    """One hit as a flat record with the TSV_COLUMNS keys: what tables and JSON consumers need
    without re-parsing a drawing (1-based spans, pair count, dot-bracket-like pairing strings)."""
    _check_pairs(hit)
    t_first, t_last = hit.pairs[0][0], hit.pairs[-1][0]
    q_low, q_high = hit.pairs[-1][1], hit.pairs[0][1]
    paired_t = {t for t, _ in hit.pairs}
    paired_q = {q for _, q in hit.pairs}
    return {
        "target_id": hit.target_id,
        "query_id": hit.query_id,
        "energy": round(float(hit.energy), 2),
        "p_value": None if hit.p_value is None else float(hit.p_value),
        "position": hit_position(hit),
        "target_first": t_first + 1,
        "target_last": t_last + 1,
        "query_first": q_low + 1,
        "query_last": q_high + 1,
        "n_pairs": len(hit.pairs),
        "target_structure": "".join("(" if i in paired_t else "." for i in range(t_first, t_last + 1)),
        "query_structure": "".join(")" if i in paired_q else "." for i in range(len(hit.query))),
    }


def _tsv_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def write_hits(hits: Iterable[Hit], handle: TextIO, fmt: str) -> None:
    """Write ``hits`` to ``handle`` as ``rnahybrid`` blocks, ``compact`` lines, ``tsv`` (header +
    TSV_COLUMNS, empty cell for a missing p-value) or ``json`` (a list of hit_record dicts)."""
    if fmt not in FORMATS:
        raise ValueRangeError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "rnahybrid":
        for hit in hits:
            handle.write(format_rnahybrid(hit))
    elif fmt == "compact":
        for hit in hits:
            handle.write(format_compact(hit) + "\n")
    elif fmt == "tsv":
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(TSV_COLUMNS)
        for hit in hits:
            record = hit_record(hit)
            writer.writerow([_tsv_cell(record[c]) for c in TSV_COLUMNS])
    else:
        json.dump([hit_record(hit) for hit in hits], handle, indent=1, allow_nan=False)
        handle.write("\n")


@dataclass(frozen=True)
class ParsedHit:
    """One RNAhybrid compact line, fields as given (lengths are RNAhybrid's, see the module doc)."""

    target: str
    target_length: int
    query: str
    query_length: int
    energy: float
    p_value: float | None
    position: int
    lines: tuple[str, str, str, str]

    @property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        """The (target_index, query_index) pairs, 0-based, recovered from the drawing."""
        return pairs_from_lines(self.lines, self.position)

    def to_hit(self, target: str, query: str) -> Hit:
        """A Hit with this line's ids, energy, p-value and pairs on the given full sequences.

        The drawing holds only the site, so the sequences must come from elsewhere; they must have
        the line's lengths and carry the drawn letters at the recovered positions.
        """
        target_rna, query_rna = _rna(target), _rna(query)
        if len(target_rna) != self.target_length or len(query_rna) != self.query_length:
            raise InputFormatError(
                f"sequences of length {len(target_rna)}/{len(query_rna)} do not match the line's "
                f"lengths {self.target_length}/{self.query_length}", row=self.target, column="target_length",
            )
        pairs = self.pairs
        hit = Hit(self.target, self.query, target_rna, query_rna, self.energy, pairs, self.p_value)
        if tuple(drawn.rstrip() for drawn in duplex_lines(hit)) != tuple(given.rstrip() for given in self.lines):
            raise InputFormatError(
                "the drawing's letters differ from the given sequences", row=self.target, column="line1",
            )
        return hit


def _field_error(detail: str, field: str, file: str | None, row: int | None) -> InputFormatError:
    return InputFormatError(detail, file=file, row=row, column=field)


def _parse_int(text: str, field: str, minimum: int, file: str | None, row: int | None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _field_error(f"expected an integer, found {text!r}", field, file, row) from None
    if value < minimum:
        raise _field_error(f"expected an integer >= {minimum}, found {value}", field, file, row)
    return value


def _parse_float(text: str, field: str, file: str | None, row: int | None) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _field_error(f"expected a number, found {text!r}", field, file, row) from None
    if math.isinf(value):
        raise _field_error(f"expected a finite number, found {text!r}", field, file, row)
    return value


def parse_compact(line: str, *, file: str | None = None, row: int | None = None) -> ParsedHit:
    """Read one RNAhybrid ``-c`` line (a trailing CR/LF is ignored, spaces are kept).

    Raises InputFormatError naming ``file``, ``row`` and the offending field for a wrong field
    count (e.g. a name containing ':'), a non-numeric number, or a drawing that is not one duplex.
    """
    text = line.rstrip("\r\n")
    fields = text.split(":")
    if len(fields) != len(_COMPACT_FIELDS):
        raise InputFormatError(
            f"expected {len(_COMPACT_FIELDS)} colon-separated fields "
            f"({':'.join(_COMPACT_FIELDS)}), found {len(fields)}", file=file, row=row,
        )
    target, target_len, query, query_len, mfe, p_text, pos = fields[:7]
    lines = (fields[7], fields[8], fields[9], fields[10])
    for name, value in (("target", target), ("query", query)):
        if not value:
            raise _field_error("empty name", name, file, row)
    target_length = _parse_int(target_len, "target_length", 1, file, row)
    query_length = _parse_int(query_len, "query_length", 1, file, row)
    energy = _parse_float(mfe, "mfe", file, row)
    if p_text.strip().lower() in (MISSING_P_VALUE, "na", ""):
        p_value = None
    else:
        p_value = _parse_float(p_text, "p_value", file, row)
        if not 0.0 <= p_value <= 1.0:
            raise _field_error(f"expected a p-value in [0, 1], found {p_text!r}", "p_value", file, row)
    position = _parse_int(pos, "position", 1, file, row)
    pairs = pairs_from_lines(lines, position, file=file, row=row)
    drawn_query = sum(c != " " for c in lines[2] + lines[3])
    if drawn_query != query_length:
        raise _field_error(
            f"the drawing holds {drawn_query} query nts but query_length is {query_length}",
            "line4", file, row,
        )
    if pairs[-1][0] >= target_length:
        raise _field_error(
            f"the drawing reaches target position {pairs[-1][0] + 1} beyond target_length {target_length}",
            "position", file, row,
        )
    return ParsedHit(target, target_length, query, query_length, energy, p_value, position, lines)


def pairs_from_lines(
    lines: Sequence[str], position: int, *, file: str | None = None, row: int | None = None
) -> tuple[tuple[int, int], ...]:
    """The (target_index, query_index) pairs, 0-based, of an RNAhybrid drawing.

    ``position`` is RNAhybrid's (the 1-based position of the leftmost target nt drawn); query
    indices come from the drawing alone because RNAhybrid draws the whole query, its 5' end
    rightmost. Lines may have lost trailing spaces. Raises InputFormatError (field ``line1``..
    ``line4``) for a drawing that is not one duplex.
    """
    if len(lines) != 4:
        raise InputFormatError(f"expected 4 drawing lines, found {len(lines)}", file=file, row=row)
    for k, text in enumerate(lines):
        if not _DRAWING_LETTERS.fullmatch(text):
            raise _field_error("a drawing line may hold only letters and spaces", f"line{k + 1}", file, row)
    width = max(map(len, lines))
    unpaired_t, paired_t, paired_q, unpaired_q = (text.ljust(width) for text in lines)
    n_query = sum(c != " " for c in paired_q + unpaired_q)
    target_index, query_index = position - 1, n_query - 1
    seen_target = False
    pairs: list[tuple[int, int]] = []
    for col in range(width):
        if (paired_t[col] != " ") != (paired_q[col] != " "):
            raise _field_error(f"column {col + 1} pairs only one strand", "line2", file, row)
        if unpaired_t[col] != " " and paired_t[col] != " ":
            raise _field_error(f"column {col + 1} holds two target nts", "line1", file, row)
        if unpaired_q[col] != " " and paired_q[col] != " ":
            raise _field_error(f"column {col + 1} holds two query nts", "line4", file, row)
        has_target = unpaired_t[col] != " " or paired_t[col] != " "
        has_query = unpaired_q[col] != " " or paired_q[col] != " "
        if has_target and seen_target:
            target_index += 1
        seen_target = seen_target or has_target
        if paired_t[col] != " ":
            pairs.append((target_index, query_index))
        if has_query:
            query_index -= 1
    if not pairs:
        raise _field_error("the drawing has no base pairs", "line2", file, row)
    return tuple(pairs)
