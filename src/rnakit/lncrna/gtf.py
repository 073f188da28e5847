"""GTF transcripts (exons grouped by ``transcript_id``), GTF writing, and spliced transcript sequences.

Coordinates are GTF's: 1-based, both ends included. A transcript's exons are sorted by position;
its sequence is read 5'→3' on its own strand (reverse complement for ``-``; ``.`` is read as ``+``
and callers that need both strands take the reverse complement themselves).

Genome access uses pyfastx: an indexed FASTA reads one transcript's exons without loading the
genome, so a 3 Gb genome costs a few MB of memory. pyfastx writes its index next to the FASTA by
default, which fails (or litters) in a read-only shared data folder, so the index is kept in the
rnakit cache instead (``$RNAKIT_CACHE_DIR`` or ``~/.cache/rnakit``, folder ``genome_index``), keyed
by the FASTA's path, size and modification time, and reused by later runs. (Reading a small genome
whole with Biopython would avoid the index, but not scale to a mammalian genome.)
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import pyfastx

from rnakit.errors import InputFormatError
from rnakit.files import cache_folder, read_cache_entry
from rnakit.seq.alphabet import normalise_rna, reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from rnakit.tabular import open_text

STRANDS = frozenset("+-.")
BIOTYPE_KEYS = ("transcript_biotype", "transcript_type", "gene_biotype", "gene_type")
# Features that belong to a gene rather than a transcript carry no transcript_id.
GENE_LEVEL_FEATURES = frozenset({"gene"})
_ATTRIBUTE = re.compile(r'\s*([^\s;"]+)\s+(?:"([^"]*)"|([^;"\s]+))\s*;?')
_EXON_ONLY_KEYS = frozenset({"exon_number", "exon_id", "exon_version"})


@dataclass(frozen=True)
class Transcript:
    """One transcript: exons as sorted ``(start, end)`` pairs (1-based, inclusive) on one strand."""

    id: str
    chrom: str
    strand: str
    exons: tuple[tuple[int, int], ...]
    gene_id: str = ""
    biotype: str = ""
    has_cds: bool = False
    attributes: Mapping[str, str] = field(default_factory=dict, compare=False)
    source: str = "."  # the GTF's second column
    lines: tuple[str, ...] = field(default=(), compare=False)  # original transcript and exon lines

    @property
    def start(self) -> int:
        return self.exons[0][0]

    @property
    def end(self) -> int:
        return self.exons[-1][1]

    @property
    def length(self) -> int:
        """Spliced length (nt)."""
        return sum(end - start + 1 for start, end in self.exons)

    @property
    def introns(self) -> tuple[tuple[int, int], ...]:
        """``(first, last)`` intron nucleotides, 1-based inclusive."""
        return tuple((a_end + 1, b_start - 1) for (_, a_end), (b_start, _) in zip(self.exons, self.exons[1:]))


def parse_attributes(text: str) -> dict[str, str]:
    """GTF attributes ``key "value"; key value;`` → dict (the first value of a repeated key wins)."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        key, quoted, bare = match.groups()
        found.setdefault(key, quoted if quoted is not None else bare)
    return found


@dataclass
class _Pending:
    chrom: str
    strand: str
    source: str
    first_line: int
    exons: list[tuple[int, int]] = field(default_factory=list)
    span: tuple[int, int] | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    has_cds: bool = False
    lines: list[str] = field(default_factory=list)


def read_gtf(path: str | os.PathLike[str], *, keep_lines: bool = False) -> dict[str, Transcript]:
    """Transcripts of a GTF file (``.gz`` allowed), ``{transcript_id: Transcript}`` in file order.

    Exon lines make the exons; a ``transcript`` line alone stands for a single exon; CDS lines mark a
    transcript as coding; ``gene`` lines are skipped. ``keep_lines`` keeps each transcript's original
    transcript and exon lines so :func:`write_gtf` can write them back unchanged.
    Raises InputFormatError naming the file, line and field for: an empty file, a line without 9
    tab-separated columns, a non-integer, < 1 or reversed coordinate, a strand other than ``+ - .``,
    a transcript-level line without ``transcript_id``, a transcript on two contigs or strands, and
    overlapping exons.
    """
    file = Path(path)
    name = str(path)
    if not file.is_file():
        raise InputFormatError("no such file", file=name)
    pending: dict[str, _Pending] = {}
    try:
        with open_text(file) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                _read_line(line.rstrip("\n\r"), number, name, pending, keep_lines)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputFormatError(f"cannot read as GTF ({exc.__class__.__name__}: {exc})", file=name) from None
    if not pending:
        raise InputFormatError("empty GTF file (expected exon lines with a transcript_id)", file=name)
    return {tid: _finish(tid, record, name) for tid, record in pending.items()}


