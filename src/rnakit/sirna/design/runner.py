"""Running designs: one target or many (local processes or a Dask cluster), outputs written atomically;
many-target runs commit each record as it finishes and resume after a crash."""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd

from rnakit import __version__
from rnakit.cpu import available_cores, model_threads
from rnakit.errors import OutputError
from rnakit.extras import require
from rnakit.files import atomic_write, sha256_of
from rnakit.outputs import (
    MARKER,
    PARTIAL,
    SCRATCH,
    check_output_folder,
    finished_parts,
    install_folder,
    output_folder,
    read_partial,
    seal_folder,
)
from rnakit.sirna.design.design import Design, DesignSettings, Step, design_target
from rnakit.sirna.design.offtarget import TranscriptomeIndex, load_or_build_index, with_sites_searched
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


# Test hook (only tests set it): the worker designing this record kills its own process after writing the
# record's files and before committing them, as a crash or Ctrl-C at the worst moment would.
CRASH_HOOK_ENV = "RNAKIT_TEST_CRASH_IN_RECORD"

# Records per task of a many-record run (at most): their candidates' near-perfect matches are searched in one
# bowtie call, which reads bowtie's whole index once (a third of a second on a 50 Mnt transcriptome) instead
# of once per record. Each record is still committed as it finishes; a batch's hits stay in memory until it ends.
MAX_BATCH = 8

# From this many records on, ``--aligner auto`` means rnakit's own index rather than bowtie: loaded once per
# worker (about 3 CPU s and 0.8 GB on a 50 Mnt transcriptome, suffix table included), it then searches a
# record's strands in a tenth of bowtie's CPU time (0.07 against 0.67 s for a 2.5 kb record); the same counts.
KMER_FROM_RECORDS = 8

_INDEXES: dict[tuple, TranscriptomeIndex] = {}  # this process's off-target index (see _worker_index)


def _worker_index(path: str, aligner: str, threads: int | None = None) -> TranscriptomeIndex:
    """The off-target index, loaded once per process (worker) and kept for every record it designs:
    reading a whole transcriptome's arrays per record would cost more than designing the record.
    ``threads``: bowtie's (None: its default), as the design's other work gets."""
    stat = os.stat(path)
    key = (os.path.abspath(path), aligner, stat.st_size, stat.st_mtime_ns, threads)
    if key not in _INDEXES:
        _INDEXES.clear()  # one index per process at most: memory per worker stays bounded
        index = load_or_build_index(path, aligner=aligner)  # type: ignore[arg-type]
        _INDEXES[key] = replace(index, bowtie_threads=threads)
    return _INDEXES[key]


def run_aligner(aligner: str, records: int) -> str:
    """The near-perfect engine of a run of ``records`` records: ``auto`` is rnakit's index (``kmer``) from
    KMER_FROM_RECORDS records on, else left to :func:`load_or_build_index` (bowtie when installed)."""
    return "kmer" if aligner == "auto" and records >= KMER_FROM_RECORDS else aligner


def _report_writer() -> Callable[[Design, Path], None]:
    """The writer of a design's files, imported when first needed: matplotlib and the report code load
    while a long target's features are computed in other processes, not before."""
    from rnakit.sirna.design.report import write_design

    return write_design


def _design_batch(targets: list[Target], settings: DesignSettings, transcriptome: str | None, folders: list[str],
                  run: str = "", keep: bool = False) -> Iterator[tuple[dict, pd.DataFrame | None]]:
    """Worker: design ``targets`` in turn, each committed into its folder as it finishes (the summary row
    of each is yielded then, with its candidate table if ``keep``), their candidates' near-perfect matches
    searched first in one call."""
    index = None
    if transcriptome:
        index = with_sites_searched(_worker_index(transcriptome, settings.aligner, settings.threads),
                                    [target.sequence for target in targets])
    for target, folder in zip(targets, folders):
        yield _design_into(target, settings, index, folder, run, keep)


