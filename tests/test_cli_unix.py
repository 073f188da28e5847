"""Unix habits of the command line (issue 19, item 5): a light import, '-' for standard input and
output, -q/--quiet, --threads."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rnakit.cli import app

runner = CliRunner()
HEAVY = ("scipy", "matplotlib", "numba", "lightgbm", "torch")


def _imported_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code`` (whose own output is discarded)."""
    script = (f"import contextlib, io, sys\nwith contextlib.redirect_stdout(io.StringIO()):\n    {code}\n"
              f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout)


def test_importing_the_command_line_imports_no_heavy_library():
    assert _imported_after("import rnakit.cli") == []


def test_building_every_command_and_its_help_imports_no_heavy_library():
    # Typer resolves every command's options when it builds the app: that too must stay light.
    helps = [[], ["sirna"], ["sirna", "design"], ["sirna", "train"], ["sirna", "features"], ["hybrid", "search"],
             ["lncrna", "filter"], ["graph", "plot"]]
    code = ("from typer.main import get_command; from rnakit.cli import app; cmd = get_command(app); "
            f"[cmd.main(a + ['--help'], standalone_mode=False) for a in {helps!r}]")
    assert _imported_after(code) == []


def test_constants_repeated_for_the_help_agree_with_the_library():
    from rnakit.cli import sirna as cli_sirna
    from rnakit.sirna import requests, runs, scoring, splits
    from rnakit.sirna.design import candidates, efficacy, offtarget
    from rnakit.sirna.design.filters import FilterSettings
    from rnakit.sirna.design.request import ALIGNERS, FILTERS, DesignRequest

    assert (cli_sirna.SUBMISSION_ID, cli_sirna.SUBMISSION_LABEL) == (scoring.SUBMISSION_ID, scoring.SUBMISSION_LABEL)
    # The requests' defaults and names, kept light for the command line, agree with the library's.
    assert DesignRequest.default("length") == (candidates.DEFAULT_LENGTH,)
    assert DesignRequest.default("overhang") == candidates.DEFAULT_OVERHANG
    assert ALIGNERS == offtarget.ALIGNERS
    assert set(FILTERS) <= set(FilterSettings.__dataclass_fields__)  # each one a switch of the filters
    conditions = efficacy.Conditions()
    assert (requests.CONC_NM, requests.HOURS, requests.CELL_LINE) == (
        conditions.concentration_nm, conditions.hours, conditions.cell_line)
    assert requests.SHIPPED_MODELS == runs.SHIPPED_MODELS
    assert requests.SPLITS == (*(s.value for s in splits.SplitStrategy), "none")


