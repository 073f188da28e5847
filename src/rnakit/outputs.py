"""Where a command may write: outputs never destroy inputs or files rnakit did not write.

Rules (checked before any long work starts, so a run is never lost to a bad ``-o``):

- an output file may not be one of the command's inputs (links resolved), nor an existing folder;
- an output folder may be new, empty, or an earlier output of the same command (its
  :data:`MARKER` says so and lists every file it wrote, with checksums); anything else is refused
  unless ``force``, and ``force`` still keeps every file rnakit did not write;
- an output folder may not be, or hold, the current folder or an input;
- the place must be writable; a missing parent folder is created, and the user is told.

Folders are written all-or-nothing by :func:`output_folder`; :func:`verify_output` lets a reader
(e.g. ``rnakit sirna predict``) refuse a folder whose files are not the ones its marker lists.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rnakit import __version__
from rnakit.errors import OutputError
from rnakit.files import atomic_write, replace_folder, scratch_folder, sha256_of

log = logging.getLogger(__name__)

MARKER = "rnakit-output.json"  # in every output folder: the command that wrote it and each file's sha256
# In a many-part output still being written (resumable): the command and its settings. With it and
# no MARKER, the folder is recognisably unfinished; MARKER replaces it once every part is done.
PARTIAL = "rnakit-partial.json"
SCRATCH = ".rnakit-scratch"  # inside an unfinished output: parts being built (everything in it is rnakit's)
PathLike = str | os.PathLike[str]


def _existing(paths: Iterable[PathLike | None]) -> list[Path]:
    return [Path(p) for p in paths if p is not None and str(p) != "-" and Path(p).exists()]


def _check_writable_place(path: Path) -> None:
    """The nearest existing ancestor of ``path`` accepts a new file; missing folders are announced."""
    parent = path.parent
    missing = []
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write here: {parent} is not a folder", file=str(path))
    try:  # a real probe: permission bits say nothing for root, nor for read-only file systems
        fd, probe = tempfile.mkstemp(prefix=".rnakit-probe.", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write in folder {parent} ({exc.strerror or exc})", file=str(path)) from None
    if missing:
        log.warning("creating folder %s (it does not exist)", missing[-1])


def check_output_file(path: PathLike, *, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Refuse an output file that is an input, an existing folder, or not writable; return it as a Path."""
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a folder: give a file name for this output", file=str(target))
    for source in _existing(inputs):
        if target.exists() and os.path.samefile(target, source) or target.resolve() == source.resolve():
            named = "" if str(source) == str(target) else f" ({source})"
            raise OutputError(f"is also an input{named}: choose another output file", file=str(target))
    _check_writable_place(target)
    return target


def _marker(folder: Path) -> dict | None:
    """The folder's marker, or None when it has none or it cannot be read (then it counts as foreign)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    files = marker.get("files") if isinstance(marker, dict) else None
    return marker if isinstance(files, dict) and isinstance(marker.get("command"), str) else None


def _files_below(folder: Path) -> list[str]:
    """Every file below ``folder`` (links included, not followed), as sorted POSIX paths relative to it."""
    found = []
    for root, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            found.append(Path(root, name).relative_to(folder).as_posix())
    return sorted(found)


def read_partial(folder: PathLike) -> dict | None:
    """The :data:`PARTIAL` record of an unfinished output, or None when there is none (or it is unreadable)."""
    try:
        state = json.loads((Path(folder) / PARTIAL).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("command"), str) else None


def finished_parts(folder: PathLike, command: str) -> dict[str, dict]:
    """The sub-folders of ``folder`` that are complete, unchanged outputs of ``command``: name → marker."""
    parts = {}
    for sub in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else ():
        if sub.is_dir() and not sub.is_symlink() and (sub / MARKER).is_file():
            with contextlib.suppress(OutputError):
                parts[sub.name] = verify_output(sub, command=command)
    return parts


def _partial_marker(folder: Path, state: dict) -> dict:
    """A marker-like listing of an unfinished output's files: its finished parts and the scratch."""
    files = {}
    for name, marker in finished_parts(folder, state["command"]).items():
        files[f"{name}/{MARKER}"] = ""
        files.update({f"{name}/{file}": digest for file, digest in marker["files"].items()})
    scratch = folder / SCRATCH
    files.update({f"{SCRATCH}/{name}": "" for name in (_files_below(scratch) if scratch.is_dir() else [])})
    # The run's own files not yet in a part: the earlier output it replaces, and its closing files.
    files.update(dict.fromkeys(state.get("previous_files", {}), ""))
    files.update(dict.fromkeys(state.get("pending_files", []), ""))
    return {"command": state["command"], "files": files | {PARTIAL: ""}}


def _foreign_files(folder: Path, marker: dict | None) -> list[str]:
    """Files in ``folder`` that its marker does not list: written by someone else, never deleted."""
    listed = set(marker["files"]) if marker else set()
    return [name for name in _files_below(folder) if name != MARKER and name not in listed]


