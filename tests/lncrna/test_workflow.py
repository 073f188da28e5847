"""``rnakit lncrna workflow`` through the CLI: dry runs (the DAG of every step), profiles, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.lncrna.workflow import RESOLVED_CONFIG
from rnakit.lncrna.workflow_config import REQUIRED_TOOLS, load_workflow_config
from tests.conftest import EXAMPLES
from tests.lncrna.test_workflow_config import _private_genome_index, config, write_inputs  # noqa: F401 (autouse fixture)

runner = CliRunner()
# Two samples: one job per sample for the per-sample steps, one for the index, the merge, the filter.
EXPECTED_JOBS = {
    "fastqc": 2, "trim_galore": 2, "hisat2_index": 1, "hisat2_align": 2, "stringtie": 2,
    "stringtie_merge": 1, "lincrna_filter": 1, "all": 1,
}


def write_config(folder: Path, **changes: object) -> Path:
    write_inputs(folder)
    (folder / "coding.txt").write_text("t9\n")
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config(**changes)))
    return path


def job_counts(output: str) -> dict[str, int]:
    """The 'Job stats' table Snakemake prints at the end of a dry run."""
    table = output[output.index("Job stats:"):]
    return {name: int(count) for name, count in re.findall(r"^(\w+)\s+(\d+)$", table, flags=re.M) if name != "total"}


def shell_commands(output: str, word: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Shell command:") and word in line]


def test_dry_run_lists_every_step_with_the_config_options(tmp_path, capfd):
    path = write_config(
        tmp_path, strandedness="rf", coding_ids="coding.txt", filter={"min_length": 300, "keep_classes": ["u", "p"]}
    )
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--cores", "2", "--dry-run"])
    assert result.exit_code == 0, result.output
    output = capfd.readouterr().out  # Snakemake runs in a subprocess: its output is on the real stdout
    assert job_counts(output) == EXPECTED_JOBS
    aligns = shell_commands(output, "hisat2 --dta")
    assert len(aligns) == 2 and all("--rna-strandness RF -p 2 " in line for line in aligns)
    assert all(" --rf -p 2 " in line for line in shell_commands(output, "stringtie aligned/"))
    (filter_command,) = shell_commands(output, "lncrna filter")
    assert f"--coding-ids {tmp_path / 'coding.txt'}" in filter_command
    assert "--keep-classes u,p --min-length 300 -o lincrna" in filter_command
    resolved = yaml.safe_load((tmp_path / "out" / RESOLVED_CONFIG).read_text())
    assert resolved["samples"]["b"] == {"r1": str(tmp_path / "reads/b_R1.fq.gz"), "r2": str(tmp_path / "reads/b_R2.fq.gz")}
    assert resolved["filter_inputs"] == {"--coding-ids": str(tmp_path / "coding.txt")}


def test_unstranded_dry_run_passes_no_strand_option(tmp_path, capfd):
    path = write_config(tmp_path)
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--cores", "1", "--dry-run"])
    assert result.exit_code == 0, result.output
    output = capfd.readouterr().out
    commands = shell_commands(output, "hisat2 --dta") + shell_commands(output, "stringtie aligned/")
    assert len(commands) == 4 and not any(re.search(r"--rna-strandness|--rf|--fr", line) for line in commands)
    assert all(" -p 1 " in line for line in commands)  # threads follow --cores


def test_dry_run_needs_no_tools(tmp_path, monkeypatch, capfd):
    path = write_config(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "reads"))  # a folder without any of the tools
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert job_counts(capfd.readouterr().out) == EXPECTED_JOBS


def test_profile_options_reach_snakemake(tmp_path, capfd):
    path = write_config(tmp_path)
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "config.yaml").write_text("until: [stringtie_merge]\n")  # = snakemake --until stringtie_merge
    result = runner.invoke(
        app, ["lncrna", "workflow", "--config", str(path), "--profile", str(profile), "--cores", "1", "-n"]
    )
    assert result.exit_code == 0, result.output
    counts = job_counts(capfd.readouterr().out)
    assert "lincrna_filter" not in counts and "fastqc" not in counts and counts["stringtie_merge"] == 1


def test_missing_profile_folder(tmp_path):
    path = write_config(tmp_path)
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--profile", str(tmp_path / "nope"), "-n"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'nope'}: Snakemake profile folder not found"


def test_missing_tools_stop_the_run_before_anything_starts(tmp_path, monkeypatch):
    path = write_config(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "reads"))
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--cores", "1"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("error: commands not found on PATH: fastqc, trim_galore")
    assert not (tmp_path / "out").exists()


def test_config_error_is_one_line(tmp_path):
    path = write_config(tmp_path, samples={"a": {"r1": "reads/a_R1.fq", "r2": "reads/gone.fq"}})
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "-n"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {path}: sample 'a' r2 file not found: {tmp_path / 'reads/gone.fq'}"


def test_bundled_example_config_is_valid(monkeypatch, tmp_path):
    example = EXAMPLES / "lncrna_dm6.yaml"
    if not (EXAMPLES.parent.parent / "shared" / "data" / "lincrna_toy" / "lcdb_dm6").is_dir():
        pytest.skip("the example reads ../shared/data/lincrna_toy beside the checkout, which is absent")
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    loaded = load_workflow_config(example)
    assert [s.name for s in loaded.samples] == ["wt1", "wt2", "smn1", "smn2"]
    assert loaded.outdir == EXAMPLES.parent / ".demo" / "lincrna_dm6" and loaded.coding_ids is not None


def test_config_paths_may_start_at_rnakit_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    write_inputs(data)
    here = tmp_path / "configs"
    here.mkdir()
    path = here / "config.yaml"
    path.write_text(yaml.safe_dump(config(genome="$RNAKIT_DATA_DIR/genome.fa", annotation="${RNAKIT_DATA_DIR}/ref.gtf",
                                          samples={"a": {"r1": "$RNAKIT_DATA_DIR/reads/a_R1.fq",
                                                         "r2": "$RNAKIT_DATA_DIR/reads/a_R2.fq"}})))
    monkeypatch.setenv("RNAKIT_DATA_DIR", str(data))
    loaded = load_workflow_config(path)
    assert (loaded.genome, loaded.annotation) == (data / "genome.fa", data / "ref.gtf")
    assert loaded.samples[0].r1 == data / "reads" / "a_R1.fq" and loaded.outdir == here / "out"
    # The bundled example names its inputs the same way: pointed elsewhere, it looks there.
    monkeypatch.setenv("RNAKIT_DATA_DIR", str(tmp_path / "elsewhere"))
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(EXAMPLES / "lncrna_dm6.yaml"), "-n"])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {EXAMPLES / 'lncrna_dm6.yaml'}: genome file not found: "
                                     f"{tmp_path / 'elsewhere' / 'lincrna_toy' / 'lcdb_dm6' / 'dm6.small.fa'}")


def test_rnakit_data_dir_in_a_config_with_no_data_folder_is_one_line(tmp_path, monkeypatch):
    import importlib

    registry = importlib.import_module("rnakit.sirna.datasets.registry")  # the package names a function so too
    monkeypatch.setattr(registry, "default_data_dir", lambda: None)  # no variable, no shared/data anywhere
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config(genome="$RNAKIT_DATA_DIR/genome.fa")))
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "-n"])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {path}: 'genome' names $RNAKIT_DATA_DIR, which is not set (and no "
                                     "shared/data folder was found): set it to the folder holding the data")


def test_a_failing_step_stops_the_run_with_one_line_and_its_log(tmp_path, monkeypatch, capfd):
    path = write_config(tmp_path)
    fake = tmp_path / "fakebin"
    fake.mkdir()
    for tool in REQUIRED_TOOLS:  # every tool is present but fails, as a broken install would
        script = fake / tool
        script.write_text(f"#!/bin/sh\necho '{tool} exploded' >&2\nexit 3\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--cores", "1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"error: the workflow stopped (Snakemake exit status 1); see the messages above and the step logs in "
        f"{tmp_path / 'out' / 'logs'}"
    )
    assert "exploded" in capfd.readouterr().err  # --show-failed-logs prints the failed step's log
    assert not (tmp_path / "out" / "lincrna").exists()
