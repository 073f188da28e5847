"""What ``rnakit serve`` is allowed to do: address, result storage, limits and the transcriptomes it offers.

Every field has a safe default (loopback only, bounded uploads, two concurrent jobs); each can be set
by an ``RNAKIT_SERVE_*`` environment variable or, taking precedence, by a ``rnakit serve`` option.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.files import cache_folder

MIB = 2**20
ENV_PREFIX = "RNAKIT_SERVE_"


def default_results_dir() -> Path:
    """``<rnakit cache>/serve`` (:func:`rnakit.files.cache_folder`): beside rnakit's other caches."""
    return cache_folder("serve")


@dataclass(frozen=True)
class ServeSettings:
    """The server's address, where results go, and every limit it enforces."""

    host: str = "127.0.0.1"
    port: int = 8000
    results_dir: Path = field(default_factory=default_results_dir)
    max_result_age_s: float = 7 * 86400  # finished results older than this are deleted
    cleanup_interval_s: float = 3600
    max_upload_bytes: int = 20 * MIB  # request bodies, and the decompressed content of .gz uploads
    max_target_nt: int = 200_000  # design targets and hybridisation targets
    max_jobs: int = 2  # background jobs running at once; the others wait in the queue
    max_queued: int = 50  # beyond this, new jobs are refused (429, Retry-After) rather than queued
    job_timeout_s: float = 600
    max_inline_rows: int = 200  # siRNAs predicted within the request (JSON / pasted)
    max_predict_rows: int = 20_000  # rows of an uploaded table (predicted in a background job)
    max_hybrid_work: int = 2_000_000  # queries × target nucleotides hybridised within one request
    transcriptomes: Mapping[str, Path] = field(default_factory=dict)  # offered by name, never by path

    def __post_init__(self) -> None:
        for name in ("port", "max_upload_bytes", "max_target_nt", "max_jobs", "max_queued", "max_inline_rows",
                     "max_predict_rows", "max_hybrid_work"):
            if getattr(self, name) < (0 if name == "port" else 1):
                raise ValueRangeError(f"{getattr(self, name)} must be ≥ 1", column=name)
        for name in ("max_result_age_s", "cleanup_interval_s", "job_timeout_s"):
            if not getattr(self, name) > 0:
                raise ValueRangeError(f"{getattr(self, name)} must be > 0", column=name)

    @property
    def loopback(self) -> bool:
        """True when the server is reachable from this machine only."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name other than localhost may resolve anywhere
            return False

    def with_overrides(self, **values: Any) -> ServeSettings:
        """A copy with the given fields replaced; None values (an option not given) keep the current one."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeSettings:
        """Defaults overridden by ``RNAKIT_SERVE_*`` variables (sizes in MiB, ages in hours)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        readers = {
            "HOST": ("host", str), "PORT": ("port", int), "RESULTS_DIR": ("results_dir", Path),
            "MAX_AGE_HOURS": ("max_result_age_s", lambda v: float(v) * 3600),
            "MAX_UPLOAD_MB": ("max_upload_bytes", lambda v: int(float(v) * MIB)),
            "MAX_TARGET_NT": ("max_target_nt", int), "JOBS": ("max_jobs", int), "QUEUE": ("max_queued", int),
            "JOB_TIMEOUT": ("job_timeout_s", float), "TRANSCRIPTOMES": ("transcriptomes", parse_transcriptomes_env),
            "CLEANUP_INTERVAL_S": ("cleanup_interval_s", float),
        }
        for suffix, (name, convert) in readers.items():
            text = env.get(ENV_PREFIX + suffix)
            if text:
                try:
                    values[name] = convert(text)
                except ValueError:
                    raise ValueRangeError(f"{text!r} is not a valid value", column=ENV_PREFIX + suffix) from None
        return cls(**values)

    def public_limits(self) -> dict[str, Any]:
        """The limits a client may want to know before sending anything (no paths)."""
        hidden = {"host", "port", "results_dir", "transcriptomes", "cleanup_interval_s"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in hidden}


def settings_from_options(
    *, host: str | None = None, port: int | None = None, results_dir: Path | None = None,
    max_upload_mb: float | None = None, jobs: int | None = None, queue: int | None = None,
    job_timeout: float | None = None, max_age_hours: float | None = None, max_target_nt: int | None = None,
    transcriptome: Iterable[str] | None = None,
) -> ServeSettings:
    """The settings of ``rnakit serve`` (and ``python -m rnakit.serve``): ``RNAKIT_SERVE_*`` variables over
    the defaults, and the options given (not None) over those. Sizes in MiB, ages in hours, as the options."""
    settings = ServeSettings.from_env().with_overrides(
        host=host, port=port, results_dir=results_dir, job_timeout_s=job_timeout, max_jobs=jobs, max_queued=queue,
        max_upload_bytes=None if max_upload_mb is None else int(max_upload_mb * MIB),
        max_result_age_s=None if max_age_hours is None else max_age_hours * 3600, max_target_nt=max_target_nt)
    if transcriptome:
        settings = replace(settings, transcriptomes=parse_transcriptomes(transcriptome))
    return settings


def parse_transcriptomes(items: Iterable[str], *, option: str = "--transcriptome") -> dict[str, Path]:
    """``NAME=PATH`` items → ``{name: path}``; every path must be an existing FASTA file."""
    offered: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            raise ValueRangeError(f"{item!r} is not NAME=PATH", column=option)
        if name in offered:
            raise ValueRangeError(f"transcriptome name {name!r} given twice", column=option)
        if not Path(path).is_file():
            raise InputFormatError("no such transcriptome FASTA", file=path, column=option)
        offered[name] = Path(path).resolve()
    return offered


def parse_transcriptomes_env(text: str) -> dict[str, Path]:
    """``NAME=PATH,NAME=PATH`` (the environment variable's form)."""
    return parse_transcriptomes([item for item in text.split(",") if item.strip()],
                                option=ENV_PREFIX + "TRANSCRIPTOMES")