def check_output_folder(
    path: PathLike, *, command: str, inputs: Iterable[PathLike | None] = (), force: bool = False,
) -> Path:
    """Refuse an output folder that would destroy an input, the current folder, or someone else's files.

    ``command`` names the writer (``"rnakit sirna design"``); an earlier output of it may be replaced.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError("exists and is not a folder", file=str(target))
    resolved = target.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise OutputError("is the current folder (or holds it): write into a new folder", file=str(target))
    for source in _existing(inputs):
        real = source.resolve()
        if resolved == real or resolved in real.parents:
            raise OutputError(f"holds an input ({source}): choose another folder", file=str(target))
    if target.is_dir() and any(target.iterdir()) and not force:
        state = None if (target / MARKER).exists() else read_partial(target)
        marker = _marker(target) if state is None else _partial_marker(target, state)
        if marker is None:
            raise OutputError(
                "is not empty and was not written by rnakit: choose a new folder, or --force to write "
                "rnakit's files into it (other files are kept)", file=str(target))
        if marker["command"] != command:
            raise OutputError(
                f"holds the output of '{marker['command']}', not of '{command}': choose another folder, "
                "or --force", file=str(target))
        foreign = _foreign_files(target, marker)
        if foreign:
            raise OutputError(
                f"holds {len(foreign)} file(s) rnakit did not write (first: {foreign[0]}): choose a new folder, "
                "or --force to replace rnakit's files and keep those", file=str(target))
    _check_writable_place(target)
    return target


def seal_folder(folder: PathLike, command: str, *, details: dict | None = None,
                files: Iterable[str] | None = None) -> dict:
    """Write ``folder``'s marker: the command, rnakit's version and the sha256 of every file in it
    (or of ``files`` only, relative POSIX paths), plus ``details`` (JSON values) under ``"run"``."""
    root = Path(folder)
    names = sorted(files) if files is not None else [name for name in _files_below(root) if name != MARKER]
    marker = {"command": command, "rnakit_version": __version__, "files": {name: sha256_of(root / name) for name in names}}
    if details is not None:
        marker["run"] = details
    with atomic_write(root / MARKER, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(marker, indent=1) + "\n")
    return marker


@contextlib.contextmanager
def output_folder(path: PathLike, *, command: str) -> Iterator[Path]:
    """Yield an empty scratch folder; when the block succeeds, it is sealed and becomes ``path``.

    Call :func:`check_output_folder` first. A folder holding only rnakit's files of an earlier run is
    replaced whole, atomically; into any other folder (``--force``) the new files are moved one by one,
    the earlier run's stale files removed and every other file kept. On failure nothing changes.
    """
    target = Path(path)
    scratch = scratch_folder(target)
    try:
        yield scratch
        seal_folder(scratch, command)
        install_folder(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def install_folder(scratch: PathLike, target: PathLike) -> None:
    """Put the sealed folder ``scratch`` in the place of ``target``: a swap when ``target`` is absent or
    holds only rnakit's files, else a merge that keeps every file rnakit did not write."""
    scratch, target = Path(scratch), Path(target)
    if target.is_dir() and _foreign_files(target, _marker(target)):
        _merge_into(scratch, target)
    else:
        replace_folder(scratch, target)


def _merge_into(scratch: Path, target: Path) -> None:
    """Move the sealed files of ``scratch`` into ``target``, keeping the files rnakit did not write.

    The old marker goes first and the new one comes last, so a crash in between leaves a folder that
    :func:`verify_output` refuses rather than one that mixes two runs.
    """
    old = _marker(target)
    with contextlib.suppress(FileNotFoundError):
        (target / MARKER).unlink()
    new = _marker(scratch) or {"files": {}}
    for name, digest in (old or {"files": {}})["files"].items():
        stale = target / name
        # Only a file still as rnakit wrote it is removed; one the user changed is theirs now.
        if name not in new["files"] and stale.is_file() and not stale.is_symlink() and sha256_of(stale) == digest:
            stale.unlink()
    for name in new["files"]:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / name, destination)
    os.replace(scratch / MARKER, target / MARKER)


def verify_output(folder: PathLike, *, command: str, required: Iterable[str] = ()) -> dict:
    """The marker of a complete, unchanged output folder of ``command``; OutputError otherwise.

    Every file the marker lists must be there with its sha256, and every path in ``required`` (a file
    name, or a folder whose files all count) must be listed: a half-written or mixed folder is refused.
    """
    root = Path(folder)
    if not root.is_dir():
        raise OutputError("no such folder", file=str(root))
    marker = _marker(root)
    if marker is None and read_partial(root) is not None:
        raise OutputError(f"an unfinished run of '{command}' ({PARTIAL}): run the same command again to finish it",
                          file=str(root))
    if marker is None:
        why = "unreadable" if (root / MARKER).exists() else "missing"
        raise OutputError(f"not a complete output of '{command}' ({MARKER} {why}): run it again", file=str(root))
    if marker["command"] != command:
        raise OutputError(f"written by '{marker['command']}', not by '{command}'", file=str(root))
    listed = marker["files"]
    present = set(_files_below(root))
    for name in required:
        inside = [p for p in present if p == name or p.startswith(name.rstrip("/") + "/")]
        unlisted = [p for p in inside if p not in listed]
        if not inside or unlisted:
            raise OutputError(f"{(unlisted or [name])[0]} is not among the files of the run: run it again",
                              file=str(root))
    for name, digest in listed.items():
        if name not in present:
            raise OutputError(f"{name} is missing: the folder is incomplete", file=str(root))
        if sha256_of(root / name) != digest:
            raise OutputError(f"{name} differs from what the run wrote (sha256): the folder was changed or "
                              "mixes two runs", file=str(root))
    return marker