def _read_line(line: str, number: int, name: str, pending: dict[str, _Pending], keep_lines: bool) -> None:
    fields = line.split("\t")
    if len(fields) != 9:
        raise InputFormatError(f"expected 9 tab-separated GTF columns, found {len(fields)}", file=name, row=number)
    chrom, source, feature, start_text, end_text, _, strand, _, attribute_text = fields
    if feature in GENE_LEVEL_FEATURES:
        return
    start = _coordinate(start_text, number, name, "start")
    end = _coordinate(end_text, number, name, "end")
    if start < 1:
        raise InputFormatError(f"start {start} is below 1 (GTF is 1-based)", file=name, row=number, column="start")
    if start > end:
        raise InputFormatError(f"start {start} is after end {end}", file=name, row=number, column="start")
    if strand not in STRANDS:
        raise InputFormatError(f"strand {strand!r} is not '+', '-' or '.'", file=name, row=number, column="strand")
    attributes = parse_attributes(attribute_text)
    tid = attributes.get("transcript_id")
    if not tid:
        hint = " (this looks like GFF3; convert it to GTF, e.g. with gffread)" if "=" in attribute_text else ""
        raise InputFormatError(f"{feature} line has no transcript_id attribute{hint}", file=name, row=number,
                               column="attributes")
    record = pending.get(tid)
    if record is None:
        record = pending[tid] = _Pending(chrom, strand, source, number)
    elif chrom != record.chrom or strand != record.strand:
        raise InputFormatError(
            f"transcript {tid} is on {record.chrom} ({record.strand}) at line {record.first_line} "
            f"but on {chrom} ({strand}) here", file=name, row=number)
    if feature == "exon":
        record.exons.append((start, end))
        if not record.attributes:
            record.attributes = attributes
    elif feature == "transcript":
        record.span = (start, end)
        record.attributes = attributes  # the transcript line's attributes describe it best
    elif feature == "CDS":
        record.has_cds = True
    if keep_lines and feature in ("exon", "transcript"):
        record.lines.append(line)


