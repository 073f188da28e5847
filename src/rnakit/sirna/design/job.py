"""Running a :class:`DesignRequest`: what ``rnakit sirna design``, the web app's design jobs and
``rnakit.design`` all call.

:func:`run` writes the CLI's files into ``request.out`` (one target's files, or one folder per record
and summary.tsv); :func:`candidates` returns the table candidates.tsv holds without writing anything.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.sirna.design.design import Step, design_target
from rnakit.sirna.design.offtarget import load_or_build_index
from rnakit.sirna.design.options import design_settings, example_target
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.design.runner import default_workers, run_design
from rnakit.sirna.design.targets import Target, make_target, read_targets

__all__ = ["candidates", "request_targets", "run", "targets_from"]

#: How a target given as Python text or a record (not a file) is named in error messages.
GIVEN = "given sequence"


def request_targets(request: DesignRequest) -> tuple[list[Target], Path]:
    """The targets ``request`` names (its FASTA, or the bundled example) and the file they came from."""
    if request.example == (request.target is not None):
        raise InputFormatError("give a target FASTA or --example (not both)")
    path = example_target() if request.example else request.target
    assert path is not None
    return read_targets(path, record=request.record, all_records=request.all_records), path


def targets_from(target: Any, *, record: str | None = None) -> list[Target]:
    """Targets from Python values: a sequence string, FASTA text, a Biopython ``SeqRecord``, or a list
    of them (``record`` picks one by id). Letters and CDS are checked as for a FASTA file."""
    items = list(target) if isinstance(target, (list, tuple)) else [target]
    found: list[tuple[str, str, str]] = []
    for number, item in enumerate(items, start=1):
        default_id = "target" if len(items) == 1 else f"target_{number}"
        found += _records(item, default_id)
    if record is not None:
        chosen = [r for r in found if r[0] == record]
        if not chosen:
            raise InputFormatError(f"no record {record!r} (records: {', '.join(r[0] for r in found[:5])})", file=GIVEN)
        found = chosen
    ids = [r[0] for r in found]
    repeated = next((i for i in ids if ids.count(i) > 1), None)
    if repeated is not None:
        raise InputFormatError("duplicate record id", file=GIVEN, row=repeated)
    return [make_target(r, h, s, file=GIVEN) for r, h, s in found]


def _records(item: Any, default_id: str) -> list[tuple[str, str, str]]:
    """(id, header, sequence) of one Python value."""
    if hasattr(item, "seq") and hasattr(item, "id"):  # a Biopython SeqRecord
        return [(str(item.id), str(getattr(item, "description", "") or item.id), str(item.seq))]
    if not isinstance(item, str):
        raise InputFormatError(f"a target must be a sequence, FASTA text, a SeqRecord or a FASTA path, "
                               f"not {type(item).__name__}", file=GIVEN)
    if item.lstrip().startswith(">"):
        from Bio.SeqIO.FastaIO import SimpleFastaParser

        return [(title.split(None, 1)[0] if title.strip() else default_id, title, sequence)
                for title, sequence in SimpleFastaParser(io.StringIO(item.strip()))]
    return [(default_id, default_id, "".join(item.split()))]


def run(request: DesignRequest, targets: list[Target] | None = None, *, source: Path | None = None,
        force: bool = False, step: Step | None = None, done: Callable[[dict], None] | None = None,
        skipped: Callable[[int], None] | None = None) -> list[dict]:
    """Design into ``request.out`` the CLI's files for the request's targets (or ``targets``, read from
    file ``source`` or made by :func:`targets_from`); one summary row per target. Callbacks as
    :func:`~rnakit.sirna.design.runner.run_design` takes them."""
    request = request.check()
    if request.out is None:
        raise request.error("give the folder to write (or use rnakit.design for a table)", "out")
    if targets is None:
        targets, source = request_targets(request)
    settings = design_settings(request, targets)
    return run_design(targets, settings, request.out, transcriptome=request.transcriptome,
                      workers=request.workers or default_workers(), dask_scheduler=request.dask_scheduler,
                      force=force, target_files=[source] if source is not None else [], step=step, done=done,
                      skipped=skipped)


def candidates(request: DesignRequest, targets: list[Target] | None = None, step: Step | None = None) -> pd.DataFrame:
    """Every candidate of every target with candidates.tsv's columns (``rank`` and ``chosen`` mark the
    top ones); with several targets a first column ``record`` says whose. Nothing is written."""
    request = request.check()
    if targets is None:
        targets, _ = request_targets(request)
    settings = design_settings(request, targets)
    index = None
    if request.transcriptome is not None:
        index = load_or_build_index(request.transcriptome, aligner=settings.aligner)
    tables = [design_target(target, settings, index, step).candidates for target in targets]
    if len(tables) == 1:
        return tables[0]
    return pd.concat([t.assign(record=target.record)[["record", *t.columns]] for t, target in zip(tables, targets)],
                     ignore_index=True)