@pytest.mark.parametrize("area", ["sirna", "hybrid", "lncrna", "graph"])
def test_every_area_still_has_its_help(area):
    result = runner.invoke(app, [area, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


# '-' for standard input, '-o -' for standard output: standard output then holds the table alone.

def test_predict_reads_standard_input_and_writes_standard_output(tmp_path, monkeypatch):
    import io

    import pandas as pd

    from tests.conftest import EXAMPLES

    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    text = (EXAMPLES / "tiny_sirna.csv").read_text()
    result = runner.invoke(app, ["sirna", "predict", "--model", "default", "--data", "-", "-o", "-"], input=text)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == ["id", "mRNA_remaining_pct"] and len(table) == 12
    assert "12 predictions" in result.stderr and not (tmp_path / "-").exists()


def test_hybrid_pairs_from_standard_input_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "mirna\tsite\nUGAGGUAGUAGGUUGUAUAGUU\tAAAAACUAUACAACCUACUACCUCAAAAA\n"
    result = runner.invoke(app, ["hybrid", "pairs", "-", "--query-col", "mirna", "--target-col", "site", "-o", "-"],
                           input=text)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mirna\tsite\tmfe") and len(lines) == 2
    assert not (tmp_path / "-").exists()


def test_graph_outputs_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fasta = tmp_path / "r.fa"
    fasta.write_text(">a\nACGUACGGAUCCAGUA\n>b\nACGUACGGAUCCAGUA\n")
    contigs = runner.invoke(app, ["graph", "assemble", str(fasta), "-k", "5", "-o", "-"])
    assert contigs.exit_code == 0, contigs.output
    assert contigs.stdout.startswith(">contig_1") and "contigs" in contigs.stderr
    edges = runner.invoke(app, ["graph", "debruijn", str(fasta), "-k", "5", "-o", "-"])
    assert edges.exit_code == 0, edges.output
    assert "nodes" not in edges.stdout and "nodes" in edges.stderr
    assert not (tmp_path / "-").exists()


def test_hybrid_search_reads_the_query_from_standard_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "t.fa"
    target.write_text(">t1\nAAAAACUAUACAACCUACUACCUCAAAAA\n")
    result = runner.invoke(app, ["hybrid", "search", "-q", "-", "-t", str(target), "--format", "compact", "-o", "-"],
                           input=">let7\nUGAGGUAGUAGGUUGUAUAGUU\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("t1:") and "let7" in result.stdout
    both = runner.invoke(app, ["hybrid", "search", "-q", "-", "-t", "-"], input=">a\nACGU\n")
    assert both.exit_code == 1 and "only one of" in both.output


def test_coding_potential_from_standard_input_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fasta = ">tx1\n" + "AUG" + "GCU" * 150 + "UAA" + "\n>tx2\n" + "ACGUUAGC" * 40 + "\n"
    result = runner.invoke(app, ["lncrna", "coding-potential", "-", "-o", "-"], input=fasta)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[0] == "id" and [line.split("\t")[0] for line in lines[1:]] == ["tx1", "tx2"]
    assert "2 transcripts" in result.stderr and not (tmp_path / "-").exists()


# -q/--quiet: no progress bars or spinners.

def _terminal_stderr(monkeypatch, *modules: str):
    """Point the CLI's stderr console at a buffer that Rich takes for a terminal (so progress shows)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    for module in modules:
        monkeypatch.setattr(f"{module}.err", console)
    return buffer


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_silences_the_features_progress_bar(tmp_path, monkeypatch, quiet):
    from tests.conftest import EXAMPLES

    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    buffer = _terminal_stderr(monkeypatch, "rnakit.cli.sirna", "rnakit.cli.console")
    args = ["sirna", "features", str(EXAMPLES / "tiny_sirna.csv"), "--groups", "composition", "-o", str(tmp_path / "f.csv")]
    result = runner.invoke(app, args + (["-q"] if quiet else []))
    assert result.exit_code == 0, result.output
    assert (buffer.getvalue() == "") == quiet


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_silences_the_status_spinner(monkeypatch, quiet):
    from rnakit.cli import console

    buffer = _terminal_stderr(monkeypatch, "rnakit.cli.console")
    with console.status("working", quiet=quiet) as spinner:
        spinner.update("still working")
    assert (buffer.getvalue() == "") == quiet


@pytest.mark.parametrize("command", [["sirna", "features"], ["sirna", "train"], ["sirna", "design"], ["lncrna", "filter"]])
def test_commands_with_progress_offer_quiet(command):
    result = runner.invoke(app, command + ["--help"])
    assert result.exit_code == 0 and "--quiet" in result.stdout


# --threads on the lincRNA filter: the protein-domain search (pyhmmer) gets that many CPUs.

@pytest.mark.parametrize("threads", [None, 3])
def test_lncrna_filter_threads_reach_the_domain_search(monkeypatch, threads):
    from pathlib import Path

    from rnakit.cpu import available_cores
    from rnakit.lncrna import pipeline

    seen = {}

    def fake_search(records, hmm, **options):
        seen["cpus"] = options["cpus"]
        raise RuntimeError("stop here")

    monkeypatch.setattr(pipeline, "transcript_domains", fake_search)
    with pytest.raises(RuntimeError, match="stop here"):
        pipeline._domains([], {}, Path("x.hmm"), pipeline.FilterSettings(threads=threads))
    assert seen["cpus"] == (threads or available_cores())
    assert "--threads" in runner.invoke(app, ["lncrna", "filter", "--help"]).stdout
