"""Hexamer usage bias: CPAT's in-frame hexamer log-likelihood ratio (Wang et al., NAR 2013).

A table holds hexamer counts from coding sequences (in frame: hexamers starting at codon
boundaries of CDSs) and from non-coding transcripts (every position, since they have no frame).
A sequence's score is the mean, over its in-frame hexamers, of ``log(f_coding / f_noncoding)``:
above 0 when its codon pairs look like protein-coding ones, below 0 when they look non-coding.

Sequences are handled many at a time as one integer array (:class:`PackedRna`) so that counting
and scoring tens of thousands of transcripts is a few numpy passes, not a Python loop per hexamer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError

LETTERS = "ACGU"
OTHER = 4  # code of any letter outside ACGU (N, gaps): a k-mer holding it is skipped
WORD = 6
HEXAMERS = tuple("".join(letters) for letters in product(LETTERS, repeat=WORD))  # index order: base 4, A=0 … U=3

_CODE_OF_BYTE = np.full(256, OTHER, dtype=np.uint8)
for _code, _letters in enumerate(("Aa", "Cc", "Gg", "UuTt")):
    for _letter in _letters:
        _CODE_OF_BYTE[ord(_letter)] = _code


@dataclass(frozen=True)
class PackedRna:
    """Sequences back to back as one ``uint8`` array (A, C, G, U/T = 0–3; other letters 4).

    ``starts`` has one offset per sequence plus the total length, so sequence ``i`` is
    ``codes[starts[i]:starts[i + 1]]``.
    """

    codes: np.ndarray
    starts: np.ndarray

    @classmethod
    def from_sequences(cls, sequences: Iterable[str]) -> PackedRna:
        chunks = [seq.encode("ascii", "replace") for seq in sequences]
        starts = np.zeros(len(chunks) + 1, dtype=np.int64)
        np.cumsum([len(chunk) for chunk in chunks], out=starts[1:])
        codes = _CODE_OF_BYTE[np.frombuffer(b"".join(chunks), dtype=np.uint8)]
        return cls(codes=codes, starts=starts)

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    def batches(self, max_positions: int = 1 << 22) -> Iterator[tuple[int, PackedRna]]:
        """``(index of its first sequence, sub-pack)`` for runs of whole sequences of about
        ``max_positions`` letters (at least one sequence each), so big inputs stay in small arrays."""
        first = 0
        while first < len(self):
            limit = self.starts[first] + max_positions
            last = max(first + 1, int(np.searchsorted(self.starts, limit, side="right")) - 1)
            offset = self.starts[first]
            yield first, PackedRna(self.codes[offset : self.starts[last]], self.starts[first : last + 1] - offset)
            first = last

    def record_of_position(self) -> np.ndarray:
        """For each position of ``codes``, the index of the sequence it belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    def offset_in_record(self) -> np.ndarray:
        """For each position of ``codes``, its 0-based offset within its own sequence."""
        return np.arange(len(self.codes), dtype=np.int64) - np.repeat(self.starts[:-1], self.lengths)

    def kmer_codes(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Base-4 code of the k-mer starting at each position (k ≤ 32; the narrowest unsigned type
        that holds it), and whether it is valid: inside one sequence and made of ACGU only."""
        if not 1 <= k <= 32:
            raise ValueError(f"k must be in 1..32, got {k}")
        dtype = np.uint16 if k <= 8 else np.uint32 if k <= 16 else np.uint64
        n = len(self.codes)
        values = np.zeros(n, dtype=dtype)
        valid = np.zeros(n, dtype=bool)
        if n < k:
            return values, valid
        window = n - k + 1
        acc = values[:window]
        two = dtype(2)
        for j in range(k):
            acc <<= two
            acc |= (self.codes[j : j + window] & 3).astype(dtype)
        others = np.concatenate(([0], np.cumsum(self.codes == OTHER)))
        valid[:window] = others[k : k + window] == others[:window]
        valid &= self.offset_in_record() + k <= np.repeat(self.lengths, self.lengths)
        return values, valid


def _hexamer_positions(packed: PackedRna, in_frame: bool, records: np.ndarray | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Per batch: hexamer index (0–4095) and sequence index of every counted position."""
    selected = None if records is None else np.asarray(records, dtype=bool)
    for first, batch in packed.batches():
        values, keep = batch.kmer_codes(WORD)
        if in_frame:
            keep &= batch.offset_in_record() % 3 == 0
        owner = batch.record_of_position() + first
        if selected is not None:
            keep &= selected[owner]
        yield values[keep].astype(np.int64), owner[keep]


def count_hexamers(packed: PackedRna, *, in_frame: bool, records: np.ndarray | None = None) -> np.ndarray:
    """Hexamer counts (length 4096) over the sequences of ``packed`` selected by the boolean mask
    ``records`` (all when None): in frame 0 only (``in_frame``, for CDSs) or at every position."""
    counts = np.zeros(len(HEXAMERS), dtype=np.int64)
    for index, _ in _hexamer_positions(packed, in_frame, records):
        counts += np.bincount(index, minlength=len(HEXAMERS))
    return counts


@dataclass(frozen=True)
class HexamerTable:
    """Hexamer counts of coding and non-coding training sequences, and the score they define.

    ``pseudocount`` is added to every count so that a hexamer unseen in one class gets a finite
    log ratio (CPAT instead scores such hexamers ±1).
    """

    coding: np.ndarray
    noncoding: np.ndarray
    pseudocount: float = 1.0

    def __post_init__(self) -> None:
        for name in ("coding", "noncoding"):
            counts = np.asarray(getattr(self, name), dtype=np.int64)
            if counts.shape != (len(HEXAMERS),) or (counts < 0).any():
                raise ValueError(f"{name} counts must be {len(HEXAMERS)} non-negative integers")
            object.__setattr__(self, name, counts)
        if not self.pseudocount > 0:
            raise ValueError("pseudocount must be > 0")

    @classmethod
    def from_sequences(cls, cds: Iterable[str], noncoding: Iterable[str], pseudocount: float = 1.0) -> HexamerTable:
        """Count in-frame hexamers of the CDSs ``cds`` (start codon first) and all hexamers of the
        non-coding transcripts ``noncoding``."""
        return cls(
            coding=count_hexamers(PackedRna.from_sequences(cds), in_frame=True),
            noncoding=count_hexamers(PackedRna.from_sequences(noncoding), in_frame=False),
            pseudocount=pseudocount,
        )

    @property
    def log_ratio(self) -> np.ndarray:
        """``log(f_coding / f_noncoding)`` of each hexamer (natural log), smoothed by the pseudocount."""
        coding = self.coding + self.pseudocount
        noncoding = self.noncoding + self.pseudocount
        return np.log(coding / coding.sum()) - np.log(noncoding / noncoding.sum())

    def score(self, orfs: PackedRna) -> np.ndarray:
        """Mean log ratio over the in-frame hexamers of each sequence of ``orfs`` (0 when it has none)."""
        log_ratio = self.log_ratio
        totals = np.zeros(len(orfs))
        counts = np.zeros(len(orfs))
        for index, owner in _hexamer_positions(orfs, True, None):
            totals += np.bincount(owner, weights=log_ratio[index], minlength=len(orfs))
            counts += np.bincount(owner, minlength=len(orfs))
        return np.divide(totals, counts, out=np.zeros(len(orfs)), where=counts > 0)

    def to_tsv(self) -> str:
        """The counts as TSV: ``hexamer``, ``coding``, ``noncoding`` (one row per hexamer)."""
        frame = pd.DataFrame({"hexamer": HEXAMERS, "coding": self.coding, "noncoding": self.noncoding})
        return frame.to_csv(sep="\t", index=False, lineterminator="\n")

    @classmethod
    def from_tsv(cls, text: str, pseudocount: float = 1.0, *, source: str | None = None) -> HexamerTable:
        """Read :meth:`to_tsv`'s output; raise InputFormatError for anything else."""
        try:
            frame = pd.read_csv(io.StringIO(text), sep="\t", dtype={"hexamer": str})
        except (ValueError, pd.errors.ParserError) as exc:
            raise InputFormatError(f"not a hexamer table ({exc})", file=source) from None
        if list(frame.columns) != ["hexamer", "coding", "noncoding"]:
            raise InputFormatError("expected the columns hexamer, coding, noncoding", file=source)
        if tuple(frame["hexamer"]) != HEXAMERS:
            raise InputFormatError(f"expected the {len(HEXAMERS)} hexamers of ACGU in order", file=source, column="hexamer")
        for column in ("coding", "noncoding"):
            values = pd.to_numeric(frame[column], errors="coerce")
            if values.isna().any() or (values < 0).any() or (values % 1 != 0).any():
                raise InputFormatError("expected non-negative whole counts", file=source, column=column)
        return cls(frame["coding"].to_numpy(np.int64), frame["noncoding"].to_numpy(np.int64), pseudocount)
