"""Running a :class:`DesignRequest`: what ``rnakit sirna design``, the web app's design jobs and
``rnakit.design`` all call.

:func:`run` writes the CLI's files into ``request.out`` (one target's files, or one folder per record
and summary.tsv); :func:`candidates` returns the table candidates.tsv holds, and when ``request.out``
is set writes those files too, from the same designs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.sirna.design.design import Step, design_target
from rnakit.sirna.design.offtarget import load_or_build_index
from rnakit.sirna.design.options import design_settings, example_target
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.design.runner import default_workers, run_design
from rnakit.sirna.design.targets import Target, read_targets

__all__ = ["candidates", "request_targets", "run"]

def request_targets(request: DesignRequest) -> tuple[list[Target], Path]:
    """The targets ``request`` names (its FASTA, or the bundled example) and the file they came from."""
    if request.example == (request.target is not None):
        raise InputFormatError("give a target FASTA or --example (not both)")
    path = example_target() if request.example else request.target
    assert path is not None
    return read_targets(path, record=request.record, all_records=request.all_records), path


def run(request: DesignRequest, targets: list[Target] | None = None, *, source: Path | None = None,
        force: bool = False, step: Step | None = None, done: Callable[[dict], None] | None = None,
        skipped: Callable[[int], None] | None = None, tables: dict[int, pd.DataFrame] | None = None) -> list[dict]:
    """Design into ``request.out`` the CLI's files for the request's targets (or ``targets``, read from
    file ``source`` or made by :func:`~rnakit.sirna.design.targets.targets_from`); one summary row per target. Callbacks
    and ``tables`` as :func:`~rnakit.sirna.design.runner.run_design` takes them."""
    request = request.check()
    if request.out is None:
        raise request.error("give the folder to write (or use rnakit.design for a table)", "out")
    if targets is None:
        targets, source = request_targets(request)
    settings = design_settings(request, targets)
    return run_design(targets, settings, request.out, transcriptome=request.transcriptome,
                      workers=request.workers or default_workers(), dask_scheduler=request.dask_scheduler,
                      force=force, target_files=[source] if source is not None else [], step=step, done=done,
                      skipped=skipped, tables=tables)


def candidates(request: DesignRequest, targets: list[Target] | None = None, step: Step | None = None) -> pd.DataFrame:
    """Every candidate of every target with candidates.tsv's columns (``rank`` and ``chosen`` mark the
    top ones); with several targets a first column ``record`` says whose. With ``request.out`` the CLI's
    files are written by :func:`run` from the same designs (each target designed once); else nothing is."""
    request = request.check()
    source = None
    if targets is None:
        targets, source = request_targets(request)
    designed: dict[int, pd.DataFrame] = {}
    if request.out is not None:
        run(request, targets, source=source, step=step, tables=designed)
    missing = [i for i in range(len(targets)) if i not in designed]  # all, or those a killed run had finished
    if missing:
        settings = design_settings(request, targets)
        index = None
        if request.transcriptome is not None:
            index = load_or_build_index(request.transcriptome, aligner=settings.aligner)
        designed.update({i: design_target(targets[i], settings, index, step).candidates for i in missing})
    tables = [designed[i] for i in range(len(targets))]
    if len(tables) == 1:
        return tables[0]
    return pd.concat([t.assign(record=target.record)[["record", *t.columns]] for t, target in zip(tables, targets)],
                     ignore_index=True)
