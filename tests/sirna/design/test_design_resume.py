"""Many-record designs commit each record as it finishes and resume after a crash."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.errors import OutputError
from rnakit.outputs import MARKER, PARTIAL, SCRATCH, verify_output
from rnakit.sirna.design import runner as design_runner

RECORDS = ("r1", "r2", "r3", "r4")


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def random_rna(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    targets = tmp_path / "targets.fa"
    targets.write_text("".join(f">{name}\n{random_rna(40 + 5 * i, i)}\n" for i, name in enumerate(RECORDS)))
    transcriptome = tmp_path / "tx.fa"
    transcriptome.write_text(targets.read_text() + f">decoy\n{random_rna(300, 99)}\n")
    return targets, transcriptome


def design(targets: Path, transcriptome: Path, out: Path, *options: object):
    return run("sirna", "design", targets, "--all-records", "--workers", "1", "--transcriptome", transcriptome,
               "--aligner", "kmer", "-o", out, *options)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_run_killed_half_way_finishes_with_the_files_of_an_uninterrupted_run(tmp_path, inputs) -> None:
    targets, transcriptome = inputs
    reference = tmp_path / "reference"
    assert design(targets, transcriptome, reference).exit_code == 0
    out = tmp_path / "out"
    # The test hook kills the run inside r3, after its files are written and before they are committed.
    command = [sys.executable, "-m", "rnakit", "sirna", "design", str(targets), "--all-records", "--workers", "1",
               "--transcriptome", str(transcriptome), "--aligner", "kmer", "-o", str(out)]
    env = os.environ | {design_runner.CRASH_HOOK_ENV: "r3"}
    killed = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]

    assert sorted(p.name for p in out.iterdir()) == [SCRATCH, "r1", "r2", PARTIAL]
    assert [p.name.split(".")[0] for p in (out / SCRATCH).iterdir()] == ["r3"]  # half-written, not in place
    with pytest.raises(OutputError, match="unfinished"):
        verify_output(out, command=design_runner.DESIGN_COMMAND)
    verify_output(out / "r1", command=design_runner.DESIGN_COMMAND)  # each finished record is complete
    committed = (out / "r1" / "candidates.tsv").stat().st_ino

    other = design(targets, transcriptome, out, "--gc", "20-70")
    assert other.exit_code == 1 and "unfinished design run with other settings" in other.output
    assert len(other.output.strip().splitlines()) == 1

    resumed = design(targets, transcriptome, out)
    assert resumed.exit_code == 0, resumed.output
    assert (out / "r1" / "candidates.tsv").stat().st_ino == committed  # skipped, not redone
    assert tree(out) == tree(reference)  # candidates, summary.tsv, markers: byte for byte
    verify_output(out, command=design_runner.DESIGN_COMMAND, required=["summary.tsv", *RECORDS])


def test_a_rerun_skips_verified_records_and_redoes_changed_ones(tmp_path, inputs) -> None:
    targets, transcriptome = inputs
    out = tmp_path / "out"
    assert design(targets, transcriptome, out).exit_code == 0
    before = tree(out)
    inode = (out / "r2" / "candidates.tsv").stat().st_ino
    (out / "r1" / "candidates.tsv").write_text("changed\n")  # fails verification: r1 is designed again
    assert design(targets, transcriptome, out).exit_code == 0
    assert tree(out) == before
    assert (out / "r2" / "candidates.tsv").stat().st_ino == inode


def test_a_fresh_start_with_force_replaces_only_rnakits_files(tmp_path, inputs) -> None:
    targets, transcriptome = inputs
    out = tmp_path / "out"
    assert design(targets, transcriptome, out).exit_code == 0
    (out / "notes.txt").write_text("mine\n")
    fewer = tmp_path / "fewer.fa"
    fewer.write_text("".join(targets.read_text().splitlines(keepends=True)[:4]))  # r1 and r2
    assert design(fewer, transcriptome, out).exit_code == 1  # someone else's file: refused
    assert design(fewer, transcriptome, out, "--force").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "notes.txt", "r1", "r2", "summary.tsv"])
    assert (out / "notes.txt").read_text() == "mine\n"
    verify_output(out, command=design_runner.DESIGN_COMMAND)


def test_the_offtarget_index_is_loaded_once_per_process(tmp_path, inputs, monkeypatch) -> None:
    targets, transcriptome = inputs
    loads = []
    load = design_runner.load_or_build_index
    monkeypatch.setattr(design_runner, "_INDEXES", {})
    monkeypatch.setattr(design_runner, "load_or_build_index", lambda *a, **k: loads.append(a) or load(*a, **k))
    assert design(targets, transcriptome, tmp_path / "out").exit_code == 0
    assert len(loads) == 1
