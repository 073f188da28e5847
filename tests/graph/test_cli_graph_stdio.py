"""``rnakit graph`` and the Unix habits (issue 19, item 5): '-' reads standard input, '-o -' writes standard output."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rnakit.cli import app

runner = CliRunner()
READS = ">a\nACGUACGGAUCCAGUA\n>b\nACGUACGGAUCCAGUA\n"


def test_debruijn_and_assemble_read_standard_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fasta = tmp_path / "r.fa"
    fasta.write_text(READS)
    for command in (["debruijn", "-k", "5", "-o", "-"], ["assemble", "-k", "5", "-o", "-"]):
        from_file = runner.invoke(app, ["graph", command[0], str(fasta), *command[1:]])
        from_stdin = runner.invoke(app, ["graph", command[0], "-", *command[1:]], input=READS)
        assert from_file.exit_code == from_stdin.exit_code == 0, from_stdin.output
        assert from_stdin.stdout == from_file.stdout != ""
    # 16 nt, k = 5: twelve 5-mers, all distinct and each seen in both reads → one contig, the sequence itself.
    contigs = runner.invoke(app, ["graph", "assemble", "-", "-k", "5", "-o", "-"], input=READS)
    assert contigs.stdout == ">contig_1 length=16\nACGUACGGAUCCAGUA\n"
    assert not (tmp_path / "-").exists()


def test_kmer_graph_reads_standard_input_and_writes_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["graph", "kmer-graph", "-", "-k", "2", "-o", "-"], input=">r1\nACGUAC\n>r2\nAAAA\n")
    assert result.exit_code == 0, result.output
    graphs = json.loads(result.stdout)
    assert [g["id"] for g in graphs] == ["r1", "r2"]
    # ACGUAC: 2-mers AC, CG, GU, UA, AC → nodes AC (×2), CG, GU, UA; AAAA: AA three times, one self-edge.
    assert dict(zip(graphs[0]["nodes"], graphs[0]["node_counts"])) == {"AC": 2, "CG": 1, "GU": 1, "UA": 1}
    assert graphs[1]["nodes"] == ["AA"] and graphs[1]["node_counts"] == [3]
    assert not (tmp_path / "-").exists()


def test_bad_standard_input_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["graph", "kmer-graph", "-", "-k", "2"], input=">r1\nACGXU\n")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [result.output.strip()] and result.output.startswith("error: -")
    assert "'X' at position 4" in result.output
    empty = runner.invoke(app, ["graph", "debruijn", "-", "-k", "3"], input="")
    assert empty.exit_code == 1 and empty.output.startswith("error: -: empty reads file")
