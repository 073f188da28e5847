"""Where a transcript lies relative to the reference's protein-coding transcripts (pyranges).

Classes borrow gffcompare's class codes and their rank order (the first that applies wins):

=====  ==========================================================================================
``o``  exonic overlap with a coding transcript on the same strand (gffcompare's ``= c k m n j e o``
       all collapse here: for lincRNA calling any same-strand exon overlap disqualifies)
``x``  exonic overlap with a coding transcript on the opposite strand (antisense; ``s`` too)
``i``  inside an intron of a coding transcript, no exonic overlap with any, either strand (the
       opposite-strand case is FEELnc's "antisense genic intronic"; it is neither ``x`` nor ``o``)
``y``  overlaps a coding transcript's span without exon overlap and not inside one intron: that
       transcript's exons lie in this one's introns
``p``  no overlap, but a coding transcript less than ``flank`` nt away on either strand
       (gffcompare's "possible polymerase run-on"): its own class, so it can be kept or not
``u``  intergenic: no coding transcript within ``flank`` nt on either strand
=====  ==========================================================================================

An unstranded (``.``) transcript, or reference transcript, counts as same-strand with both strands.
Distances are the number of nucleotides between the two transcripts (0 when they overlap).
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyranges as pr

from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import Transcript
from rnakit.lncrna.settings import LOCATION_CLASSES  # noqa: F401  (re-exported: its home is light)
from rnakit.seq.fasta import iter_fasta_records
from rnakit.tabular import open_text

log = logging.getLogger(__name__)

PROTEIN_CODING = "protein_coding"


# ------------------------------------------------------------------------------------ coding set
def read_id_list(path: str | os.PathLike[str]) -> set[str]:
    """Transcript ids from a FASTA (its record ids) or a text file (first word of each line, ``#`` skipped)."""
    name = str(path)
    if not Path(path).is_file():
        raise InputFormatError("no such file", file=name)
    with open_text(path) as handle:
        first = next((line for line in handle if line.strip()), "")
    if not first:
        raise InputFormatError("empty file (expected transcript ids, one per line, or a FASTA)", file=name)
    if first.startswith(">"):
        return {record_id for record_id, _, _ in iter_fasta_records(path)}
    with open_text(path) as handle:
        return {line.split()[0] for line in handle if line.strip() and not line.startswith("#")}


def protein_coding_transcripts(
    annotation: Mapping[str, Transcript], coding_ids: set[str] | None = None, *, file: str | None = None
) -> list[Transcript]:
    """Reference transcripts that code for protein.

    A transcript codes when its biotype (transcript's, else gene's) is ``protein_coding``, when it has
    CDS lines, or when ``coding_ids`` lists it. Raises InputFormatError when this finds none: the
    annotation then carries no protein-coding information, and ``--coding-ids`` must supply it.
    """
    if coding_ids is not None:
        unknown = coding_ids.difference(annotation)
        if len(unknown) == len(coding_ids):
            raise InputFormatError(f"none of the {len(coding_ids)} coding ids names a transcript of the annotation "
                                   f"(e.g. {next(iter(sorted(unknown)))})", file=file)
        if unknown:
            log.warning("%d of %d coding ids are not transcripts of the annotation (e.g. %s)",
                        len(unknown), len(coding_ids), sorted(unknown)[0])
    coding = [t for t in annotation.values()
              if t.biotype == PROTEIN_CODING or t.has_cds or (coding_ids is not None and t.id in coding_ids)]
    if not coding:
        raise InputFormatError(
            "the annotation has no protein-coding information (no protein_coding biotype, no CDS lines): "
            "pass --coding-ids with a FASTA or list of its coding transcript ids", file=file)
    return coding


# ------------------------------------------------------------------------------------ intervals
def _ranges(rows: list[tuple], columns: list[str]) -> pr.PyRanges:
    """PyRanges from (Chromosome, Start 0-based, End exclusive, extra…) rows. Strands are carried in a
    plain column: pyranges' own strand handling cannot mix '.' with '+'/'-'."""
    frame = pd.DataFrame(rows, columns=["Chromosome", "Start", "End", *columns])
    return pr.PyRanges(frame.astype({"Chromosome": str, "Start": np.int64, "End": np.int64}))


def _exon_ranges(transcripts: Iterable[Transcript]) -> pr.PyRanges:
    rows = [(t.chrom, start - 1, end, t.id, t.strand) for t in transcripts for start, end in t.exons]
    return _ranges(rows, ["id", "strand"])


def _span_ranges(transcripts: Iterable[Transcript]) -> pr.PyRanges:
    return _ranges([(t.chrom, t.start - 1, t.end, t.id, t.strand) for t in transcripts], ["id", "strand"])


@contextlib.contextmanager
def _quiet_pyranges():
    """pyranges 0.1 calls pandas APIs that pandas 3 deprecates: nothing a user or caller can act on."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        yield


def _join(left: pr.PyRanges, right: pr.PyRanges, columns: list[str]) -> pd.DataFrame:
    """Every overlapping (left, right) pair, strand-blind, as a frame with ``columns`` (right's get ``_b``)."""
    if len(left) == 0 or len(right) == 0:
        return pd.DataFrame(columns=columns)
    with _quiet_pyranges():
        joined = left.join(right, strandedness=False, apply_strand_suffix=False).df
    return joined[columns] if len(joined) else pd.DataFrame(columns=columns)


def _same_strand(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a == b) | (a == ".") | (b == ".")


def exonic_overlaps(candidates: Iterable[Transcript], others: Iterable[Transcript]) -> pd.DataFrame:
    """Pairs of transcripts sharing at least one exonic nucleotide: columns ``id, other, same_strand``."""
    joined = _join(_exon_ranges(candidates), _exon_ranges(others), ["id", "strand", "id_b", "strand_b"])
    pairs = pd.DataFrame({"id": joined["id"], "other": joined["id_b"],
                          "same_strand": _same_strand(joined["strand"], joined["strand_b"]).astype(bool)})
    return pairs.drop_duplicates(ignore_index=True)


# ------------------------------------------------------------------------------------ classes
def classify_locations(
    candidates: Iterable[Transcript], coding: Iterable[Transcript], *, flank: int = 1000
) -> pd.DataFrame:
    """The location class of every candidate against the coding transcripts (see the module notes).

    Returns a frame indexed by candidate id with ``class``, ``nearest_coding_gene`` (gene id, else
    transcript id, of the coding transcript that decided the class, or the nearest one; empty when
    the contig has none) and ``coding_distance`` (nt between them; 0 for overlaps; NA when none).
    """
    candidates = list(candidates)
    coding = list(coding)
    gene_of = {t.id: t.gene_id or t.id for t in coding}
    ids = [t.id for t in candidates]
    result = pd.DataFrame({"class": "u", "nearest_coding_gene": "", "coding_distance": pd.NA}, index=pd.Index(ids, name="id"))
    result["coding_distance"] = result["coding_distance"].astype("Int64")
    decided: dict[str, tuple[str, str]] = {}  # candidate → (class, coding transcript)

    exonic = exonic_overlaps(candidates, coding)
    for code, same in (("o", True), ("x", False)):
        for row in exonic[exonic["same_strand"] == same].itertuples():
            decided.setdefault(row.id, (code, row.other))

    spans = _join(_span_ranges(candidates), _span_ranges(coding), ["id", "Start", "End", "id_b"])
    spans = spans[~spans["id"].isin(decided)]
    introns = _ranges([(t.chrom, a - 1, b, t.id) for t in coding for a, b in t.introns], ["id"])
    spanning = set(spans["id"])
    inside = _join(_span_ranges(t for t in candidates if t.id in spanning), introns,
                   ["id", "Start", "End", "id_b", "Start_b", "End_b"])
    inside = inside[(inside["Start_b"] <= inside["Start"]) & (inside["End"] <= inside["End_b"])]
    for row in inside.itertuples():
        decided.setdefault(row.id, ("i", row.id_b))
    for row in spans.itertuples():
        decided.setdefault(row.id, ("y", row.id_b))
    if decided:
        overlapping = pd.DataFrame.from_dict(decided, orient="index", columns=["class", "partner"])
        result.loc[overlapping.index, "class"] = overlapping["class"]
        result.loc[overlapping.index, "nearest_coding_gene"] = overlapping["partner"].map(gene_of)
        result.loc[overlapping.index, "coding_distance"] = 0

    free = [t for t in candidates if t.id not in decided]
    if free and coding:
        with _quiet_pyranges():
            nearest = _span_ranges(free).nearest(_span_ranges(coding), strandedness=False,
                                                 apply_strand_suffix=False).df
        if len(nearest):
            gap = np.maximum(nearest["Start_b"] - nearest["End"], nearest["Start"] - nearest["End_b"])
            result.loc[nearest["id"], "nearest_coding_gene"] = nearest["id_b"].map(gene_of).to_numpy()
            result.loc[nearest["id"], "coding_distance"] = gap.to_numpy()
            near = nearest["id"][(gap < flank).to_numpy()]
            result.loc[near, "class"] = "p"
    return result
