"""The lincRNA filter: assembled (+ known) transcripts → intergenic, long, non-coding, domain-free ones.

Filters, in order (a transcript's ``first_rejected_by`` is the first it fails):

1. ``location``: location class against the protein-coding reference (:mod:`rnakit.lncrna.location`)
   is one of ``keep_classes`` (default ``u``, intergenic);
2. ``length``: spliced length > ``min_length`` nt; 3. ``exons``: at least ``min_exons`` exons;
4. ``orf``: longest AUG…stop ORF < ``max_orf_aa`` amino acids (both strands when unstranded);
5. ``coding_potential``: the CPAT-style model calls it non-coding (both strands when unstranded:
   the higher probability counts);
6. ``housekeeping``: shares no exon with a housekeeping ncRNA on its strand;
7. ``domains``: no profile-HMM hit in its translated ORF(s).

Every filter's value is computed for every transcript, except the domain search: it only runs on the
transcripts that pass filters 1–6 (the only ones whose fate it decides), since searching a whole
assembly against Pfam would dominate the run time for no change in the output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.cpu import model_threads
from rnakit.errors import InputFormatError
from rnakit.lncrna.coding import CodingModel
from rnakit.lncrna.domains import check_hmm_database, transcript_domains
from rnakit.lncrna.gtf import Genome, SequenceSource, Transcript, TranscriptFasta, read_gtf, write_gtf
from rnakit.lncrna.housekeeping import housekeeping_overlaps, housekeeping_transcripts
from rnakit.lncrna.location import classify_locations, protein_coding_transcripts, read_id_list
from rnakit.lncrna.merge import Candidate, merge_transcripts
from rnakit.lncrna.result import FilterInputs, FilterResult
from rnakit.lncrna.settings import LOCATION_CLASSES, FilterSettings
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.outputs import check_output_folder, output_folder
from rnakit.seq.orf import longest_orf

log = logging.getLogger(__name__)

FILTERS = ("location", "length", "exons", "orf", "coding_potential", "housekeeping", "domains")
OUTPUT_FILES = ("lincrna.gtf", "lincrna.fa", "transcripts.tsv", "report.html")
FILTER_COMMAND = "rnakit lncrna filter"  # names the writer in its output folder's marker
TABLE_COLUMNS = [
    "id", "source", "merged_ids", "gene_id", "chrom", "strand", "start", "end", "exons", "length", "class",
    "nearest_coding_gene", "coding_distance", "longest_orf_aa", "coding_probability", "coding",
    "housekeeping_overlap", "domains", "first_rejected_by",
]
_REVERSE = "\t-"  # suffix naming the reverse strand of an unstranded transcript in scoring calls
# The coding model reads ACGUN: an IUPAC ambiguity code in a genome is as unknown as N to it.
_AMBIGUOUS_AS_N = str.maketrans("RYKMSWBDHV", "N" * 10)


def filter_rules(settings: FilterSettings, threshold: float | None = None) -> dict[str, str]:
    """What each filter keeps, in words (for the funnel)."""
    probability = f"{threshold:.3f}" if threshold is not None else "the model's threshold"
    return {
        "location": "location class in " + ", ".join(f"{c} ({LOCATION_CLASSES[c]})" for c in settings.keep_classes)
                    + f"; flank {settings.flank} nt",
        "length": f"spliced length > {settings.min_length} nt",
        "exons": f"at least {settings.min_exons} exon(s)",
        "orf": f"longest ORF < {settings.max_orf_aa} aa",
        "coding_potential": f"coding probability < {probability}",
        "housekeeping": "no exon shared with a housekeeping ncRNA (" + ", ".join(settings.housekeeping_biotypes) + ")",
        "domains": f"no protein-domain hit (full-sequence E ≤ {settings.domain_evalue:g}, "
                   f"{settings.domain_frames} ORF/frames)",
    }


def _sequence_source(inputs: FilterInputs) -> SequenceSource:
    if (inputs.genome is None) == (inputs.transcript_fasta is None):
        raise InputFormatError("give the genome FASTA or a FASTA of the transcripts (exactly one of them)")
    return Genome(inputs.genome) if inputs.genome is not None else TranscriptFasta(inputs.transcript_fasta)


def _orf_aa(rna: str) -> int:
    orf = longest_orf(rna)
    return 0 if orf is None else (orf[1] - orf[0]) // 3 - 1  # codons, stop excluded


def _both_strands(transcripts: list[Transcript], sequences: Mapping[str, str]) -> list[tuple[str, str]]:
    """(id, RNA) for each transcript, plus (id + _REVERSE, reverse complement) for unstranded ones."""
    records = [(t.id, sequences[t.id]) for t in transcripts]
    records += [(t.id + _REVERSE, reverse_complement_rna(sequences[t.id])) for t in transcripts if t.strand == "."]
    return records


def _per_transcript(values: pd.Series, how: str) -> pd.Series:
    """Fold the reverse-strand rows of unstranded transcripts back onto their transcript."""
    return values.groupby(values.index.str.removesuffix(_REVERSE), sort=False).agg(how)


@dataclass
class _Prepared:
    """Everything read and checked before the sequence work."""

    candidates: list[Candidate]
    coding: list[Transcript]
    housekeeping: list[Transcript] | None
    source: SequenceSource
    model: CodingModel
    notes: list[str]


def _prepare(inputs: FilterInputs, settings: FilterSettings, say: Callable[[str], None]) -> _Prepared:
    """Read and check every input (GTFs, coding ids, genome contigs and bounds, model, HMM file)."""
    settings.validate()
    say("reading transcripts and annotation")
    assembled = read_gtf(inputs.transcripts, keep_lines=True)
    known = read_gtf(inputs.known_lncrna, keep_lines=True) if inputs.known_lncrna is not None else None
    annotation = read_gtf(inputs.annotation)
    coding_ids = read_id_list(inputs.coding_ids) if inputs.coding_ids is not None else None
    coding = protein_coding_transcripts(annotation, coding_ids, file=str(inputs.annotation))
    housekeeping = housekeeping_transcripts(annotation, settings.housekeeping_biotypes)
    candidates = merge_transcripts(assembled, known, files=(str(inputs.transcripts), str(inputs.known_lncrna)))
    say("checking sequences")
    source = _sequence_source(inputs)
    source.check(c.transcript for c in candidates)
    model = CodingModel.load(inputs.model)
    notes = []
    if inputs.hmm is not None:
        check_hmm_database(inputs.hmm)
    else:
        notes.append("protein domains: no HMM database given (--hmm), filter skipped")
        log.warning("no HMM database given (--hmm): the protein-domain filter is skipped")
    if housekeeping is None:
        notes.append("housekeeping ncRNAs: the annotation has no biotype attributes, filter not applied")
    return _Prepared(candidates, coding, housekeeping, source, model, notes)


def filter_transcripts(
    inputs: FilterInputs, settings: FilterSettings = FilterSettings(), *, step: Callable[[str], None] | None = None
) -> FilterResult:
    """Run every filter on the merged transcripts; nothing is written (see :func:`run_filter`).

    All inputs are read and checked before the sequence work starts, so a bad input fails in seconds.
    """
    say = step or (lambda _: None)
    ready = _prepare(inputs, settings, say)
    transcripts = [c.transcript for c in ready.candidates]
    say("location classes")
    table = _base_table(ready.candidates).join(classify_locations(transcripts, ready.coding, flank=settings.flank))
    say("sequences and ORFs")
    sequences = {t.id: ready.source.sequence(t) for t in transcripts}
    records = _both_strands(transcripts, sequences)
    orfs = pd.Series({name: _orf_aa(rna) for name, rna in records}, dtype=np.int64)
    table["longest_orf_aa"] = _per_transcript(orfs, "max")
    say("coding potential")
    scores = ready.model.score((name, rna.translate(_AMBIGUOUS_AS_N)) for name, rna in records)
    table["coding_probability"] = _per_transcript(scores.set_index("id")["coding_prob"], "max")
    table["coding"] = table["coding_probability"] >= ready.model.threshold
    table["housekeeping_overlap"] = (housekeeping_overlaps(transcripts, ready.housekeeping)
                                     if ready.housekeeping is not None
                                     else pd.Series(pd.NA, index=table.index, dtype=object))
    fails = pd.DataFrame({
        "location": ~table["class"].isin(settings.keep_classes),
        "length": table["length"] <= settings.min_length,
        "exons": table["exons"] < settings.min_exons,
        "orf": table["longest_orf_aa"] >= settings.max_orf_aa,
        "coding_potential": table["coding"],
        "housekeeping": table["housekeeping_overlap"].fillna("") != "",
    }, index=table.index)
    table["domains"] = pd.Series(pd.NA, index=table.index, dtype=object)
    if inputs.hmm is not None:
        alive = (~fails.any(axis=1)).to_dict()
        survivors = [t for t in transcripts if alive[t.id]]
        say(f"protein domains ({len(survivors)} transcripts)")
        table.loc[[t.id for t in survivors], "domains"] = _domains(survivors, sequences, inputs.hmm, settings)
    fails["domains"] = table["domains"].fillna("") != ""
    table["first_rejected_by"] = _first_failure(fails)
    kept = [t for t, rejected in zip(transcripts, table["first_rejected_by"]) if rejected == ""]
    funnel = _funnel(fails, filter_rules(settings, ready.model.threshold), evaluated={
        "housekeeping": ready.housekeeping is not None, "domains": inputs.hmm is not None})
    return FilterResult(inputs=inputs, settings=settings, table=table.reset_index()[TABLE_COLUMNS], funnel=funnel,
                        kept=kept, sequences={t.id: sequences[t.id] for t in kept}, notes=ready.notes)


def _base_table(candidates: list[Candidate]) -> pd.DataFrame:
    rows = [{"id": c.transcript.id, "source": c.source, "merged_ids": ",".join(c.merged_ids),
             "gene_id": c.transcript.gene_id, "chrom": c.transcript.chrom, "strand": c.transcript.strand,
             "start": c.transcript.start, "end": c.transcript.end, "exons": len(c.transcript.exons),
             "length": c.transcript.length} for c in candidates]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS[:10]).set_index("id")


def _domains(transcripts: list[Transcript], sequences: Mapping[str, str], hmm: Path,
             settings: FilterSettings) -> list[str]:
    """Per transcript, its domain hits as ``name(accession)`` joined by commas; ``""`` when none."""
    hits = transcript_domains(_both_strands(transcripts, sequences), hmm, frames=settings.domain_frames,  # type: ignore[arg-type]
                              evalue=settings.domain_evalue, cpus=model_threads(settings.threads))
    hits["transcript_id"] = hits["transcript_id"].str.removesuffix(_REVERSE)
    labels = (hits["domain"] + np.where(hits["accession"] != "", "(" + hits["accession"] + ")", "")).rename("label")
    found = labels.groupby(hits["transcript_id"]).agg(lambda names: ",".join(dict.fromkeys(sorted(names))))
    return [found.get(t.id, "") for t in transcripts]


def _first_failure(fails: pd.DataFrame) -> pd.Series:
    """Name of the first failing filter per row (columns in filter order), ``""`` when none fails."""
    ordered = fails[list(FILTERS)].to_numpy()
    first = np.where(ordered.any(axis=1), np.array(FILTERS, dtype=object)[ordered.argmax(axis=1)], "")
    return pd.Series(first, index=fails.index, dtype=object)


def _funnel(fails: pd.DataFrame, rules: Mapping[str, str], evaluated: Mapping[str, bool]) -> list[dict]:
    """One row per filter: how many fail it at all, how many it rejects first, how many are left."""
    rows = [{"filter": "input", "rule": "merged transcripts", "fail": 0, "rejected": 0, "left": len(fails)}]
    alive = np.ones(len(fails), dtype=bool)
    for name in FILTERS:
        failing = fails[name].to_numpy(dtype=bool)
        rejected = alive & failing
        alive &= ~failing
        rule = rules[name] if evaluated.get(name, True) else "not applied: " + rules[name]
        rows.append({"filter": name, "rule": rule, "fail": int(failing.sum()), "rejected": int(rejected.sum()),
                     "left": int(alive.sum())})
    return rows


def write_outputs(result: FilterResult, folder: Path) -> None:
    """lincrna.gtf, lincrna.fa, transcripts.tsv and report.html into an existing ``folder``."""
    from rnakit.lncrna.report import report_html  # matplotlib only when writing

    with open(folder / "lincrna.gtf", "w", encoding="utf-8") as handle:
        write_gtf(result.kept, handle)
    row_of = result.table.set_index("id")
    with open(folder / "lincrna.fa", "w", encoding="utf-8") as handle:
        for transcript in result.kept:
            row = row_of.loc[transcript.id]
            handle.write(f">{transcript.id} gene_id={transcript.gene_id or '.'} "
                         f"loc={transcript.chrom}:{transcript.start}-{transcript.end}({transcript.strand}) "
                         f"class={row['class']} length={transcript.length}\n")
            handle.write(result.sequences[transcript.id].replace("U", "T") + "\n")
    result.table.to_csv(folder / "transcripts.tsv", sep="\t", index=False, na_rep="NA", float_format="%.4g")
    (folder / "report.html").write_text(report_html(result), encoding="utf-8")


def run_filter(
    inputs: FilterInputs, settings: FilterSettings, out_dir: str | Path, *, force: bool = False,
    step: Callable[[str], None] | None = None,
) -> FilterResult:
    """Filter and write the four outputs into ``out_dir``, all or nothing (see :mod:`rnakit.outputs`;
    ``force`` writes into a folder rnakit did not write, keeping its other files)."""
    out = check_output_folder(out_dir, command=FILTER_COMMAND, inputs=vars(inputs).values(), force=force)
    result = filter_transcripts(inputs, settings, step=step)
    if step:
        step("writing outputs")
    with output_folder(out, command=FILTER_COMMAND) as scratch:
        write_outputs(result, scratch)
    return result
