"""``rnakit sirna design``: the best siRNAs for a target transcript."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.cli.console import err, out
from rnakit.cli.options import ForceOption, QuietOption, ThreadsOption
from rnakit.errors import InputFormatError, ValueRangeError

# rnakit.sirna.design's DEFAULT_LENGTH and FILTERS, repeated for the option defaults and help so that
# building the command line imports no pandas or scipy (a test checks they agree).
DEFAULT_LENGTH = 21
FILTERS = ("gc", "runs", "gc_stretch", "start_codon", "variants")
PATTERN_NAMES = ("unmodified-dTdT", "esc-sais", "esc")  # rnakit.sirna.design.patterns.NAMED_PATTERNS


def design_command(
    target: Annotated[Optional[Path], typer.Argument(help="FASTA with the target transcript(s) (.gz allowed).")] = None,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder to write: a new one, or an earlier design output (replaced only when the run succeeds).")] = Path("design"),
    example: Annotated[bool, typer.Option("--example", help="Design for the bundled example target (human GAPDH mRNA, NM_002046).")] = False,
    record: Annotated[Optional[str], typer.Option("--record", help="The record to design for when the FASTA has several.")] = None,
    all_records: Annotated[bool, typer.Option("--all-records", help="Design for every record (one folder each plus summary.tsv).")] = False,
    transcriptome: Annotated[Optional[Path], typer.Option("--transcriptome", help="FASTA of transcripts to screen for off-targets (indexed once, cached).")] = None,
    aligner: Annotated[str, typer.Option("--aligner", help="Near-perfect off-target search: auto (bowtie when installed), bowtie, or kmer (rnakit's own index).")] = "auto",
    same_gene: Annotated[Optional[str], typer.Option("--same-gene", help="Regex: transcriptome headers matching it are the target's isoforms, not off-targets.")] = None,
    length: Annotated[str, typer.Option("--length", help="Guide length(s): 21, 19..23 or 19,21.")] = str(DEFAULT_LENGTH),
    overhang: Annotated[int, typer.Option("--overhang", help="3' overhang of each strand (nt).")] = 2,
    top: Annotated[int, typer.Option("--top", help="How many ranked candidates go to top.fasta and the report.")] = 20,
    spacing: Annotated[Optional[int], typer.Option("--spacing", help="Minimum distance (nt) between chosen sites (default: the guide length, i.e. no overlap; 0 allows any).")] = None,
    gc: Annotated[str, typer.Option("--gc", help="GC range of guide 1–19, percent.")] = "30-64",
    skip: Annotated[Optional[str], typer.Option("--skip-filters", help=f"Comma-separated filters to switch off: {', '.join(FILTERS)}.")] = None,
    variants: Annotated[Optional[Path], typer.Option("--variants", help="VCF (CHROM = record id) or list of 1-based positions to avoid.")] = None,
    max_af: Annotated[Optional[float], typer.Option("--max-af", help="With a VCF: variants whose allele frequency (INFO AF, or dbSNP CAF) is at most this do not count (default: every variant counts).")] = None,
    max_seed_tm: Annotated[Optional[float], typer.Option("--max-seed-tm", help="Reject guides whose seed duplex (2–8) Tm is not below this (°C; siDirect 2 uses 21.5). Off by default.")] = None,
    immune_motifs: Annotated[bool, typer.Option("--immune-motifs", help="Reject candidates with an immunostimulatory motif (UGUGU, GUCCUUCAA) in either strand.")] = False,
    mirna: Annotated[Optional[Path], typer.Option("--mirna", help="FASTA of mature miRNAs (e.g. miRBase mature.fa): reject guides whose seed (2–8) is a miRNA's.")] = None,
    isoforms: Annotated[Optional[Path], typer.Option("--isoforms", help="FASTA of the target's isoforms: isoform_coverage (how many hold each core site exactly) and their ids.")] = None,
    all_isoforms: Annotated[bool, typer.Option("--require-all-isoforms", help="With --isoforms: reject candidates whose core site misses an isoform.")] = False,
    conserved_in: Annotated[Optional[str], typer.Option("--conserved-in", help="Comma-separated FASTAs of other species' transcripts: conserved_<species> = fewest mismatches (0–2) of each core site there.")] = None,
    require_conserved: Annotated[Optional[int], typer.Option("--require-conserved", help="With --conserved-in: reject candidates not found in every species within this many mismatches (0–2).")] = None,
    pattern: Annotated[Optional[str], typer.Option("--modification-pattern", "--pattern", help=f"Modification pattern: a name ({', '.join(PATTERN_NAMES)}) or 'GUIDE ; PASSENGER' in competition tokens with N for the base (n = 2'-OMe, Nf = 2'-F, dN = DNA, s = phosphorothioate, dT = a fixed dT); writes order.tsv and scores with the competition model.")] = None,
    conc_nm: Annotated[float, typer.Option("--conc-nm", help="Concentration (nM), with --modification-pattern.")] = 10.0,
    hours: Annotated[float, typer.Option("--hours", help="Hours after transfection, with --modification-pattern.")] = 24.0,
    cell_line: Annotated[str, typer.Option("--cell-line", help="Cell line, with --modification-pattern.")] = "Hep3B Cells",
    gtf: Annotated[Optional[Path], typer.Option("--gtf", help="GTF with the target transcript's exons: sites.bed in genome coordinates (BED12).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local processes for --all-records (default: the cores available to this process).")] = 0,
    threads: ThreadsOption = None,
    dask_scheduler: Annotated[Optional[str], typer.Option("--dask-scheduler", help="Dask scheduler address for --all-records (workers must see the same files).")] = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Design siRNAs for a target mRNA: candidates, filters, predicted efficacy, off-targets, ranking, report."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from rnakit.sirna.design.design import DesignSettings
    from rnakit.sirna.design.efficacy import Conditions
    from rnakit.sirna.design.filters import read_variant_positions
    from rnakit.sirna.design.genome import read_gtf_exons
    from rnakit.sirna.design.offtarget import ALIGNERS
    from rnakit.sirna.design.options import (
        check_coverage_options,
        check_options,
        example_target,
        filter_settings,
        parse_range,
    )
    from rnakit.sirna.design.runner import default_workers, run_design
    from rnakit.sirna.design.targets import read_targets

    if example == (target is not None):
        raise InputFormatError("give a target FASTA or --example (not both)")
    path = example_target() if example else target
    lengths, skipped = check_options(length, overhang, skip.split(",") if skip else (), pattern, spacing, top,
                                     conc_nm=conc_nm, hours=hours, same_gene=same_gene)
    if aligner not in ALIGNERS:
        raise ValueRangeError(f"unknown aligner {aligner!r} (known: {', '.join(ALIGNERS)})", column="--aligner")
    targets = read_targets(path, record=record, all_records=all_records)
    filters = filter_settings(parse_range(gc, "--gc"), skipped, max_seed_tm=max_seed_tm, max_af=max_af,
                              immune=immune_motifs, mirna=mirna, all_isoforms=all_isoforms,
                              conserved_max_mismatches=require_conserved)
    species = tuple(Path(p.strip()) for p in conserved_in.split(",") if p.strip()) if conserved_in else ()
    check_coverage_options(isoforms, all_isoforms, species, require_conserved)
    if variants is not None:
        read_variant_positions(variants, targets[0].record, max_af)  # fail on a bad file before any work
    if gtf is not None:
        read_gtf_exons(gtf)  # likewise (read once: the design reuses it)
    settings = DesignSettings(lengths=lengths, overhang=overhang, top=top, spacing=spacing, filters=filters, pattern=pattern,
                              conditions=Conditions(conc_nm, hours, cell_line), same_gene=same_gene,
                              variants_file=variants, aligner=aligner, threads=threads, isoforms_file=isoforms,
                              conserved_files=species, gtf_file=gtf)
    rate = TextColumn("{task.fields[rate]}")  # records per minute: Rich's own speed columns count bytes
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), rate,
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=quiet) as progress:
        task = progress.add_task("design", total=len(targets) if len(targets) > 1 else None, rate="")

        def done(row: dict) -> None:
            progress.update(task, advance=1, description=f"design: {row['record']} done")
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed * 60:.1f} records/min" if speed else "")

        rows = run_design(
            targets, settings, out_dir, transcriptome=transcriptome, workers=workers or default_workers(),
            dask_scheduler=dask_scheduler, force=force, target_files=[path],
            step=lambda name: progress.update(task, description=f"design: {name}"), done=done,
            # records a killed run finished: counted as done, left out of the rate and time left
            skipped=lambda n: progress.reset(task, total=len(targets), completed=n,
                                             description=f"design: {n} done before"))
    _show(rows, out_dir, ", order.tsv" if pattern else "")


def _show(rows: list[dict], out_dir: Path, order: str = "") -> None:
    from rich.table import Table

    table = Table(title="siRNA design")
    for column in ("record", "length", "candidates", "passed", "best_guide", "predicted % left"):
        table.add_column(column, justify="left" if column in ("record", "best_guide") else "right")
    for row in rows:
        best = row["best_predicted_remaining_pct"]
        table.add_row(row["record"], str(row["length"]), str(row["candidates"]), str(row["passed"]),
                      row["best_guide"] or "—", "—" if best is None else f"{best:.1f}")
    out.print(table)
    out.print(f"candidates.tsv, top.fasta, sites.bed, design.json, efficacy.png, report.html{order} → {out_dir}")
