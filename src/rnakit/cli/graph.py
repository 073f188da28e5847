"""``rnakit graph``: De Bruijn graphs and assembly, k-mer graphs of RNAs, node-classification plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.cli.console import err
from rnakit.cli.options import DataDirOption, ThreadsOption
from rnakit.errors import DatasetNotFoundError, InputFormatError, RnakitError, ValueRangeError
from rnakit.files import output_or_stdout
from rnakit.outputs import check_output_file

# The graph code (numpy, torch) is imported inside the commands so that building the command line stays fast.

graph_app = typer.Typer(
    help="Sequence graphs: De Bruijn graphs and assembly, k-mer graphs of RNAs (features for graph "
    "neural networks), and the graph-network benchmarks' plots.",
    no_args_is_help=True,
)

READ_SUFFIXES = (".fa", ".fasta", ".fna", ".fas", ".fq", ".fastq")
KOption = Annotated[int, typer.Option("-k", help="k-mer length (nodes of a De Bruijn graph are (k−1)-mers).")]


def _records(path: Path) -> list[tuple[str, str]]:
    """(id, sequence) of every FASTA or FASTQ record in ``path``; '-' reads standard input, and errors
    then name '-' rather than the temporary file that holds it."""
    from rnakit.cli.stdio import input_path, is_stdio
    from rnakit.seq.fastq import iter_reads

    with input_path(path) as source:
        try:
            records = list(iter_reads(source))
        except RnakitError as error:
            if not is_stdio(path):
                raise
            raise type(error)(error.detail, file=str(path), row=error.row, column=error.column,
                              field=error.field) from None
    if not records:
        raise InputFormatError("no sequences", file=str(path))
    return records


def _sequences(path: Path) -> list[str]:
    return [sequence for _, sequence in _records(path)]


def _names_a_file(argument: str) -> bool:
    """True when ``argument`` is meant as a file, not a sequence: it holds '/', ends like FASTA or FASTQ, or exists."""
    return "/" in argument or argument.lower().removesuffix(".gz").endswith(READ_SUFFIXES) or Path(argument).exists()


@graph_app.command("debruijn")
def debruijn_command(
    fasta: Annotated[Path, typer.Argument(help="FASTA (or FASTQ) of sequences; - for standard input.")],
    k: KOption,
    canonical: Annotated[bool, typer.Option("--canonical", help="Merge each k-mer with its reverse complement (reads of either strand).")] = False,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="graph.gfa (GFA 1) or graph.tsv (edges with counts); standard output as TSV when absent or -.")] = None,
) -> None:
    """The De Bruijn graph of the sequences: (k−1)-mer nodes, one edge per k-mer with its count."""
    from rnakit.graph.debruijn import de_bruijn_graph, write_edges_tsv, write_gfa

    from rnakit.cli.stdio import is_stdio

    if is_stdio(out):  # '-o -': standard output, as when -o is absent
        out = None
    if out is not None and out.suffix.lower() not in (".gfa", ".tsv"):
        raise ValueRangeError(f"{out.name!r}: the output must end in .gfa or .tsv", column="--out")
    if out is not None:
        check_output_file(out, inputs=[] if is_stdio(fasta) else [fasta])
    graph = de_bruijn_graph(_sequences(fasta), k, canonical=canonical, skip_ambiguous=True)
    with output_or_stdout(out) as handle:
        (write_gfa if out is not None and out.suffix.lower() == ".gfa" else write_edges_tsv)(graph, handle)
    err.print(f"{len(graph.nodes):,} nodes, {len(graph.edge_counts):,} edges (k = {k})")


@graph_app.command("assemble")
def assemble_command(
    reads: Annotated[Path, typer.Argument(help="Reads as FASTA or FASTQ (plain or .gz): a small read set; - for standard input.")],
    k: KOption,
    out: Annotated[Path, typer.Option("-o", "--out", help="FASTA of contigs, longest first; - for standard output.")],
    min_count: Annotated[int, typer.Option("--min-count", help="Drop k-mers seen fewer times (sequencing errors).")] = 2,
    canonical: Annotated[bool, typer.Option("--canonical", help="Reads come from both strands.")] = False,
) -> None:
    """Contigs (maximal non-branching paths of the De Bruijn graph) from reads."""
    from rnakit.graph.debruijn import assemble

    from rnakit.cli.stdio import is_stdio, text_output

    if not is_stdio(out):
        check_output_file(out, inputs=[] if is_stdio(reads) else [reads])
    found = assemble(_sequences(reads), k, min_count=min_count, canonical=canonical)
    if not found:
        raise ValueRangeError(f"no k-mer is seen {min_count} times or more: no contig (lower --min-count or k)",
                              file=str(reads), column="--min-count")
    with text_output(out) as handle:
        for number, contig in enumerate(found, start=1):
            handle.write(f">contig_{number} length={len(contig)}\n{contig}\n")
    err.print(f"{len(found):,} contigs, longest {len(found[0]):,} nt → {out}")


@graph_app.command("kmer-graph")
def kmer_graph_command(
    sequence: Annotated[str, typer.Argument(help="An RNA sequence, or a FASTA file of them; - for FASTA on standard input.")],
    k: Annotated[int, typer.Option("-k", help="k-mer length.")] = 4,
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="JSON file (standard output when absent or -).")] = None,
) -> None:
    """The k-mer graph of each RNA: k-mer nodes with counts, consecutive k-mers joined, edges weighted."""
    from rnakit.cli.stdio import is_stdio
    from rnakit.graph.kmer_graph import kmer_graph

    if is_stdio(out):  # '-o -': standard output, as when -o is absent
        out = None
    if out is not None:
        check_output_file(out, inputs=[] if is_stdio(sequence) else [sequence])
    path = Path(sequence)
    from_file = is_stdio(sequence) or path.is_file()
    if not from_file and _names_a_file(sequence):
        raise InputFormatError("is a folder, not a FASTA file" if path.is_dir() else "no such file", file=sequence)
    records = _records(path) if from_file else [("sequence", sequence)]
    result = []
    for record_id, rna in records:
        try:
            graph = kmer_graph(rna, k)
        except RnakitError as error:  # name the file and record the sequence came from
            raise type(error)(error.detail, file=sequence if from_file else None, row=record_id,
                              column="sequence") from None
        result.append({"id": record_id, "k": k, "nodes": graph.nodes, "node_counts": graph.node_counts.tolist(),
                       "edges": graph.edge_index.T.tolist(), "edge_weights": graph.edge_weight.tolist()})
    with output_or_stdout(out) as handle:
        json.dump(result, handle)
        handle.write("\n")


@graph_app.command("plot")
def plot_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="PNG to write.")],
    node: Annotated[int, typer.Option("--node", help="Centre node (0-based index).")] = 0,
    hops: Annotated[int, typer.Option("--hops", help="Neighbourhood radius (edges).")] = 2,
    model: Annotated[str, typer.Option("--model", help="gcn, gat or graphsage.")] = "gcn",
    dataset: Annotated[str, typer.Option("--dataset", help="Planetoid data set name (raw files ind.NAME.*).")] = "cora",
    seed: Annotated[int, typer.Option("--seed", help="Training and layout seed.")] = 0,
    threads: ThreadsOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Train a node classifier on the public Planetoid split and draw a node's k-hop neighbourhood,
    coloured by correct / wrong (test nodes) / not test."""
    from rnakit.extras import require

    require("nn", "rnakit graph plot")
    from rnakit.cpu import model_threads
    from rnakit.graph.models import train_node_classifier
    from rnakit.graph.planetoid import load_planetoid
    from rnakit.graph.plot import node_status, plot_ego_network
    from rnakit.sirna.datasets import default_data_dir

    if out.suffix.lower() != ".png":
        raise ValueRangeError(f"{out.name!r}: the plot is a PNG (name it .png)", column="--out")
    check_output_file(out)
    root = data_dir or default_data_dir()
    if root is None:
        raise DatasetNotFoundError("shared data not found: give --data-dir or set RNAKIT_DATA_DIR")
    data = load_planetoid(root / f"{dataset}_planetoid", dataset)
    run = train_node_classifier(model, data, seed=seed, threads=model_threads(threads))
    status = node_status(run.predictions.numpy(), data.y.numpy(), data.test_mask.numpy())
    title = f"{dataset} node {node}: {hops}-hop neighbourhood, {model} test accuracy {run.test_accuracy:.1%}"
    counts = plot_ego_network(data.edge_index.numpy(), status, node, hops, out, title=title, seed=seed)
    err.print(f"{title}; " + ", ".join(f"{label} {n}" for label, n in counts.items()) + f" → {out}")
