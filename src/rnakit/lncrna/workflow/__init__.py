"""The RNA-seq → lincRNA workflow: Snakemake runs the shipped ``Snakefile`` on a checked config.

Snakemake runs as a subprocess (``python -m snakemake``) rather than through its Python API: the
command line is Snakemake's stable interface (its API changed shape in 8.0), profiles are a feature of
that command line, and a separate process keeps Snakemake's logging set-up, working-folder changes and
signal handling out of the caller's process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from rnakit.errors import InputFormatError, RnakitError, ValueRangeError
from rnakit.extras import require
from rnakit.files import atomic_write
from rnakit.lncrna.workflow_config import WorkflowConfig, check_tools

SNAKEFILE = Path(__file__).with_name("Snakefile")
# Written into the output folder: what Snakemake ran with (absolute paths), kept as a record of the run.
RESOLVED_CONFIG = "config.resolved.yaml"


class WorkflowFailedError(RnakitError):
    """A step of the workflow failed; Snakemake has printed which one and where its log is."""


def snakemake_command(
    config_file: Path, outdir: Path, *, cores: int | None = None, profile: Path | None = None, dry_run: bool = False
) -> list[str]:
    """The Snakemake command line for a resolved config (``cores=None``: every CPU)."""
    command = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(SNAKEFILE),
        "--configfile", str(config_file),
        "--directory", str(outdir),
        "--cores", str(cores) if cores else "all",
        "--printshellcmds",  # the exact command of each step, as a record of the run
        "--show-failed-logs",
    ]
    if profile is not None:
        command += ["--profile", str(profile)]
    if dry_run:
        command.append("--dry-run")
    return command


def run_workflow(
    config: WorkflowConfig,
    *,
    cores: int | None = None,
    profile: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> Path:
    """Run (or with ``dry_run`` only list) every step for ``config``; return the output folder.

    The steps run locally on ``cores`` CPUs (None: all), each multi-threaded step taking up to that
    many threads, or through the Snakemake ``profile`` folder (e.g. a cluster executor). The commands
    the steps need are looked up on this machine's PATH first (not for a dry run). Snakemake's progress
    goes to the terminal; each step's log to ``OUTDIR/logs``. Raises WorkflowFailedError when a step fails.
    """
    require("workflow", "rnakit lncrna workflow")
    if cores is not None and cores < 1:
        raise ValueRangeError(f"cores must be at least 1, got {cores}")
    profile_dir = Path(profile) if profile is not None else None
    if profile_dir is not None and not profile_dir.is_dir():
        raise InputFormatError("Snakemake profile folder not found", file=str(profile))
    if not dry_run:
        check_tools()
    config_file = config.outdir / RESOLVED_CONFIG
    with atomic_write(config_file, encoding="utf-8") as handle:
        yaml.safe_dump(config.snakemake_config(), handle, sort_keys=False)
    command = snakemake_command(config_file, config.outdir, cores=cores, profile=profile_dir, dry_run=dry_run)
    status = subprocess.run(command, check=False).returncode
    if status != 0:
        raise WorkflowFailedError(
            f"the workflow stopped (Snakemake exit status {status}); see the messages above and the step logs in "
            f"{config.outdir / 'logs'}"
        )
    return config.outdir
