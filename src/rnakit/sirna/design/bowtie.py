"""Near-perfect off-target matches through bowtie 1, the short-read aligner.

bowtie answers the near-perfect question (the complement of strand positions 2–20 against every
transcript, ≤ 2 mismatches, forward strand only) without rnakit's 19-mer arrays in memory (about
600 MB for a 50 Mnt transcriptome), at about 3.5× the CPU time per strand of rnakit's search
(:mod:`.nearmatch`; about 0.17 ms per strand on 50 Mnt), so the design uses it whenever
``bowtie`` and ``bowtie-build`` are on PATH (Debian/Ubuntu package ``bowtie``) unless ``--aligner kmer``
asks for speed. Seed matches still come from rnakit's index, which also holds the transcript names,
genes and 3'UTRs.

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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SiteHits:
    """bowtie's near-perfect matches of a set of distinct sites, one row per alignment (a transcript
    may match a site more than once); the rows of ``order[site]`` are ``offsets[i]:offsets[i + 1]``."""

    order: dict[str, int]
    offsets: np.ndarray  # int64, len(order) + 1
    tx: np.ndarray  # int64, the transcript ordinal (row of the TranscriptomeIndex)
    mismatches: np.ndarray  # int64, 0–2

    def gather(self, sites: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The hits of ``sites`` held here as ``(query, tx, mismatches)`` rows (``query``: the position in
        ``sites``), and the mask of the sites not held here."""
        ids = np.fromiter((self.order.get(site, -1) for site in sites), dtype=np.int64, count=len(sites))
        held = np.flatnonzero(ids >= 0)
        starts, span = self.offsets[ids[held]], np.diff(self.offsets)[ids[held]]
        query = np.repeat(held, span)
        rows = np.repeat(starts - (np.cumsum(span) - span), span) + np.arange(int(span.sum()))
        return query, self.tx[rows], self.mismatches[rows], ids < 0


def search_sites(prefix: Path, sites: Iterable[str], threads: int | None = None) -> SiteHits:
    """Every forward-strand match with ≤ 2 mismatches of each distinct site (RNA, as it would sit in the
    transcript) in one bowtie call: bowtie reads its index once per call (a third of a second on a
    50 Mnt transcriptome), so a batch of records is searched at once. ``threads``: bowtie's ``-p``
    (None: up to 4 of the cores available)."""
    order = {site: i for i, site in enumerate(dict.fromkeys(sites))}
    read = tx = mismatches = np.zeros(0, dtype=np.int64)
    if order:
        with tempfile.TemporaryDirectory(prefix="rnakit-bowtie-") as scratch:
            reads = Path(scratch) / "sites.fa"
            reads.write_text("".join(f">{i}\n{site.replace('U', 'T')}\n" for site, i in order.items()), encoding="ascii")
            # -v 2: end-to-end, at most 2 mismatches, qualities ignored; -a: every alignment; --norc:
            # an siRNA strand pairs with the mRNA itself, never with its complement. Kept columns:
            # read, reference, mismatch descriptors ("3:A>G,10:C>T"; empty for an exact match).
            done = _run(["bowtie", "-p", str(threads or _threads()), "-f", "-v", str(MAX_MISMATCHES), "-a", "--norc",
                         "--quiet", "--suppress", "2,4,5,6,7", str(prefix), str(reads)])
        if done.stdout:
            hits = pd.read_csv(io.StringIO(done.stdout), sep="\t", header=None, names=["read", "tx", "mismatches"],
                               dtype={"read": np.int64, "tx": np.int64, "mismatches": str}, keep_default_na=False)
            described = hits["mismatches"].to_numpy()
            by_read = np.argsort(hits["read"].to_numpy(), kind="stable")  # several threads write out of order
            read, tx = hits["read"].to_numpy()[by_read], hits["tx"].to_numpy()[by_read]
            mismatches = (hits["mismatches"].str.count(",").to_numpy() + (described != ""))[by_read].astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(np.bincount(read, minlength=len(order))))).astype(np.int64)
    return SiteHits(order, offsets, tx, mismatches)


def site_matches(prefix: Path, sites: list[str], threads: int | None = None,
                 known: SiteHits | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The near-perfect matches of ``sites`` as ``(query, tx, mismatches)`` rows (``query``: the position
    in ``sites``): from ``known`` (a batch searched beforehand) where it holds them, the rest searched now."""
    if known is None:
        known = SiteHits({}, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    query, tx, mismatches, missing = known.gather(sites)
    if missing.any():
        asked = np.flatnonzero(missing)
        fresh = [sites[i] for i in asked]
        more_query, more_tx, more_mismatches, _ = search_sites(prefix, fresh, threads).gather(fresh)
        query = np.concatenate((query, asked[more_query]))
        tx, mismatches = np.concatenate((tx, more_tx)), np.concatenate((mismatches, more_mismatches))
    return query, tx, mismatches
