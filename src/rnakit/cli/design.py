"""``rnakit sirna design``: the best siRNAs for a target transcript."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.cli.console import err, out
from rnakit.cli.options import ForceOption, QuietOption, ThreadsOption
from rnakit.sirna.design.request import FILTERS, PATTERN_NAMES, DesignRequest

D = DesignRequest.spelt_default  # each option's default, as the request defines it


def design_command(
    target: Annotated[Optional[Path], typer.Argument(help="FASTA with the target transcript(s) (.gz allowed).")] = None,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder to write: a new one, or an earlier design output (replaced only when the run succeeds).")] = Path("design"),
    example: Annotated[bool, typer.Option("--example", help="Design for the bundled example target (human GAPDH mRNA, NM_002046).")] = False,
    record: Annotated[Optional[str], typer.Option("--record", help="The record to design for when the FASTA has several.")] = None,
    all_records: Annotated[bool, typer.Option("--all-records", help="Design for every record (one folder each plus summary.tsv).")] = False,
    transcriptome: Annotated[Optional[Path], typer.Option("--transcriptome", help="FASTA of transcripts to screen for off-targets (indexed once, cached).")] = None,
    aligner: Annotated[str, typer.Option("--aligner", help="Near-perfect off-target search: auto (bowtie when installed, except for runs of 8 or more records: kmer), bowtie, or kmer (rnakit's own index: faster per strand, about 12 bytes per transcriptome nucleotide more memory, 16 for many records).")] = D("aligner"),
    same_gene: Annotated[Optional[str], typer.Option("--same-gene", help="Regex: transcriptome headers matching it are the target's isoforms, not off-targets.")] = None,
    length: Annotated[str, typer.Option("--length", help="Guide length(s): 21, 19..23 or 19,21.")] = D("length"),
    overhang: Annotated[int, typer.Option("--overhang", help="3' overhang of each strand (nt).")] = DesignRequest.default("overhang"),
    top: Annotated[int, typer.Option("--top", help="How many ranked candidates go to top.fasta and the report.")] = DesignRequest.default("top"),
    spacing: Annotated[Optional[int], typer.Option("--spacing", help="Minimum distance (nt) between chosen sites (default: the guide length, i.e. no overlap; 0 allows any).")] = None,
    gc: Annotated[str, typer.Option("--gc", help="GC range of guide 1–19, percent.")] = D("gc"),
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
    conc_nm: Annotated[float, typer.Option("--conc-nm", help="Concentration (nM), with --modification-pattern.")] = DesignRequest.default("conc_nm"),
    hours: Annotated[float, typer.Option("--hours", help="Hours after transfection, with --modification-pattern.")] = DesignRequest.default("hours"),
    cell_line: Annotated[str, typer.Option("--cell-line", help="Cell line, with --modification-pattern.")] = DesignRequest.default("cell_line"),
    score_rejected: Annotated[bool, typer.Option("--score-rejected", help="Predict the efficacy of candidates the filters reject too (slower; by default only passing candidates, the ones ranked, are scored).")] = False,
    gtf: Annotated[Optional[Path], typer.Option("--gtf", help="GTF with the target transcript's exons: sites.bed in genome coordinates (BED12).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local processes: records in parallel with --all-records, else one long target's candidates shared out (default: the cores available to this process).")] = DesignRequest.default("workers"),
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

    from rnakit.sirna.design import job

    request = DesignRequest.from_dict({
        "target": target, "example": example, "out": out_dir, "record": record, "all_records": all_records,
        "length": length, "overhang": overhang, "top": top, "spacing": spacing, "gc": gc, "skip_filters": skip or "",
        "max_seed_tm": max_seed_tm, "immune_motifs": immune_motifs, "mirna": mirna, "pattern": pattern,
        "conc_nm": conc_nm, "hours": hours, "cell_line": cell_line, "same_gene": same_gene,
        "transcriptome": transcriptome, "aligner": aligner, "variants": variants, "max_af": max_af,
        "isoforms": isoforms, "require_all_isoforms": all_isoforms, "conserved_in": conserved_in or "",
        "require_conserved": require_conserved, "gtf": gtf, "workers": workers, "threads": threads,
        "dask_scheduler": dask_scheduler, "score_rejected": score_rejected,
    })
    targets, source = job.request_targets(request)
    rate = TextColumn("{task.fields[rate]}")  # records per minute: Rich's own speed columns count bytes
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), rate,
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=quiet) as progress:
        task = progress.add_task("design", total=len(targets) if len(targets) > 1 else None, rate="")

        def done(row: dict) -> None:
            progress.update(task, advance=1, description=f"design: {row['record']} done")
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed * 60:.1f} records/min" if speed else "")

        rows = job.run(request, targets, source=source, force=force, step=lambda name: progress.update(task, description=f"design: {name}"),
                       done=done,
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
