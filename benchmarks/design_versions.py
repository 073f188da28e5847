"""Design time of two versions of rnakit, side by side: has a change slowed the default design down?

    python benchmarks/design_versions.py BEFORE [AFTER] [--pairs 5] [--json OUT]

``BEFORE`` and ``AFTER`` are git revisions of this repository (``AFTER`` defaults to the working
tree). Each revision's ``src/`` is exported with ``git archive`` into a scratch folder and run with
this interpreter's installed dependencies (``PYTHONPATH`` puts that tree's rnakit first), so both
versions see the same libraries. ``rnakit sirna design TARGET -o OUT`` runs as a whole process with
every optional screen off (the defaults), on NM_001001481 from the shared siRNAEfficacyDB transcripts
and on the seeded 10 kb random target of ``benchmarks/design.py``; the two versions alternate
``--pairs`` times, so a busy spell hits both. The table gives medians and AFTER's time as a ratio of
BEFORE's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchtable import print_rows
from design import REAL_TARGET, shared_record, timed_process, write_target

from rnakit.sirna.datasets import default_data_dir

REPOSITORY = Path(__file__).resolve().parent.parent


def export_source(revision: str, destination: Path) -> Path:
    """``revision``'s ``src/`` unpacked under ``destination``; returns the folder to put on PYTHONPATH."""
    destination.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", revision, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    return destination / "src"


def design_command(source: Path, target: Path, out: Path) -> list[str]:
    """``rnakit sirna design`` from the tree at ``source`` (env -> PYTHONPATH, then the module entry point)."""
    return ["env", f"PYTHONPATH={source}", sys.executable, "-m", "rnakit", "sirna", "design", str(target), "-o", str(out)]


def compare(name: str, target: Path, versions: dict[str, Path], scratch: Path, pairs: int) -> list[dict]:
    runs: dict[str, list[dict]] = {label: [] for label in versions}
    for i in range(pairs):
        # Alternate which version goes first, so neither always runs with a warm page cache.
        order = list(versions.items()) if i % 2 == 0 else list(reversed(versions.items()))
        for label, source in order:
            out = scratch / f"{name.replace(' ', '_')}_{label}_{i}"
            measured = timed_process(design_command(source, target, out))
            if "error" not in measured:
                measured["candidates"] = sum(1 for _ in open(out / "candidates.tsv")) - 1
            runs[label].append(measured)
    rows = []
    for label, measured in runs.items():
        failed = [m["error"] for m in measured if "error" in m]
        if failed:
            rows.append({"version": label, "target": name, "error": failed[0]})
            continue
        rows.append({"version": label, "target": name, "pairs": pairs, "candidates": measured[0]["candidates"],
                     "seconds": statistics.median(m["seconds"] for m in measured),
                     "peak_mib": statistics.median(m["peak_mib"] for m in measured)})
    if len(rows) == 2 and not any("error" in row for row in rows):
        rows[1]["ratio_to_before"] = rows[1]["seconds"] / rows[0]["seconds"]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="git revision to compare against")
    parser.add_argument("after", nargs="?", help="git revision (default: the working tree)")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data-dir", type=Path, help=f"shared data, for {REAL_TARGET} (default: rnakit's)")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        after_label = args.after or "working tree"
        versions = {
            args.before: export_source(args.before, scratch / "before"),
            after_label: export_source(args.after, scratch / "after") if args.after else REPOSITORY / "src",
        }
        targets: dict[str, Path] = {}
        data_dir = args.data_dir or default_data_dir()
        real = data_dir and shared_record(data_dir / "sirnaefficacydb" / "mrna_transcripts.fasta", REAL_TARGET,
                                          scratch / f"{REAL_TARGET}.fa")
        if real:
            targets[REAL_TARGET] = real
        targets["random 10 kb"] = scratch / "target_10000.fa"
        write_target(targets["random 10 kb"], 10000)
        for name, target in targets.items():
            rows.extend(compare(name, target, versions, scratch, args.pairs))
    print_rows(f"Default design (no optional screens), whole process, {args.pairs} alternated pairs (medians); "
               f"{os.cpu_count()} CPUs", rows,
               ("version", "target", "pairs", "candidates", "seconds", "peak_mib", "ratio_to_before", "error"),
               ("version", "target", "error"))
    if args.json:
        args.json.write_text(json.dumps({"before": args.before, "after": after_label, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