def _design_list(*arguments: object) -> list[tuple[dict, pd.DataFrame | None]]:
    """:func:`_design_batch` as one task's result (a Dask task or a local process's)."""
    return list(_design_batch(*arguments))  # type: ignore[arg-type]


def _design_into(target: Target, settings: DesignSettings, index: TranscriptomeIndex | None, folder: str,
                 run: str = "", keep: bool = False) -> tuple[dict, pd.DataFrame | None]:
    """Design one target, write its files in the output's scratch folder, seal them (marker with the run's
    settings digest ``run`` and the summary row) and rename the folder into place as ``folder``; the
    summary row, and the candidate table if ``keep`` (else None: not sent back from a worker for nothing)."""
    design = design_target(target, settings, index)
    row = json.loads(json.dumps(summary_row(design), default=_json_scalar))  # as a resumed run reads it back
    place = Path(folder)
    (place.parent / SCRATCH).mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{place.name}.", dir=place.parent / SCRATCH))
    try:
        _report_writer()(design, scratch)
        if os.environ.get(CRASH_HOOK_ENV) == target.record:
            os.kill(os.getpid(), signal.SIGKILL)
        seal_folder(scratch, DESIGN_COMMAND, details={"settings": run, "record": target.record, "summary": row})
        install_folder(scratch, place)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return row, design.candidates if keep else None


def _json_scalar(value: object) -> object:
    return value.item() if hasattr(value, "item") else str(value)  # numpy scalars


def run_settings(settings: DesignSettings, transcriptome: Path | None, target_files: Sequence[Path]) -> dict:
    """Everything that changes a run's results: the options, the sha256 of every input file, rnakit's
    version; ``digest`` names the whole. (Threads change only the speed.)"""
    options = {k: v for k, v in asdict(settings).items() if k != "threads"}
    files = [*target_files, transcriptome, settings.variants_file, settings.isoforms_file, *settings.conserved_files,
             settings.gtf_file]
    values = {"rnakit_version": __version__,
              "options": json.loads(json.dumps(options, default=str, sort_keys=True)),
              "files": {str(p): sha256_of(p) for p in files if p is not None}}
    values["digest"] = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
    return values


def run_design(
    targets: list[Target], settings: DesignSettings, out: Path, *, transcriptome: Path | None = None,
    workers: int = 1, dask_scheduler: str | None = None, step: Step | None = None,
    done: Callable[[dict], None] | None = None, force: bool = False, target_files: Sequence[Path] = (),
    skipped: Callable[[int], None] | None = None, tables: dict[int, pd.DataFrame] | None = None,
) -> list[dict]:
    """Design every target into ``out`` (one target: its files directly; several: one folder each
    plus summary.tsv). ``out`` may not hold ``target_files`` (the FASTA the targets came from) or the
    other inputs; ``force`` writes into a folder rnakit did not write, keeping its other files (see
    :mod:`rnakit.outputs`).

    One target's folder appears only when complete; a long one's candidates are scored in ``workers``
    processes (the same files as one). With several, each record's folder is committed
    (sealed, renamed into place) as it finishes, so a run killed half-way resumes: the same command
    skips the records whose folders verify and were made with the same settings (``skipped`` is told how
    many), and the folder's marker and summary.tsv appear only when every record is done; until then
    its :data:`rnakit.outputs.PARTIAL` file says it is unfinished and holds the settings. An unfinished
    run with other settings is refused unless ``force`` (then it starts afresh).

    ``tables``, when given, receives each designed target's candidate table by its position in ``targets``
    (``rnakit.design(out=…)`` returns them): records a killed run finished are not designed, so not there.
    """
    if dask_scheduler:
        require("dask", "rnakit sirna design --dask-scheduler")  # before any work
    check_output_folder(out, command=DESIGN_COMMAND, force=force,
                        inputs=[transcriptome, settings.variants_file, settings.isoforms_file, *settings.conserved_files,
                                settings.gtf_file, *target_files])
    run = run_settings(settings, transcriptome, target_files) if len(targets) > 1 else {}
    settings = replace(settings, aligner=run_aligner(settings.aligner, len(targets)))  # after the digest: same results
    # (A run killed between sealing the folder and removing PARTIAL has finished: its marker counts.)
    state = read_partial(out) if len(targets) > 1 and not (out / MARKER).exists() else None
    if state is not None and state.get("digest") != run["digest"] and not force:
        raise OutputError("holds an unfinished design run with other settings or inputs: repeat that command to "
                          "finish it, or --force to start this one afresh", file=str(out))
    index: TranscriptomeIndex | None = None
    if transcriptome is not None:
        if step:
            step("transcriptome index")
        # Built (and cached) once, before any worker starts; kept for the records designed in this process.
        if len(targets) > 1 and (dask_scheduler or workers > 1):  # the workers load their own copy: not read here
            _INDEXES.clear()  # nor kept from an earlier run in this process
            load_or_build_index(transcriptome, aligner=settings.aligner, sites=False)
        else:
            index = _worker_index(str(transcriptome), settings.aligner, settings.threads)
    if len(targets) == 1:
        with output_folder(out, command=DESIGN_COMMAND) as scratch:
            design = design_target(targets[0], settings, index, step, workers, meanwhile=_report_writer)
            _report_writer()(design, scratch)
        if tables is not None:
            tables[0] = design.candidates
        return [summary_row(design)]
    return _run_resumable(targets, settings, out, transcriptome, run, state, workers, dask_scheduler, done, skipped,
                          tables)


