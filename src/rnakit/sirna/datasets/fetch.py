"""Downloading a registered dataset into the data directory, checking every file's sha256."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

from rnakit.errors import DatasetNotFoundError, MismatchError
from rnakit.files import atomic_write, sha256_of
from rnakit.sirna.datasets.registry import USER_DATA_DIR, DatasetInfo, default_data_dir

_CHUNK = 1 << 20


def _download(url: str, target: Path, expected_sha256: str, timeout: float) -> None:
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, atomic_write(target, "wb") as out:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
            if digest.hexdigest() != expected_sha256:
                # Raising inside atomic_write discards the temporary file: no bad copy is left.
                raise MismatchError(
                    f"checksum mismatch: got sha256 {digest.hexdigest()}, registry says {expected_sha256}",
                    file=url,
                )
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DatasetNotFoundError(f"download failed ({exc})", file=url) from None


def fetch_dataset(
    info: DatasetInfo, data_dir: str | os.PathLike[str] | None = None, *, timeout: float = 60.0
) -> list[Path]:
    """Download every file of ``info`` that is missing or differs from its checksum.

    Files are written under ``data_dir`` (default: the data directory in use, else
    ``~/.cache/rnakit/data``) only once complete and verified. Returns the dataset's file paths.
    """
    if not info.urls:
        raise DatasetNotFoundError(
            f"dataset {info.name!r} cannot be downloaded by rnakit (its files are not published as they "
            f"are stored); obtain them from {info.origin} and place them in <data dir>/{info.folder}"
        )
    base = Path(data_dir) if data_dir is not None else (default_data_dir() or USER_DATA_DIR)
    folder = base / info.folder
    paths = []
    for file, expected in info.files.items():
        target = folder / file
        paths.append(target)
        if target.is_file() and sha256_of(target) == expected:
            continue
        url = info.urls.get(file)
        if url is None:
            raise DatasetNotFoundError(f"dataset {info.name!r}: no address recorded for {file}")
        _download(url, target, expected, timeout)
    return paths
