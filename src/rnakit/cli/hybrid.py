"""``rnakit hybrid``: RNAhybrid-style hybridisation of short RNAs (miRNAs, siRNA guides) with targets."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.hybrid.formats import FORMATS
from rnakit.hybrid.request import HybridRequest

# The search (numba) and pandas are imported inside the commands so that building the command line
# stays fast. Every option fills a HybridRequest field: defaults and checks live there.

hybrid_app = typer.Typer(
    help="RNA–RNA hybridisation (RNAhybrid-style): where a miRNA or siRNA guide binds a target, "
    "how strongly (Turner 2004 energies), how significantly (p-values) and with which seed type.",
    no_args_is_help=True,
)

D = HybridRequest.default  # each option's default, as the request defines it

Helix = Annotated[Optional[str], typer.Option("-f", "--helix", help="FROM,TO: query positions (1-based) that must pair as one unbroken helix, e.g. 2,8 for the seed.")]
MaxInternal = Annotated[int, typer.Option("-u", "--max-internal", help="Longest interior-loop side (nt).")]
MaxBulge = Annotated[int, typer.Option("-v", "--max-bulge", help="Longest bulge (nt).")]
PValues = Annotated[str, typer.Option("--p-values", "-s", "--set", help="none; calibrate: fit RNAhybrid's extreme-value law per query on dinucleotide shuffles of the targets (cached); or a shipped parameter set, as RNAhybrid -s: 3utr_human (the law follows from the query's minimal duplex energy; see scripts/fit_hybrid_sets.py).")]
EvdOption = Annotated[Optional[str], typer.Option("-d", "--evd", help="LOCATION,SCALE of the extreme-value law, as RNAhybrid -d (instead of --p-values).")]


@hybrid_app.command("search")
def search_command(
    query: Annotated[Path, typer.Option("-q", "--query", help="FASTA of short RNAs (≤ 30 nt): miRNAs or siRNA guides; - for standard input.")],
    target: Annotated[Path, typer.Option("-t", "--target", help="FASTA of targets (mRNAs, 3'UTRs); - for standard input.")],
    energy_cutoff: Annotated[Optional[float], typer.Option("-e", "--energy-cutoff", help="Report only hits with mfe ≤ this (kcal/mol).")] = D("energy_cutoff"),
    helix: Helix = None,
    max_internal: MaxInternal = D("max_internal"),
    max_bulge: MaxBulge = D("max_bulge"),
    hits: Annotated[int, typer.Option("-b", "--hits", help="Hits per target and query (non-overlapping, best first).")] = D("hits"),
    p_values: PValues = D("p_values"),
    evd: EvdOption = None,
    p_cutoff: Annotated[Optional[float], typer.Option("-p", "--p-cutoff", help="Report only hits with p-value ≤ this (needs --p-values or --evd).")] = D("p_cutoff"),
    fmt: Annotated[str, typer.Option("--format", help=f"Output: {', '.join(FORMATS)} (rnahybrid and compact as RNAhybrid prints them).")] = D("format"),
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write here (atomically) instead of standard output (- is standard output).")] = None,
    threads: Annotated[Optional[int], typer.Option("--threads", min=1, help="Targets searched at once, one CPU thread each (default: the cores available to this process).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar on stderr (-q is --query here).")] = False,
) -> None:
    """Find where each query binds each target, as RNAhybrid does (same options, same output)."""
    from rnakit.files import output_or_stdout
    from rnakit.hybrid.formats import check_compact_id, write_hits
    from rnakit.hybrid.inputs import read_records
    from rnakit.hybrid.options import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, QUERY_LETTERS, TARGET_LETTERS
    from rnakit.outputs import check_output_file

    from rnakit.cli.stdio import input_path, is_stdio
    from rnakit.cpu import model_threads

    request = HybridRequest.from_dict({
        "query": query, "target": target, "energy_cutoff": energy_cutoff, "helix": helix, "max_internal": max_internal,
        "max_bulge": max_bulge, "hits": hits, "p_values": p_values, "evd": evd, "p_cutoff": p_cutoff, "format": fmt,
        "out": None if is_stdio(out) else out,  # '-o -': standard output, as when -o is absent
    })
    if request.out is not None:
        check_output_file(request.out, inputs=[query, target])
    if is_stdio(query) and is_stdio(target):
        raise request.error("only one of --query and --target can be - (standard input)", "query")
    with input_path(query) as source:  # '-': standard input, through a temporary file
        queries = read_records(source, "query", longest=MAX_QUERY_LENGTH, letters=QUERY_LETTERS, file=str(query))
    with input_path(target) as source:
        targets = read_records(source, "target", longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS, file=str(target))
    if request.format == "compact":  # refuse ids the compact line cannot hold before any output
        for path, field, records in ((query, "query", queries), (target, "target", targets)):
            for record_id, _ in records:
                check_compact_id(record_id, field, file=str(path))
    request.check_queries(queries, file=str(query))
    with _target_progress(len(targets), quiet) as done, output_or_stdout(request.out) as handle:
        write_hits(request.run(queries, targets, threads=model_threads(threads), done=done), handle, request.format)


@contextlib.contextmanager
def _target_progress(targets: int, quiet: bool) -> Iterator[Callable[[], None]]:
    """A Rich progress bar of targets searched on stderr (none under --quiet); yields the callback that
    advances it by one target."""
    from rich.progress import Progress, TimeElapsedColumn

    from rnakit.cli.console import err

    # redirect_stdout off: the hits go to standard output, which Rich would otherwise route to stderr
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True,
                  disable=quiet, redirect_stdout=False) as progress:
        task = progress.add_task("targets searched", total=targets)
        yield lambda: progress.advance(task)


@hybrid_app.command("pairs")
def pairs_command(
    table: Annotated[Path, typer.Argument(help="CSV/TSV with one (query, target) pair per row; - for standard input.")],
    query_col: Annotated[str, typer.Option("--query-col", help="Column with the short RNA (miRNA, guide).")],
    target_col: Annotated[str, typer.Option("--target-col", help="Column with the target sequence.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="TSV to write: the input columns plus the scores; - for standard output.")],
    helix: Helix = None,
    max_internal: MaxInternal = D("max_internal"),
    max_bulge: MaxBulge = D("max_bulge"),
    p_values: PValues = D("p_values"),
    evd: EvdOption = None,
) -> None:
    """Score each row's pair: mfe, p-value, RNAhybrid position, seed type and seed pairing."""
    from rnakit.cli.stdio import input_path, is_stdio, text_output
    from rnakit.hybrid.pairs import score_pairs
    from rnakit.outputs import check_output_file
    from rnakit.tabular import read_delimited

    request = HybridRequest.from_dict({"helix": helix, "max_internal": max_internal, "max_bulge": max_bulge,
                                       "p_values": p_values, "evd": evd})
    if not is_stdio(out):
        check_output_file(out, inputs=[table])
    with input_path(table) as source:  # '-': standard input, through a temporary file
        frame = read_delimited(source, dtype=str, required=(query_col, target_col))
    result = score_pairs(frame, query_col, target_col, request, file=str(table))
    with text_output(out) as handle:
        result.to_csv(handle, sep="\t", index=False)