def _run_resumable(targets: list[Target], settings: DesignSettings, out: Path, transcriptome: Path | None,
                   run: dict, state: dict | None, workers: int, dask_scheduler: str | None,
                   done: Callable[[dict], None] | None, skipped: Callable[[int], None] | None,
                   tables: dict[int, pd.DataFrame] | None = None) -> list[dict]:
    """Many targets into ``out``, one committed folder each, skipping those a killed run finished."""
    out.mkdir(parents=True, exist_ok=True)
    resuming = state is not None and state.get("digest") == run["digest"]
    # The files of the run this one replaces: removed at the end if still as written (never anyone else's).
    previous = dict(state.get("previous_files", {})) if state else _listed_files(out)
    if state is not None and not resuming:
        previous.update(_listed_parts(out))
    with atomic_write(out / PARTIAL, "w", encoding="utf-8") as handle:
        json.dump({"command": DESIGN_COMMAND, **run, "previous_files": previous, "pending_files": [SUMMARY_FILE]},
                  handle, indent=1)
    with contextlib.suppress(FileNotFoundError):
        (out / MARKER).unlink()  # from here on the folder is unfinished until every record is done
    shutil.rmtree(out / SCRATCH, ignore_errors=True)  # records a killed run left half-built

    names = _folder_names([t.record for t in targets])
    finished = finished_parts(out, DESIGN_COMMAND)
    rows: dict[int, dict] = {}
    for i, (target, name) in enumerate(zip(targets, names)):
        details = finished.get(name, {}).get("run", {})
        if details.get("settings") == run["digest"] and details.get("record") == target.record:
            rows[i] = details["summary"]
    if skipped:
        skipped(len(rows))
    todo = [i for i in range(len(targets)) if i not in rows]
    folders = [str(out / names[i]) for i in todo]
    source = str(transcriptome) if transcriptome else None
    for i, row, table in _run_many([targets[i] for i in todo], settings, source, folders, run["digest"], workers,
                                   dask_scheduler, keep=tables is not None):
        rows[todo[i]] = row
        if tables is not None:
            tables[todo[i]] = table
        if done:
            done(row)

    ordered = [rows[i] for i in range(len(targets))]
    with atomic_write(out / SUMMARY_FILE, "w", encoding="utf-8", newline="") as handle:
        pd.DataFrame(ordered).to_csv(handle, sep="\t", index=False, float_format="%.4g")
    files = {SUMMARY_FILE} | set(_listed_parts(out, names))
    for name, digest in previous.items():  # only a file still as rnakit wrote it is removed
        stale = out / name
        if name not in files and stale.is_file() and not stale.is_symlink() and sha256_of(stale) == digest:
            stale.unlink()
            _remove_empty_parents(stale.parent, out)
    shutil.rmtree(out / SCRATCH, ignore_errors=True)
    seal_folder(out, DESIGN_COMMAND, files=files)
    (out / PARTIAL).unlink()
    return ordered