def _coordinate(text: str, number: int, name: str, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputFormatError(f"{column} {text!r} is not an integer", file=name, row=number, column=column) from None


def _finish(tid: str, record: _Pending, name: str) -> Transcript:
    if record.exons:
        exons = sorted(record.exons)
    elif record.span is not None:
        exons = [record.span]
    else:
        raise InputFormatError(f"transcript {tid} has no exon or transcript line", file=name, row=record.first_line)
    for (_, previous_end), (start, _) in zip(exons, exons[1:]):
        if start <= previous_end:
            raise InputFormatError(f"transcript {tid} has overlapping exons (…{previous_end} and {start}…)",
                                   file=name, row=record.first_line)
    attributes = record.attributes
    biotype = next((attributes[key] for key in BIOTYPE_KEYS if attributes.get(key)), "")
    return Transcript(
        id=tid, chrom=record.chrom, strand=record.strand, exons=tuple(exons), gene_id=attributes.get("gene_id", ""),
        biotype=biotype, has_cds=record.has_cds, attributes=attributes, source=record.source, lines=tuple(record.lines),
    )


def _format_attributes(attributes: Mapping[str, str]) -> str:
    return " ".join(f'{key} "{value}";' for key, value in attributes.items())


def gtf_lines(transcript: Transcript) -> list[str]:
    """A transcript line then its exon lines: the original lines where kept, the rest written anew."""
    kept = list(transcript.lines)
    features = {line.split("\t", 3)[2] for line in kept}
    common = {"gene_id": transcript.gene_id, "transcript_id": transcript.id}
    common.update((k, v) for k, v in transcript.attributes.items() if k not in _EXON_ONLY_KEYS)

    def make(feature: str, start: int, end: int, attributes: Mapping[str, str]) -> str:
        return "\t".join([transcript.chrom, transcript.source, feature, str(start), str(end), ".",
                          transcript.strand, ".", _format_attributes(attributes)])

    lines = [] if "transcript" in features else [make("transcript", transcript.start, transcript.end, common)]
    lines += kept
    if "exon" not in features:
        lines += [make("exon", start, end, {**common, "exon_number": str(number)})
                  for number, (start, end) in enumerate(transcript.exons, start=1)]
    return lines


def write_gtf(transcripts: Iterable[Transcript], handle: IO[str]) -> None:
    """Write transcripts as GTF (transcript + exon lines), in the order given."""
    for transcript in transcripts:
        for line in gtf_lines(transcript):
            handle.write(line + "\n")


# ------------------------------------------------------------------------------------ sequences
class SequenceSource(Protocol):
    """Where transcript sequences come from: a genome (spliced) or a FASTA of transcripts."""

    def check(self, transcripts: Iterable[Transcript]) -> None:
        """Raise InputFormatError for the first transcript whose sequence cannot be read."""

    def sequence(self, transcript: Transcript) -> str:
        """RNA (ACGU, upper case) of the transcript, 5'→3' on its strand (``.`` read as ``+``)."""


def default_genome_index_dir() -> Path:
    """``<rnakit cache>/genome_index`` (:func:`rnakit.files.cache_folder`)."""
    return cache_folder("genome_index")


def _first_line(path: Path) -> str:
    with open_text(path) as handle:
        return next((line for line in handle if line.strip()), "")


def _starts_with_byte_order_mark(path: Path) -> bool:
    with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as handle:
        return handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8


def _read_indexed(link: Path) -> tuple[pyfastx.Fasta, dict[str, int]]:
    """The FASTA through its pyfastx index, and every contig's length (reading them reads the whole index)."""
    fasta = pyfastx.Fasta(str(link))
    return fasta, {contig: len(fasta[contig]) for contig in fasta.keys()}


class Genome:
    """A genome FASTA (``.gz`` allowed) read through a pyfastx index kept in the rnakit cache."""

    def __init__(self, path: str | os.PathLike[str], *, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path)
        name = str(path)
        if not self.path.is_file():
            raise InputFormatError("no such file", file=name)
        try:
            first = _first_line(self.path)
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise InputFormatError(f"cannot read the genome ({exc.__class__.__name__}: {exc})", file=name) from None
        if not first:
            raise InputFormatError("empty genome FASTA file", file=name)
        if not first.startswith(">"):
            raise InputFormatError(f"genome is not FASTA: the first line starts with {first[:1]!r}, expected '>'",
                                   file=name)
        self._fasta, self.lengths = self._open_indexed(
            Path(index_dir) if index_dir is not None else default_genome_index_dir())

    def _open_indexed(self, folder: Path) -> tuple[pyfastx.Fasta, dict[str, int]]:
        """Open through a symlink (or a copy, see below) in ``folder``, so pyfastx writes and finds its index
        beside it.

        pyfastx's own ``index_file`` option corrupts the heap with some path lengths (crashes seen here;
        cf. pyfastx issue 88), so it is not used. The index is built under a private name and moved
        into place, so a concurrent run never opens half an index; a damaged one is built anew.
        """
        stat = self.path.stat()
        key = hashlib.sha1(f"{self.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
        # pyfastx refuses a FASTA that starts with a UTF-8 byte-order mark: such a genome is indexed as a
        # plain copy without the mark (the user's file is left as it is), any other through a link.
        plain_copy = _starts_with_byte_order_mark(self.path)
        link = folder / (key + (".fa.gz" if self.path.suffix == ".gz" and not plain_copy else ".fa"))
        index = Path(f"{link}.fxi")
        try:
            opened = read_cache_entry(index, lambda _: _read_indexed(link)) if link.exists() else None
            if opened is None:
                folder.mkdir(parents=True, exist_ok=True)
                scratch = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder))
                try:
                    staged = scratch / link.name
                    if plain_copy:
                        with open_text(self.path) as source, open(staged, "w", encoding="utf-8") as target:
                            shutil.copyfileobj(source, target)
                    else:
                        staged.symlink_to(self.path.resolve())
                    pyfastx.Fasta(str(staged))  # writes its index, staged + ".fxi"
                    os.replace(f"{staged}.fxi", index)
                    os.replace(staged, link)
                finally:
                    shutil.rmtree(scratch, ignore_errors=True)
                opened = _read_indexed(link)
            return opened
        except (RuntimeError, UnicodeDecodeError) as exc:  # pyfastx's complaint about the FASTA itself
            raise InputFormatError(f"cannot index the genome FASTA ({exc})", file=str(self.path)) from None

    def check(self, transcripts: Iterable[Transcript]) -> None:
        """Every transcript's contig is in the genome and its exons end within it."""
        for transcript in transcripts:
            length = self.lengths.get(transcript.chrom)
            if length is None:
                shown = ", ".join(list(self.lengths)[:5]) + (", …" if len(self.lengths) > 5 else "")
                raise InputFormatError(
                    f"transcript {transcript.id} is on contig {transcript.chrom!r}, which the genome lacks "
                    f"(genome contigs: {shown})", file=str(self.path))
            if transcript.end > length:
                raise InputFormatError(
                    f"transcript {transcript.id} ends at {transcript.chrom}:{transcript.end}, beyond the contig's "
                    f"{length} nt", file=str(self.path))

    def sequence(self, transcript: Transcript) -> str:
        spliced = self._fasta.fetch(transcript.chrom, list(transcript.exons))
        rna = normalise_rna(spliced)
        return reverse_complement_rna(rna) if transcript.strand == "-" else rna


class TranscriptFasta:
    """Transcript sequences by id from a FASTA (as written by gffread -w: already on each strand)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if not Path(path).is_file():
            raise InputFormatError("no such file", file=self.path)
        self._sequences = read_fasta(path)

    def check(self, transcripts: Iterable[Transcript]) -> None:
        for transcript in transcripts:
            if transcript.id not in self._sequences:
                raise InputFormatError(f"transcript {transcript.id} has no record in the transcript FASTA",
                                       file=self.path)

    def sequence(self, transcript: Transcript) -> str:
        return normalise_rna(self._sequences[transcript.id])
