"""Running designs: one target or many (local processes or a Dask cluster), outputs written atomically."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd

from rnakit.cpu import available_cores, model_threads
from rnakit.outputs import check_output_folder, output_folder
from rnakit.sirna.design.design import Design, DesignSettings, Step, design_target
from rnakit.sirna.design.offtarget import TranscriptomeIndex, load_or_build_index
from rnakit.sirna.design.report import write_design
from rnakit.sirna.design.targets import Target

SUMMARY_FILE = "summary.tsv"
DESIGN_COMMAND = "rnakit sirna design"  # names the writer in its output folder's marker


def summary_row(design: Design) -> dict:
    """One line of the many-target summary: the target and its best candidate."""
    best = design.top.head(1)
    row = {"record": design.target.record, "length": len(design.target.sequence), "gene": design.target.gene,
           "candidates": len(design.candidates), "passed": int(design.candidates["passed"].sum())}
    for column in ("candidate", "guide", "predicted_remaining_pct", "composite"):
        row[f"best_{column}"] = best[column].iloc[0] if len(best) else None
    return row


def _design_into(target: Target, settings: DesignSettings, transcriptome: str | None, folder: str) -> dict:
    """Worker: design one target and write its outputs into ``folder`` (created here)."""
    index = load_or_build_index(Path(transcriptome), aligner=settings.aligner) if transcriptome else None
    design = design_target(target, settings, index)
    Path(folder).mkdir(parents=True)
    write_design(design, Path(folder))
    return summary_row(design)


def run_design(
    targets: list[Target], settings: DesignSettings, out: Path, *, transcriptome: Path | None = None,
    workers: int = 1, dask_scheduler: str | None = None, step: Step | None = None,
    done: Callable[[dict], None] | None = None, force: bool = False, target_files: Sequence[Path] = (),
) -> list[dict]:
    """Design every target into ``out`` (one target: its files directly; several: one folder each
    plus summary.tsv). Nothing is left in ``out`` unless every target succeeds. ``out`` may not hold
    ``target_files`` (the FASTA the targets came from) or the other inputs; ``force`` writes into a folder
    rnakit did not write, keeping its other files (see :mod:`rnakit.outputs`)."""
    check_output_folder(out, command=DESIGN_COMMAND, force=force,
                        inputs=[transcriptome, settings.variants_file, settings.isoforms_file, *settings.conserved_files,
                                *target_files])
    index: TranscriptomeIndex | None = None
    if transcriptome is not None:
        if step:
            step("transcriptome index")
        index = load_or_build_index(transcriptome, aligner=settings.aligner)  # built (and cached) once, before any worker starts
    with output_folder(out, command=DESIGN_COMMAND) as scratch:
        if len(targets) == 1:
            design = design_target(targets[0], settings, index, step)
            write_design(design, scratch)
            rows = [summary_row(design)]
        else:
            folders = [str(scratch / name) for name in _folder_names([t.record for t in targets])]
            source = str(transcriptome) if transcriptome else None
            rows = _run_many(targets, settings, source, folders, workers, dask_scheduler, done)
            pd.DataFrame(rows).to_csv(scratch / SUMMARY_FILE, sep="\t", index=False, float_format="%.4g")
    return rows


def _run_many(targets: list[Target], settings: DesignSettings, transcriptome: str | None, folders: list[str],
              workers: int, dask_scheduler: str | None, done: Callable[[dict], None] | None) -> list[dict]:
    """Design every target (Dask, local processes, or in turn), results in input order."""
    n = len(targets)
    if not dask_scheduler and workers > 1:  # the local processes share the threads out (never oversubscribed)
        settings = replace(settings, threads=model_threads(settings.threads, min(workers, n)))
    arguments = (targets, [settings] * n, [transcriptome] * n, folders)
    with contextlib.ExitStack() as stack:
        if dask_scheduler:
            from dask.distributed import Client  # optional: only needed for --dask-scheduler

            client = stack.enter_context(Client(dask_scheduler))
            results = (future.result() for future in client.map(_design_into, *arguments, pure=False))
        elif workers > 1:
            # Not forked: a child forked after LightGBM ran here on several OpenMP threads deadlocks in LightGBM.
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
            results = stack.enter_context(pool).map(_design_into, *arguments)
        else:
            results = map(_design_into, *arguments)
        rows = []
        for row in results:
            rows.append(row)
            if done:
                done(row)
        return rows


def _folder_names(records: list[str]) -> list[str]:
    """A distinct folder name per record id (odd characters become '_'; clashes get '_2', '_3', …)."""
    names: list[str] = []
    for record in records:
        base = "".join(c if c.isalnum() or c in "._-" else "_" for c in record).lstrip(".") or "record"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def default_workers() -> int:
    """Local processes for many targets: the cores available to this process."""
    return available_cores()
