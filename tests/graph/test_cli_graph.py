"""``rnakit graph`` commands driven as a user would: outputs and one-line errors."""

from __future__ import annotations

import json
import random
import re

import pytest
from typer.testing import CliRunner

from rnakit.cli import app

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def genome(n: int = 600, seed: int = 3) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(n))


def test_assemble_error_free_reads_recovers_the_sequence(tmp_path):
    sequence = genome()
    reads = [sequence[i : i + 60] for i in range(0, len(sequence) - 59, 5)]
    path = tmp_path / "reads.fq"
    path.write_text("".join(f"@r{i}\n{r}\n+\n{'I' * len(r)}\n" for i, r in enumerate(reads)))
    out = tmp_path / "contigs.fa"
    result = run("graph", "assemble", path, "-k", 31, "-o", out, "--min-count", 1)
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == f">contig_1 length={len(sequence)}" and lines[1] == sequence


def test_debruijn_tsv_and_gfa(tmp_path):
    path = tmp_path / "s.fa"
    path.write_text(">s\nACGTAC\n")
    result = run("graph", "debruijn", path, "-k", 3)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    # k-mers ACG, CGT, GTA, TAC: four edges, each seen once, between the 2-mers AC, CG, GT, TA (AC twice)
    assert rows[0] == ["source", "target", "kmer", "count"]
    assert [r[2] for r in rows[1:]] == ["ACG", "CGT", "GTA", "TAC"] and {r[3] for r in rows[1:]} == {"1"}
    gfa = tmp_path / "g.gfa"
    assert run("graph", "debruijn", path, "-k", 3, "-o", gfa).exit_code == 0
    text = gfa.read_text()
    assert text.startswith("H\tVN:Z:1.0") and text.count("\nS\t") == 4 and text.count("\nL\t") == 4


def test_kmer_graph_of_one_rna():
    result = run("graph", "kmer-graph", "ACGUACGU", "-k", 2)
    assert result.exit_code == 0, result.output
    (graph,) = json.loads(result.stdout)
    assert graph["nodes"] == ["AC", "CG", "GU", "UA"] and graph["node_counts"] == [2, 2, 2, 1]
    assert sorted(map(tuple, graph["edges"])) == [(0, 1), (1, 2), (2, 3), (3, 0)]


@pytest.mark.parametrize("args, message", [
    (("graph", "debruijn", "{fa}", "-k", "1"), "k"),
    (("graph", "debruijn", "{fa}", "-k", "50"), "longer than every sequence"),
    (("graph", "debruijn", "{fa}", "-k", "3", "-o", "{tmp}/g.png"), "must end in .gfa or .tsv"),
    (("graph", "assemble", "{empty}", "-k", "3", "-o", "{tmp}/c.fa"), "empty"),
    (("graph", "assemble", "{fa}", "-k", "3", "-o", "{tmp}/c.fa", "--min-count", "5"), "no k-mer is seen 5 times"),
    (("graph", "kmer-graph", "ACGXU", "-k", "2"), "'X' at position 4"),
])
def test_bad_input_one_line(tmp_path, args, message):
    fa = tmp_path / "s.fa"
    fa.write_text(">s\nACGTAC\n")
    empty = tmp_path / "empty.fa"
    empty.write_text("")
    result = run(*[a.format(fa=fa, empty=empty, tmp=tmp_path) for a in args])
    assert result.exit_code == 1 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "c.fa").exists() and not (tmp_path / "g.png").exists()


def test_debruijn_skips_kmers_with_n(tmp_path):
    path = tmp_path / "n.fa"
    path.write_text(">r1\nACGTNNACGT\n>r2\nACGTA\n")
    result = run("graph", "debruijn", path, "-k", 3)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()[1:]]
    assert {r[2]: r[3] for r in rows} == {"ACG": "3", "CGT": "3", "GTA": "1"}


@pytest.mark.parametrize("argument", ["/no/such.fa", "missing.fa", "reads.FASTQ.gz", "{tmp}"])
def test_kmer_graph_of_a_missing_file_says_so(tmp_path, monkeypatch, argument):
    monkeypatch.chdir(tmp_path)
    result = run("graph", "kmer-graph", argument.format(tmp=tmp_path), "-k", 2)
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    expected = "is a folder, not a FASTA file" if argument == "{tmp}" else "no such file"
    assert f"{argument.format(tmp=tmp_path)}: {expected}" in " ".join(result.output.split())


def test_plot_cora_neighbourhood(tmp_path):
    from tests.conftest import shared_data_or_skip

    data_dir = shared_data_or_skip()
    out = tmp_path / "ego.png"
    result = run("graph", "plot", "--data-dir", data_dir, "--node", 0, "--hops", 2, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # node 0's neighbours are 633, 1862 and 2582 (SOURCE.md): itself + 3 + their neighbours
    summary = " ".join(result.output.split())
    assert "cora node 0: 2-hop neighbourhood, gcn test accuracy" in summary
    counts = re.search(r"correct (\d+), wrong (\d+), not test (\d+)", summary)
    assert counts and sum(int(n) for n in counts.groups()) >= 4


def test_plot_needs_a_png(tmp_path):
    result = run("graph", "plot", "-o", tmp_path / "ego.svg")
    assert result.exit_code == 1 and "the plot is a PNG" in result.output
