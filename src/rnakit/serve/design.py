"""siRNA design from the web: check a request as ``rnakit sirna design`` does, then run it as a job.

The checks happen when the request arrives (so a mistake is a 422 with the CLI's message, not a
failed job); the design itself runs later in a worker process through the same ``run_design`` the
CLI calls, writing candidates.tsv, top.fasta, sites.bed, design.json, efficacy.png, report.html and, with a
modification pattern, order.tsv into the job's output.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.serve.inputs import shown_as
from rnakit.serve.jobs import OUTPUT_DIR
from rnakit.sirna.design.design import DesignSettings
from rnakit.sirna.design.efficacy import Conditions
from rnakit.sirna.design.options import check_options, example_target, filter_settings, parse_range
from rnakit.sirna.design.runner import run_design
from rnakit.sirna.design.targets import Target, read_targets

EXAMPLE_NAME = "NM_002046_GAPDH.fa (bundled example)"


@dataclass(frozen=True)
class DesignForm:
    """The design options a page or API client may set (the CLI's, less the ones naming server paths)."""

    record: str | None = None
    length: str = "21"
    overhang: int = 2
    top: int = 20
    spacing: int | None = None
    gc: str = "30-64"
    skip_filters: tuple[str, ...] = ()
    pattern: str | None = None
    conc_nm: float = 10.0
    hours: float = 24.0
    cell_line: str = "Hep3B Cells"
    same_gene: str | None = None
    transcriptome: str | None = None
    max_seed_tm: float | None = None
    immune_motifs: bool = False


def check_form(form: DesignForm, offered: Mapping[str, Path]) -> dict[str, Any]:
    """The checks ``rnakit sirna design`` makes before reading the target (same messages), as a JSON-able request."""
    lengths, skipped = check_options(form.length, form.overhang, form.skip_filters, form.pattern, form.spacing, form.top,
                                     conc_nm=form.conc_nm, hours=form.hours, same_gene=form.same_gene)
    transcriptome = None
    if form.transcriptome:
        if form.transcriptome not in offered:
            names = ", ".join(sorted(offered)) or "none"
            raise ValueRangeError(f"unknown transcriptome {form.transcriptome!r} (this server offers: {names})",
                                  column="transcriptome")
        transcriptome = {"name": form.transcriptome, "path": str(offered[form.transcriptome])}
    return {
        "record": form.record or None, "lengths": list(lengths), "overhang": form.overhang, "top": form.top,
        "spacing": form.spacing, "skip": sorted(skipped), "pattern": form.pattern or None,
        "conditions": {"concentration_nm": form.conc_nm, "hours": form.hours, "cell_line": form.cell_line},
        "same_gene": form.same_gene or None, "transcriptome": transcriptome,
        "max_seed_tm": form.max_seed_tm, "immune_motifs": form.immune_motifs, "mirna": None,
    }


def check_target(path: Path, display: str, record: str | None, max_nt: int) -> Target:
    """Read the target as the CLI does (errors name ``display``) and apply the server's length limit."""
    with shown_as(path, display):
        targets = read_targets(path, record=record)
    target = targets[0]
    if len(target.sequence) > max_nt:
        raise SequenceError(f"{len(target.sequence):,} nt is longer than this server designs for (limit {max_nt:,} nt; "
                            "the command line has no such limit)", file=display, row=target.record, column="sequence")
    return target


def prepare(form: DesignForm, target: Path | None, display: str | None, *, offered: Mapping[str, Path],
            max_nt: int, folder: Path, mirna: tuple[Path, str] | None = None) -> dict[str, Any]:
    """The whole request checked in the CLI's order: options, the target (None = the bundled example), GC range,
    the miRNA FASTA (path saved in the job's folder, the name it was uploaded as)."""
    request = check_form(form, offered)
    path = example_target() if target is None else target
    chosen = check_target(path, display or EXAMPLE_NAME, request["record"], max_nt)
    request["gc"] = list(parse_range(form.gc, "--gc"))  # checked after the target, as the CLI does
    request.update(example=target is None, target=None if target is None else str(target.relative_to(folder)),
                   display=display or EXAMPLE_NAME, record=chosen.record)
    if mirna is not None:
        request["mirna"] = {"path": str(mirna[0].relative_to(folder)), "display": mirna[1]}
    design_settings(request, folder)  # the worker's settings, built now: a check they make fails here, not in the job
    return request


def cli_command(request: Mapping[str, Any]) -> str:
    """The ``rnakit sirna design`` command that does the same on the command line."""
    words = ["rnakit", "sirna", "design"]
    words += ["--example"] if request["example"] else [request["display"]]
    words += ["-o", "OUT"]
    if request["record"] and not request["example"]:
        words += ["--record", request["record"]]
    lengths = request["lengths"]
    if lengths != [21]:
        contiguous = lengths == list(range(lengths[0], lengths[-1] + 1)) and len(lengths) > 1
        words += ["--length", f"{lengths[0]}..{lengths[-1]}" if contiguous else ",".join(map(str, lengths))]
    defaults = {"overhang": 2, "top": 20, "spacing": None}
    for name, default in defaults.items():
        if request[name] != default:
            words += [f"--{name}", str(request[name])]
    if request["gc"] != [0.30, 0.64]:
        words += ["--gc", f"{request['gc'][0] * 100:g}-{request['gc'][1] * 100:g}"]
    if request["skip"]:
        words += ["--skip-filters", ",".join(request["skip"])]
    if request.get("max_seed_tm") is not None:
        words += ["--max-seed-tm", f"{request['max_seed_tm']:g}"]
    if request.get("immune_motifs"):
        words += ["--immune-motifs"]
    if request.get("mirna"):
        words += ["--mirna", request["mirna"]["display"]]
    if request["pattern"]:
        conditions = request["conditions"]
        words += ["--modification-pattern", request["pattern"], "--conc-nm", f"{conditions['concentration_nm']:g}",
                  "--hours", f"{conditions['hours']:g}", "--cell-line", conditions["cell_line"]]
    if request["same_gene"]:
        words += ["--same-gene", request["same_gene"]]
    if request["transcriptome"]:
        words += ["--transcriptome", Path(request["transcriptome"]["path"]).name]
    return shlex.join(words)


def design_settings(request: Mapping[str, Any], folder: Path) -> DesignSettings:
    """The DesignSettings of a checked request in job folder ``folder`` (as the CLI builds them from its options)."""
    mirna = request.get("mirna")  # (.get: requests stored before these options existed lack them)
    with shown_as(folder / mirna["path"], mirna["display"]) if mirna else contextlib.nullcontext():
        filters = filter_settings(tuple(request["gc"]), set(request["skip"]), max_seed_tm=request.get("max_seed_tm"),
                                  immune=request.get("immune_motifs", False), mirna=folder / mirna["path"] if mirna else None)
    conditions = request["conditions"]
    return DesignSettings(lengths=tuple(request["lengths"]), overhang=request["overhang"], top=request["top"],
                          spacing=request["spacing"], filters=filters, pattern=request["pattern"],
                          conditions=Conditions(conditions["concentration_nm"], conditions["hours"], conditions["cell_line"]),
                          same_gene=request["same_gene"])


def run_job(folder: Path, request: Mapping[str, Any], step: Callable[[str], None], threads: int) -> None:
    """Worker: design for the job's target into ``folder/output`` (the CLI's files, efficacy.png included)."""
    path = example_target() if request["example"] else folder / request["target"]
    with shown_as(path, request["display"]):
        targets = read_targets(path, record=request["record"])
    transcriptome = Path(request["transcriptome"]["path"]) if request["transcriptome"] else None
    output = folder / OUTPUT_DIR
    run_design(targets, replace(design_settings(request, folder), threads=threads), output, transcriptome=transcriptome,
               step=step)


def check_one_source(example: bool, text: str | None, has_file: bool) -> None:
    """Exactly one target: pasted, uploaded, or the bundled example."""
    given = int(bool(example)) + int(bool(text and text.strip())) + int(has_file)
    if given != 1:
        raise InputFormatError("give one target: paste a FASTA, upload one, or use the bundled example"
                               + (" (not several)" if given else ""), column="target")
