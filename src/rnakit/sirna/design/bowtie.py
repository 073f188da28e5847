"""Near-perfect off-target matches through bowtie 1, the short-read aligner.

bowtie answers the near-perfect question (the complement of strand positions 2–20 against every
transcript, ≤ 2 mismatches, forward strand only) faster than rnakit's own 19-mer index once its
index exists (1.6–1.9× per strand, seed counts included, in ``benchmarks/design.py``), so the
design uses it whenever
``bowtie`` and ``bowtie-build`` are on PATH (Debian/Ubuntu package ``bowtie``). Seed matches still
come from rnakit's index, which also holds the transcript names, genes and 3'UTRs.

The bowtie index is cached beside rnakit's, in a folder keyed by the same sha256; its references
are named by transcript ordinal, so a hit maps straight to the row of :class:`TranscriptomeIndex`.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.cpu import available_cores
from rnakit.errors import RnakitError
from rnakit.files import atomic_directory, read_cache_entry, sha256_of

MAX_MISMATCHES = 2
INDEX_NAME = "transcripts"
CHECKSUMS = "checksums.json"  # the index files' sha256, recorded when they are built
_COMMANDS = ("bowtie", "bowtie-build")


def bowtie_available() -> bool:
    """Whether both bowtie commands are on PATH."""
    return all(shutil.which(command) for command in _COMMANDS)


@functools.lru_cache(maxsize=1)
def bowtie_version() -> str:
    """``bowtie 1.3.1`` style: the version line bowtie prints, for the design's provenance (asked once
    per process: a many-record run would otherwise start bowtie once more per record)."""
    first = _run(["bowtie", "--version"]).stdout.splitlines()[0]
    return "bowtie " + first.rsplit("version", 1)[-1].strip()


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    """Run a bowtie command; its last stderr line becomes the error when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise RnakitError(f"{command[0]} failed (exit {done.returncode}): {detail[-1] if detail else 'no message'}")
    return done


def _threads() -> int:
    return min(4, available_cores())


def load_or_build_bowtie_index(sequences: Iterable[str], folder: Path) -> Path:
    """The bowtie index prefix in ``folder``, built from ``sequences`` (RNA, in index order) unless an
    intact one is there.

    The folder appears atomically, so an interrupted build is never mistaken for a finished one. Each
    use first checks the files against their recorded sha256 (a second per GB): on a truncated index
    bowtie may fail, give wrong counts or never return, so a damaged one is rebuilt instead.
    """
    prefix = folder / INDEX_NAME
    if read_cache_entry(folder / CHECKSUMS, _check_intact):
        return prefix
    with atomic_directory(folder) as scratch:
        fasta = scratch / "transcripts.fa"
        with open(fasta, "w", encoding="ascii") as handle:
            for ordinal, rna in enumerate(sequences):
                handle.write(f">{ordinal}\n{rna.replace('U', 'T')}\n")
        _run(["bowtie-build", "--threads", str(_threads()), "-q", str(fasta), str(scratch / INDEX_NAME)])
        fasta.unlink()
        (scratch / CHECKSUMS).write_text(json.dumps(_checksums(scratch), indent=1), encoding="utf-8")
    return prefix


def _checksums(folder: Path) -> dict[str, str]:
    return {path.name: sha256_of(path) for path in sorted(folder.glob(f"{INDEX_NAME}.*"))}


def _check_intact(record: Path) -> bool:
    """True when the index files beside ``record`` are those it lists; raises when they are not."""
    if json.loads(record.read_text(encoding="utf-8")) != _checksums(record.parent):
        raise ValueError("the index files differ from those recorded when it was built")
    return True


def site_matches(prefix: Path, sites: list[str], excluded: np.ndarray) -> np.ndarray:
    """``(len(sites), 3)``: per site (RNA, as it would sit in the transcript), the non-excluded
    transcripts whose best forward-strand match has 0, 1, 2 mismatches (each transcript once)."""
    counts = np.zeros((len(sites), MAX_MISMATCHES + 1), dtype=np.int64)
    if not sites:
        return counts
    with tempfile.TemporaryDirectory(prefix="rnakit-bowtie-") as scratch:
        reads = Path(scratch) / "sites.fa"
        reads.write_text("".join(f">{i}\n{site.replace('U', 'T')}\n" for i, site in enumerate(sites)), encoding="ascii")
        # -v 2: end-to-end, at most 2 mismatches, qualities ignored; -a: every alignment; --norc:
        # an siRNA strand pairs with the mRNA itself, never with its complement. Kept columns:
        # read, reference, mismatch descriptors ("3:A>G,10:C>T"; empty for an exact match).
        done = _run(["bowtie", "-p", str(_threads()), "-f", "-v", str(MAX_MISMATCHES), "-a", "--norc", "--quiet",
                     "--suppress", "2,4,5,6,7", str(prefix), str(reads)])
    if not done.stdout:
        return counts
    hits = pd.read_csv(io.StringIO(done.stdout), sep="\t", header=None, names=["read", "tx", "mismatches"],
                       dtype={"read": np.int64, "tx": np.int64, "mismatches": str}, keep_default_na=False)
    mismatches = hits["mismatches"].str.count(",").to_numpy() + (hits["mismatches"].to_numpy() != "")
    read, tx = hits["read"].to_numpy(), hits["tx"].to_numpy()
    keep = ~excluded[tx]
    best = (pd.DataFrame({"read": read[keep], "tx": tx[keep], "mm": mismatches[keep]})
            .groupby(["read", "tx"], sort=False)["mm"].min())
    np.add.at(counts, (best.index.get_level_values("read").to_numpy(), best.to_numpy()), 1)
    return counts
