"""``rnakit lncrna``: lincRNA identification from assembled transcripts, coding potential, the RNA-seq workflow."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.cli.options import ForceOption, QuietOption, ThreadsOption
from rnakit.lncrna.request import CodingRequest, LncrnaFilterRequest

F, FS = LncrnaFilterRequest.default, LncrnaFilterRequest.spelt_default  # each option's default, as the request has it

lncrna_app = typer.Typer(
    help="lincRNA identification: filter assembled transcripts (location, length, ORF, coding potential, "
    "housekeeping ncRNAs, protein domains), score coding potential, train a coding-potential model, "
    "run the RNA-seq workflow.",
    no_args_is_help=True,
)


_FILTER_OUTPUTS = "lincrna.gtf, lincrna.fa, transcripts.tsv, report.html"


@lncrna_app.command("filter")
def filter_command(
    transcripts: Annotated[Path, typer.Option("--transcripts", help="Assembled transcripts (GTF, .gz allowed), e.g. StringTie --merge output.")],
    annotation: Annotated[Path, typer.Option("--annotation", help="Reference annotation GTF: protein-coding genes for the location classes, small-RNA biotypes for the housekeeping filter.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help=f"Folder to write ({_FILTER_OUTPUTS}); replaced only when the run succeeds.")],
    genome: Annotated[Optional[Path], typer.Option("--genome", help="Genome FASTA the transcripts are on (.gz allowed; indexed once into the rnakit cache).")] = None,
    transcript_fasta: Annotated[Optional[Path], typer.Option("--transcript-fasta", help="Instead of --genome: FASTA of the transcripts' own sequences, on their strand, by transcript id.")] = None,
    known_lncrna: Annotated[Optional[Path], typer.Option("--known-lncrna", help="Known lncRNAs (GTF) merged with the assembled transcripts; identical intron chains count once, under the known id.")] = None,
    coding_ids: Annotated[Optional[Path], typer.Option("--coding-ids", help="The annotation's protein-coding transcripts, as a FASTA (its ids) or a list of ids, when its GTF has no biotypes or CDS lines.")] = None,
    hmm: Annotated[Optional[Path], typer.Option("--hmm", help="Protein profile HMMs (HMMER3, e.g. Pfam-A.hmm) for the domain filter; without it the filter is skipped.")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="Coding-potential model folder from 'rnakit lncrna train-coding' (default: the shipped human model).")] = None,
    flank: Annotated[int, typer.Option("--flank", help="Transcripts fewer than this many nt from a coding transcript (either strand) are class p, not u.")] = F("flank"),
    keep_classes: Annotated[str, typer.Option("--keep-classes", help="Location classes to keep, comma-separated: u intergenic, p within the flank, i intronic, y gene in its intron, x antisense exonic, o same-strand exonic.")] = FS("keep_classes"),
    min_length: Annotated[int, typer.Option("--min-length", help="Keep transcripts longer than this (spliced nt).")] = F("min_length"),
    min_exons: Annotated[int, typer.Option("--min-exons", help="Keep transcripts with at least this many exons.")] = F("min_exons"),
    max_orf_aa: Annotated[int, typer.Option("--max-orf-aa", help="Keep transcripts whose longest ORF is shorter than this (amino acids).")] = F("max_orf_aa"),
    housekeeping_biotypes: Annotated[Optional[str], typer.Option("--housekeeping-biotypes", help=f"Comma-separated annotation biotypes whose exons a lincRNA may not share (default: {FS('housekeeping_biotypes').replace(',', ', ')}).")] = None,
    domain_frames: Annotated[str, typer.Option("--domain-frames", help="Translate the longest ORF ('longest') or all three forward frames ('three') for the domain search.")] = F("domain_frames"),
    domain_evalue: Annotated[float, typer.Option("--domain-evalue", help="Full-sequence E-value at or below which a domain hit rejects a transcript.")] = F("domain_evalue"),
    threads: ThreadsOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Keep the lincRNA candidates among assembled transcripts: intergenic, long, no long ORF, no coding
    potential, no housekeeping ncRNA, no protein domain. Prints the filter funnel."""
    from rich.table import Table

    from rnakit.cli.console import out, status as spinner

    request = LncrnaFilterRequest.from_dict({
        "transcripts": transcripts, "annotation": annotation, "out": out_dir, "genome": genome,
        "transcript_fasta": transcript_fasta, "known_lncrna": known_lncrna, "coding_ids": coding_ids, "hmm": hmm,
        "model": model, "flank": flank, "keep_classes": keep_classes, "min_length": min_length, "min_exons": min_exons,
        "max_orf_aa": max_orf_aa, "domain_frames": domain_frames, "domain_evalue": domain_evalue, "threads": threads,
        "force": force, **({"housekeeping_biotypes": housekeeping_biotypes} if housekeeping_biotypes is not None else {}),
    })
    with spinner("lincRNA filter", quiet=quiet) as status:
        result = request.run(step=lambda name: status.update(f"lincRNA filter: {name}"))
    table = Table(title="lincRNA filter funnel")
    for column in ("filter", "fail", "rejected first", "left"):
        table.add_column(column, justify="left" if column == "filter" else "right")
    for row in result.funnel:
        table.add_row(row["filter"], str(row["fail"]), str(row["rejected"]), str(row["left"]))
    out.print(table)
    out.print(f"{len(result.kept)} lincRNA candidates; {_FILTER_OUTPUTS} → {out_dir}")


