"""siRNA design from the web: the page's or API's fields fill a :class:`DesignRequest`, checked when it
arrives (so a mistake is a 422 naming the field, not a failed job); the design itself runs later in a
worker process through :func:`rnakit.sirna.design.job.run`, as ``rnakit sirna design`` does, writing
candidates.tsv, top.fasta, sites.bed, design.json, efficacy.png, report.html and, with a modification
pattern, order.tsv into the job's output.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from rnakit.errors import InputFormatError, SequenceError
from rnakit.serve.inputs import shown_as
from rnakit.serve.jobs import OUTPUT_DIR
from rnakit.sirna.design.job import request_targets, run
from rnakit.sirna.design.options import design_settings, example_target
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.design.targets import Target

EXAMPLE_NAME = "NM_002046_GAPDH.fa (bundled example)"
#: The request fields a page or API client may set: the CLI's, less the ones naming files on the server
#: (the target and miRNA FASTA come as uploads; the transcriptome is one the server offers, by name).
WEB_FIELDS = ("record", "length", "overhang", "top", "spacing", "gc", "skip_filters", "pattern", "conc_nm", "hours",
              "cell_line", "same_gene", "transcriptome", "max_seed_tm", "immune_motifs", "score_rejected")


def form_request(values: Mapping[str, Any]) -> DesignRequest:
    """The request from a form's or API call's fields (strings parsed; empty ones keep the defaults;
    ``skip_filters`` repeated or comma-separated); the checks run in :func:`prepare`."""
    given = {name: values[name] for name in WEB_FIELDS if values.get(name) not in (None, "", [], ())}
    if "skip_filters" in given and not isinstance(given["skip_filters"], str):
        given["skip_filters"] = ",".join(given["skip_filters"])
    return DesignRequest.from_dict(given, check=False)


def check_target(request: DesignRequest, display: str, max_nt: int) -> list[Target]:
    """Read the target as the CLI does (errors name ``display``) and apply the server's length limit."""
    with shown_as(request.target or example_target(), display):
        targets, _ = request_targets(request)
    target = targets[0]
    if len(target.sequence) > max_nt:
        raise SequenceError(f"{len(target.sequence):,} nt is longer than this server designs for (limit {max_nt:,} nt; "
                            "the command line has no such limit)", file=display, row=target.record, column="sequence")
    return targets


def prepare(request: DesignRequest, target: Path | None, display: str | None, *, offered: Mapping[str, Path],
            max_nt: int, folder: Path, mirna: tuple[Path, str] | None = None) -> dict[str, Any]:
    """The job's stored request, checked in the CLI's order: the options, the target (None = the bundled
    example), then the files the run reads (the miRNA FASTA: ``mirna`` is its path in the job's folder and
    the name it was uploaded as)."""
    name = str(request.transcriptome) if request.transcriptome else None
    if name is not None and name not in offered:
        raise request.error(f"unknown transcriptome {name!r} (this server offers: {', '.join(sorted(offered)) or 'none'})",
                            "transcriptome")
    request = replace(request, example=target is None, target=target, mirna=mirna[0] if mirna else None,
                      transcriptome=offered[name] if name else None).check()
    display = display or EXAMPLE_NAME
    targets = check_target(request, display, max_nt)
    with shown_as(mirna[0], mirna[1]) if mirna else contextlib.nullcontext():
        design_settings(request, targets)  # what the worker builds: its checks fail here, not in the job
    stored = replace(request, target=target.relative_to(folder) if target else None,
                     mirna=mirna[0].relative_to(folder) if mirna else None)
    return {"request": stored.to_dict(), "display": display, "record": request.record,
            "mirna_display": mirna[1] if mirna else None, "transcriptome_name": name}


def cli_command(job: Mapping[str, Any]) -> str:
    """The ``rnakit sirna design`` command that does the same on the command line."""
    request = DesignRequest.from_dict(job["request"], check=False)
    shown = {"out": "OUT"}
    if not request.example:
        shown["target"] = job["display"]
    if job.get("mirna_display"):
        shown["mirna"] = job["mirna_display"]
    if request.transcriptome is not None:
        shown["transcriptome"] = request.transcriptome.name
    return request.cli_command(**shown)


def run_job(folder: Path, job: Mapping[str, Any], step: Callable[[str], None], threads: int) -> None:
    """Worker: design for the job's target into ``folder/output`` (the CLI's files, efficacy.png included)."""
    stored = DesignRequest.from_dict(job["request"], check=False)
    request = replace(stored, target=folder / stored.target if stored.target else None,
                      mirna=folder / stored.mirna if stored.mirna else None, out=folder / OUTPUT_DIR, threads=threads)
    with shown_as(request.target or example_target(), job["display"]):
        targets, source = request_targets(request)
    run(request, targets, source=source, step=step)


def check_one_source(example: bool, text: str | None, has_file: bool) -> None:
    """Exactly one target: pasted, uploaded, or the bundled example."""
    given = int(bool(example)) + int(bool(text and text.strip())) + int(has_file)
    if given != 1:
        raise InputFormatError("give one target: paste a FASTA, upload one, or use the bundled example"
                               + (" (not several)" if given else ""), column="target")
