"""Writing outputs atomically: a reader never sees a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_DIR_ENV = "RNAKIT_CACHE_DIR"  # moves every cache (features, indexes, calibrations, web results)


def cache_folder(name: str) -> Path:
    """Folder ``name`` of rnakit's cache: ``$RNAKIT_CACHE_DIR/name``, else ``~/.cache/rnakit/name``."""
    return Path(os.environ.get(CACHE_DIR_ENV, Path.home() / ".cache" / "rnakit")) / name


def read_cache_entry(path: Path, read: Callable[[Path], T | None]) -> T | None:
    """``read(path)``, or None when ``path`` is missing or ``read`` fails in any way: the caller then
    recomputes the entry and writes it anew.

    An entry can be truncated or damaged (a full disk, a killed copy, another program's file); a cache
    must never stop a run, nor need deleting by hand, so any error here is only logged.
    """
    if not path.is_file():
        return None
    try:
        return read(path)
    except Exception as error:  # whatever the damage, the cure is to recompute
        log.warning("ignoring unreadable cache entry %s (%s: %s); recomputing it", path, type(error).__name__, error)
        return None


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def json_safe(value: object) -> object:
    """NaN and ±infinity → None throughout nested dicts/lists/tuples, NumPy scalars → Python ones, so the
    JSON is standard (no NaN or Infinity) and serialisable. NumPy is not imported, keeping this module
    light for the command line's start."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # a NumPy scalar: float32, int64, bool_…
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def _umask_mode(full: int) -> int:
    """``full`` (0o666 for files, 0o777 for folders) less the process umask: what open/mkdir would give.

    mkstemp and mkdtemp create private (0600 / 0700) entries; outputs should not stay private.
    """
    mask = os.umask(0)
    os.umask(mask)
    return full & ~mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **kwargs: object) -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it onto ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        with open(tmp_name, mode, **kwargs) as handle:  # type: ignore[call-overload]
            yield handle
        os.chmod(tmp_name, _umask_mode(0o666))
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``path``; it becomes ``path`` only if the block succeeds.

    An existing ``path`` is replaced then (never merged); on failure nothing is left behind.
    """
    target = Path(path)
    scratch = scratch_folder(target)
    try:
        yield scratch
        replace_folder(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def scratch_folder(target: Path) -> Path:
    """A new hidden folder beside ``target`` (same file system, so it can be renamed onto it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))


def replace_folder(scratch: Path, target: Path) -> None:
    """Rename the finished ``scratch`` onto ``target``; an existing ``target`` is swapped out, then removed."""
    os.chmod(scratch, _umask_mode(0o777))
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / "previous")
        os.replace(scratch, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(scratch, target)


@contextlib.contextmanager
def output_or_stdout(path: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    """Text output to ``path`` (written atomically), or to standard output when ``path`` is None."""
    if path is None:
        yield sys.stdout
    else:
        with atomic_write(path, "w", encoding="utf-8") as handle:
            yield handle