def _listed_files(out: Path) -> dict[str, str]:
    """The files an earlier complete output in ``out`` lists in its marker (name → sha256)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        return dict(json.loads((out / MARKER).read_text(encoding="utf-8"))["files"])
    return {}


def _listed_parts(out: Path, names: Sequence[str] | None = None) -> dict[str, str]:
    """The files of the finished record folders in ``out`` (all, or those named), their markers included."""
    files = {}
    for name, marker in finished_parts(out, DESIGN_COMMAND).items():
        if names is None or name in names:
            files[f"{name}/{MARKER}"] = sha256_of(out / name / MARKER)
            files.update({f"{name}/{file}": digest for file, digest in marker["files"].items()})
    return files


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _run_many(targets: list[Target], settings: DesignSettings, transcriptome: str | None, folders: list[str],
              run: str, workers: int, dask_scheduler: str | None,
              keep: bool = False) -> Iterator[tuple[int, dict, pd.DataFrame | None]]:
    """Design every target (Dask, local processes, or in turn), in batches of consecutive records (see
    MAX_BATCH): (position, summary row, candidate table if ``keep``) as each finishes (with Dask or
    processes, as its batch finishes)."""
    n = len(targets)
    if not n:
        return
    if not dask_scheduler and workers > 1:  # the local processes share the threads out (never oversubscribed)
        settings = replace(settings, threads=model_threads(settings.threads, min(workers, n)))

    def task(batch: range) -> tuple:
        return [targets[i] for i in batch], settings, transcriptome, [folders[i] for i in batch], run, keep

    def numbered(batch: range, results: Iterable[tuple[dict, pd.DataFrame | None]]) -> Iterator[tuple]:
        return ((i, row, table) for i, (row, table) in zip(batch, results))

    with contextlib.ExitStack() as stack:
        if dask_scheduler:
            # optional: only needed for --dask-scheduler
            from dask.distributed import Client, as_completed

            client = stack.enter_context(Client(dask_scheduler))
            batches = _batches(n, sum(client.nthreads().values()))
            futures = {client.submit(_design_list, *task(batch), pure=False): batch for batch in batches}
            for future in as_completed(futures):
                yield from numbered(futures[future], future.result())
        elif workers > 1:
            # Not forked: a child forked after LightGBM ran here on several OpenMP threads deadlocks in LightGBM.
            pool = ProcessPoolExecutor(max_workers=min(workers, n), mp_context=multiprocessing.get_context("forkserver"))
            stack.callback(pool.shutdown, wait=True, cancel_futures=True)  # Ctrl-C: queued records never start
            pending = {pool.submit(_design_list, *task(batch)): batch for batch in _batches(n, min(workers, n))}
            for future in concurrent.futures.as_completed(pending):
                yield from numbered(pending[future], future.result())
        else:
            for batch in _batches(n, 0):
                yield from numbered(batch, _design_batch(*task(batch)))


def _batches(n: int, slots: int) -> list[range]:
    """Consecutive batches of ``n`` records, at most MAX_BATCH each; for ``slots`` parallel workers (0: one,
    reporting each record as it finishes) they shrink towards the end, so that no worker is left with a
    long batch while the others have nothing to do."""
    batches, start = [], 0
    while start < n:
        size = MAX_BATCH if not slots else max(1, min(MAX_BATCH, (n - start) // (2 * slots)))
        batches.append(range(start, min(n, start + size)))
        start += size
    return batches


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
