"""siRNA design benchmark: time and peak memory by target length, with and without off-targets.

    python benchmarks/design.py [--json OUT] [--lengths 2000,10000,100000] [--transcripts 20000] [--no-sirnaforge]

Targets are random RNA (seeded) with an ORF; the transcriptome is synthetic (``--transcripts``
random transcripts of 500–4,500 nt, ~2.5 kb on average). Each case runs in a fresh process, so
its peak resident memory is its own. Cases:

* ``design`` — enumerate, filter and score every candidate (21-nt guides), no off-target screen;
* ``index`` — build the transcriptome's off-target index (and cache it): rnakit's own 19-mer and
  seed index (``kmer``), then bowtie's index beside it (``bowtie``, timed alone);
* ``design+offtarget`` — the same design screened against the cached index, once per near-perfect
  engine (``--aligner kmer``: rnakit's index; ``--aligner bowtie``: bowtie 1 ``-v 2 -a --norc``);
  the off-target lookup (seeds and near-perfect matches, both strands) is also timed alone, per
  query strand. bowtie rows run if ``bowtie``/``bowtie-build`` are on PATH (Debian package ``bowtie``);
* ``sirnaforge`` — the 10 kb target through ``sirnaforge design`` (off-target step skipped: it
  needs a genome index), if the command is on PATH or given with ``--sirnaforge``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchtable import print_rows


def random_rna(n: int, rng: random.Random) -> str:
    return "".join(rng.choices("ACGU", k=n))


def write_target(path: Path, length: int) -> None:
    """A random mRNA: 5'UTR of 10 %, then an AUG…stop ORF free of in-frame stops, then a 3'UTR."""
    rng = random.Random(length)
    utr5 = random_rna(length // 10, rng)
    codons = [c for c in (a + b + d for a in "ACGU" for b in "ACGU" for d in "ACGU") if c not in ("UAA", "UAG", "UGA")]
    cds = "AUG" + "".join(rng.choice(codons) for _ in range(max(1, (length // 2) // 3))) + "UAA"
    sequence = (utr5 + cds + random_rna(length, rng))[:length]
    path.write_text(f">synthetic_{length} gene=SYNTH{length}\n{sequence}\n")


def write_transcriptome(path: Path, n: int) -> None:
    rng = random.Random(7)
    with open(path, "w") as handle:
        for i in range(n):
            handle.write(f">TX{i} gene=G{i}\n{random_rna(rng.randint(500, 4500), rng)}\n")


def peak_mib() -> float:
    """Peak resident memory of this process or of the largest tool it ran (bowtie), in MiB."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def run_case(case: str, target: str | None, transcriptome: str | None, cache: str, aligner: str) -> dict:
    """Inside the child process: one case, timed; returns its measurements."""
    from rnakit.sirna.design.design import DesignSettings, design_target
    from rnakit.sirna.design.offtarget import count_off_targets, load_or_build_index
    from rnakit.sirna.design.targets import read_targets

    result: dict = {}
    if case == "index":
        start = time.perf_counter()
        load_or_build_index(Path(transcriptome), cache_dir=Path(cache), aligner=aligner)
        result["seconds"] = time.perf_counter() - start
        return result
    targets = read_targets(Path(target))
    index = None
    start = time.perf_counter()
    if case == "design+offtarget":
        index = load_or_build_index(Path(transcriptome), cache_dir=Path(cache), aligner=aligner)
        result["index_load_seconds"] = time.perf_counter() - start
    design = design_target(targets[0], DesignSettings(), index)
    result["seconds"] = time.perf_counter() - start
    result["candidates"] = len(design.candidates)
    if index is not None:
        strands = design.candidates["guide"].tolist() + design.candidates["passenger"].tolist()
        lookup = time.perf_counter()
        count_off_targets(index, strands, frozenset())
        result["lookup_ms_per_strand"] = 1000 * (time.perf_counter() - lookup) / len(strands)
    return result


def child(case: str, target: Path | None, transcriptome: Path | None, cache: Path, aligner: str = "kmer") -> dict:
    """Run a case in a fresh interpreter; its peak RSS is its own."""
    command = [sys.executable, __file__, "--child", case, "--cache", str(cache), "--aligner", aligner]
    if target:
        command += ["--target", str(target)]
    if transcriptome:
        command += ["--transcriptome", str(transcriptome)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def sirnaforge_case(command: str, target: Path, scratch: Path) -> dict:
    """sirnaforge's design command, timed in a fresh wrapper process whose children are only it."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'returncode': done.returncode,\n"
        "                  'peak_mib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,\n"
        "                  'stderr': (done.stderr or done.stdout).strip()[-300:]}))\n"
    )
    output = scratch / "sirnaforge.tsv"
    run = subprocess.run([sys.executable, "-c", wrapper, command, "design", str(target), "-o", str(output),
                          "--skip-off-targets"], capture_output=True, text=True, check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if result["returncode"] != 0:
        return {"error": result["stderr"].splitlines()[-1][:200] if result["stderr"] else "failed"}
    rows = sum(1 for _ in open(output)) - 1
    return {"seconds": result["seconds"], "peak_mib": result["peak_mib"], "candidates": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--lengths", default="2000,10000,100000")
    parser.add_argument("--transcripts", type=int, default=20000)
    parser.add_argument("--sirnaforge", default=shutil.which("sirnaforge"), help="sirnaforge command (default: from PATH)")
    parser.add_argument("--no-sirnaforge", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--transcriptome", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--aligner", default="kmer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = run_case(args.child, args.target, args.transcriptome, args.cache, args.aligner)
        print(json.dumps({**result, "peak_mib": peak_mib()}))
        return 0
    lengths = [int(v) for v in args.lengths.split(",")]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        transcriptome, cache = scratch / "transcriptome.fa", scratch / "cache"
        write_transcriptome(transcriptome, args.transcripts)
        aligners = ["kmer"] + (["bowtie"] if shutil.which("bowtie") and shutil.which("bowtie-build") else [])
        for aligner in aligners:  # bowtie's build runs second, so it is timed alone (the kmer index is cached)
            rows.append({"case": "index", "aligner": aligner, **child("index", None, transcriptome, cache, aligner)})
        for length in lengths:
            target = scratch / f"target_{length}.fa"
            write_target(target, length)
            rows.append({"case": "design", "target_nt": length, **child("design", target, None, cache)})
            for aligner in aligners:
                rows.append({"case": "design+offtarget", "aligner": aligner, "target_nt": length,
                             **child("design+offtarget", target, transcriptome, cache, aligner)})
        if args.sirnaforge and not args.no_sirnaforge and 10000 in lengths:
            rows.append({"case": "sirnaforge design", "target_nt": 10000,
                         **sirnaforge_case(args.sirnaforge, scratch / "target_10000.fa", scratch)})
    show(rows, args.transcripts)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


def show(rows: list[dict], transcripts: int) -> None:
    print_rows(f"siRNA design: time and peak memory (2 cores; transcriptome: {transcripts:,} synthetic transcripts)",
               rows, ("case", "aligner", "target_nt", "candidates", "seconds", "peak_mib", "index_load_seconds", "lookup_ms_per_strand", "error"), ("case", "aligner", "error"), width=160)


if __name__ == "__main__":
    sys.exit(main())