@lncrna_app.command("coding-potential")
def coding_potential_command(
    fasta: Annotated[Path, typer.Argument(help="Transcripts (FASTA, .gz allowed; ACGT or ACGU, any case, N allowed), each on its own strand; - for standard input.")],
    output: Annotated[Path, typer.Option("-o", "--out", help="TSV to write: id, mRNA_size and ORF_size (nt), Fickett_score, Hexamer_score, coding_prob, label (coding or noncoding); - for standard output.")],
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder from 'rnakit lncrna train-coding' (default: the shipped human model).")] = None,
) -> None:
    """Coding potential of each transcript, CPAT-style: longest forward ORF (AUG…stop, or AUG…3′ end), its size and
    coverage, Fickett TESTCODE and hexamer score in a logistic regression; label 'coding' when the
    probability reaches the model's threshold."""
    from rnakit.cli.stdio import input_path, is_stdio, text_output
    from rnakit.outputs import check_output_file
    from rnakit.seq.fasta import iter_fasta_records

    request = CodingRequest.from_dict({"fasta": fasta, "out": output, "model": model})
    if not is_stdio(output):
        check_output_file(output, inputs=[fasta])
    coding_model = request.load_model()  # a bad model folder fails before the FASTA is read
    with input_path(fasta) as source:  # '-': standard input, through a temporary file
        scores = request.run([(record_id, seq) for record_id, _, seq in iter_fasta_records(source)], source=str(fasta))
    with text_output(output) as handle:
        request.write(scores, handle)
    coding = int((scores["label"] == "coding").sum())
    # With -o -, standard output holds the table alone: the message goes to stderr.
    typer.echo(f"{len(scores)} transcripts: {coding} coding, {len(scores) - coding} "
               f"noncoding (coding probability ≥ {coding_model.threshold:.3f} is coding) → {output}", err=is_stdio(output))


@lncrna_app.command("train-coding")
def train_coding_command(
    coding: Annotated[Path, typer.Option("--coding", help="Coding transcripts (FASTA, .gz allowed): mRNAs, each on its own strand.")],
    noncoding: Annotated[Path, typer.Option("--noncoding", help="Non-coding transcripts (FASTA, .gz allowed), e.g. known lncRNAs.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Model folder to write (manifest.json, hexamer.tsv); replaced only when training succeeds.")],
    cds: Annotated[Optional[Path], typer.Option("--cds", help="CDSs of the coding transcripts (FASTA, same ids as --coding, start codon first) for the coding hexamer frequencies (default: each transcript's longest ORF).")] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Gene-grouped cross-validation folds that place the threshold (sensitivity = specificity).")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold assignment.")] = 0,
    force: ForceOption = False,
) -> None:
    """Train a coding-potential model (hexamer table + logistic regression + threshold) for
    'rnakit lncrna coding-potential --model' and 'rnakit lncrna filter --model'."""
    import dataclasses

    from rnakit.lncrna.coding import TRAIN_COMMAND, read_training_set, train_coding_model
    from rnakit.outputs import check_output_folder
    from rnakit.seq.fasta import read_fasta
    from rnakit.files import sha256_of

    check_output_folder(out_dir, command=TRAIN_COMMAND, inputs=[coding, noncoding, cds], force=force)
    training = read_training_set([(coding, True), (noncoding, False)])
    files = training.files
    if cds is not None:
        cds_sequences = read_fasta(cds)
        files = [*files, {"file": cds.name, "sha256": sha256_of(cds), "class": "cds", "records": len(cds_sequences)}]
    trained = train_coding_model(training.coding, training.noncoding, cds=cds_sequences if cds is not None else None,
                                 folds=folds, seed=seed)
    trained = dataclasses.replace(trained, training={"files": files, **trained.training})
    trained.save(out_dir)
    cv = trained.cross_validation
    typer.echo(f"model → {out_dir}: {trained.training['coding_records']} coding, {trained.training['noncoding_records']} "
               f"non-coding; threshold {trained.threshold:.3f}; {folds}-fold gene-grouped CV AUC {cv['auc']:.4f}, "
               f"sensitivity {cv['sensitivity']:.3f}, specificity {cv['specificity']:.3f}")


@lncrna_app.command("workflow")
def workflow_command(
    config: Annotated[Path, typer.Option("--config", help="Workflow config (YAML): genome, annotation, samples (name → r1/r2 FASTQ), outdir; optional known_lncrna, coding_ids, hmm, coding_model, strandedness (unstranded, rf, fr), filter (options of 'rnakit lncrna filter'). Relative paths are read from the config's folder; see examples/lncrna_dm6.yaml.")],
    cores: Annotated[Optional[int], typer.Option("--cores", min=1, help="CPU cores to use; each multi-threaded step takes up to this many threads (default: all).")] = None,
    profile: Annotated[Optional[Path], typer.Option("--profile", help="Snakemake profile folder, e.g. to submit the steps to a cluster (default: run them on this machine).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Check the config and list the steps without running them.")] = False,
) -> None:
    """RNA-seq reads → lincRNA candidates: FastQC, Trim Galore, HISAT2, samtools, StringTie (per sample,
    then --merge) and 'rnakit lncrna filter', run by Snakemake. Outputs go under the config's outdir
    (lincrna/ holds lincrna.gtf, lincrna.fa, transcripts.tsv, report.html; logs/ one log per step)."""
    from rnakit.lncrna.workflow import run_workflow
    from rnakit.lncrna.workflow_config import load_workflow_config

    outdir = run_workflow(load_workflow_config(config), cores=cores, profile=profile, dry_run=dry_run)
    if not dry_run:
        typer.echo(f"lincRNA candidates: {outdir / 'lincrna'}")
