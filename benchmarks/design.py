"""siRNA design benchmark: time and peak memory by target length, with and without off-targets.

    python benchmarks/design.py [--json OUT] [--lengths 2000,10000,100000] [--transcripts 20000]
                                [--sirnaforge PATH | --no-sirnaforge] [--records 1000] [--dask-workers 1,2]
                                [--rounds 1] [--transcriptome-aligners auto,kmer] [--transcriptome-only]
                                [--cache-dir DIR]

Targets are random RNA (seeded) with an ORF; the transcriptome is synthetic (``--transcripts``
random transcripts of 500–4,500 nt, ~2.5 kb on average). Each case runs in a fresh process, so
its peak resident memory is its own. Cases:

* ``design`` — enumerate, filter and score every candidate (21-nt guides), no off-target screen, in one
  process and with the candidates' features shared out over 2 processes (``workers``: the default of
  ``rnakit sirna design`` on 2 cores);
* ``index`` — build the transcriptome's off-target index (and cache it): rnakit's own 19-mer and
  seed index (``kmer``), then bowtie's index beside it (``bowtie``, timed alone);
* ``design+offtarget`` — the same design screened against the cached index, once per near-perfect
  engine (``--aligner kmer``: rnakit's index; ``--aligner bowtie``: bowtie 1 ``-v 2 -a --norc``);
  the off-target lookup (seeds and near-perfect matches, both strands) is also timed alone, per
  query strand. bowtie rows run if ``bowtie``/``bowtie-build`` are on PATH (Debian package ``bowtie``);
* head to head — ``rnakit sirna design`` and ``sirnaforge design --skip-off-targets`` (its off-target
  step needs a genome index) as whole processes on NM_001001481 (from the shared siRNAEfficacyDB
  transcripts) and on the 10 kb random target, alternated ``--pairs`` times; medians and rnakit's time
  as a ratio of sirnaforge's. Runs if ``sirnaforge`` is on PATH or given with ``--sirnaforge``;
* transcriptome — ``rnakit sirna design --all-records`` over the first ``--records`` transcripts of the
  synthetic transcriptome, screened against all of it (``--aligner`` each of ``--transcriptome-aligners``:
  ``auto`` by default, which for 8 records or more is ``kmer``, rnakit's own search with its batch suffix table,
  about 10× less CPU per strand than ``bowtie``, which keeps the 19-mer arrays out of memory), on a
  local Dask cluster of 1 and of 2 single-threaded workers (``--dask-workers``; configured as WORKER_CONFIG:
  Dask's profiler off, no MALLOC_TRIM_THRESHOLD_, rarer diagnostics; ``--threads 1``, so bowtie
  and LightGBM run on one thread per worker), the sizes alternated ``--rounds`` times (medians): records per
  minute over the whole command, and in steady state (from the first record committed to the last, as a
  long run spends nearly all its time), the 2-worker rates as multiples of the 1-worker ones, the
  start-up (command start to the first record committed: index load, cluster connection), the workers' CPU
  seconds per record (bowtie's included: a load-independent cost; 2 workers at 2× one's rate spend the
  same per record), peak resident
  memory of each worker process (bowtie's included) and of the command, and the time the whole
  transcriptome's 20,000 records would take (start-up plus 20,000 records at the steady rate, scaled by
  ``length_ratio``: their mean length over the measured records' — the first ones are shorter, and a
  record's time grows with its length). Skipped with ``--records 0``;
  ``--transcriptome-only`` runs only these rows.

``--cache-dir DIR`` keeps the synthetic transcriptome and its off-target indexes (rnakit's and bowtie's,
about 3 minutes to build for 20,000 transcripts) in DIR between runs; the ``index`` rows still build
theirs afresh in a temporary folder. The script prints how long it ran in all (with the defaults, about
an hour on a quiet 2-core machine, most of it the transcriptome rows).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchtable import print_rows

from rnakit.files import CACHE_DIR_ENV
from rnakit.sirna.datasets import default_data_dir

REAL_TARGET = "NM_001001481"  # 8,412-nt mRNA in siRNAEfficacyDB's transcripts: the real-target row


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


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and the tools it ran (bowtie) so far."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def run_case(case: str, target: str | None, transcriptome: str | None, cache: str, aligner: str,
             workers: int = 1) -> dict:
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
    design = design_target(targets[0], DesignSettings(), index, workers=workers)
    result["seconds"] = time.perf_counter() - start
    result["candidates"] = len(design.candidates)
    if index is not None:
        strands = design.candidates["guide"].tolist() + design.candidates["passenger"].tolist()
        lookup = time.perf_counter()
        count_off_targets(index, strands, frozenset())
        result["lookup_ms_per_strand"] = 1000 * (time.perf_counter() - lookup) / len(strands)
    return result


def child(case: str, target: Path | None, transcriptome: Path | None, cache: Path, aligner: str = "kmer",
          workers: int = 1) -> dict:
    """Run a case in a fresh interpreter; its peak RSS is its own (or its largest child's)."""
    command = [sys.executable, __file__, "--child", case, "--cache", str(cache), "--aligner", aligner,
               "--workers", str(workers)]
    if target:
        command += ["--target", str(target)]
    if transcriptome:
        command += ["--transcriptome", str(transcriptome)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def timed_process(command: list[str]) -> dict:
    """Run a whole command in a fresh wrapper process whose only children are it: wall seconds and peak RSS."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'returncode': done.returncode,\n"
        "                  'peak_mib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,\n"
        "                  'stderr': (done.stderr or done.stdout).strip()[-300:]}))\n"
    )
    run = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if result.pop("returncode") != 0:
        return {"error": result["stderr"].splitlines()[-1][:200] if result["stderr"] else "failed"}
    del result["stderr"]
    return result


def head_to_head(name: str, target: Path, sirnaforge: str, scratch: Path, pairs: int) -> list[dict]:
    """``rnakit sirna design`` and ``sirnaforge design --skip-off-targets`` as whole processes on one target,
    alternated ``pairs`` times (so a busy spell hits both); medians, and rnakit's time as a ratio of sirnaforge's."""
    rnakit = str(Path(sys.executable).with_name("rnakit"))
    runs: dict[str, list[dict]] = {"rnakit": [], "sirnaforge": []}
    for i in range(pairs):
        out = scratch / f"h2h_{name}_{i}"
        runs["rnakit"].append(timed_process([rnakit, "sirna", "design", str(target), "-o", str(out)]))
        if "error" not in runs["rnakit"][-1]:
            runs["rnakit"][-1]["candidates"] = sum(1 for _ in open(out / "candidates.tsv")) - 1
        table = scratch / f"h2h_{name}_{i}.tsv"
        runs["sirnaforge"].append(timed_process([sirnaforge, "design", str(target), "-o", str(table), "--skip-off-targets"]))
        if "error" not in runs["sirnaforge"][-1]:
            runs["sirnaforge"][-1]["candidates"] = sum(1 for _ in open(table)) - 1
    rows = []
    for tool, measured in runs.items():
        failed = [m["error"] for m in measured if "error" in m]
        if failed:
            rows.append({"case": f"{tool} (whole process)", "target": name, "error": failed[0]})
            continue
        rows.append({"case": f"{tool} (whole process)", "target": name, "pairs": pairs,
                     "candidates": measured[0]["candidates"], "seconds": statistics.median(m["seconds"] for m in measured),
                     "peak_mib": statistics.median(m["peak_mib"] for m in measured)})
    if len(rows) == 2 and "error" not in rows[0] and "error" not in rows[1]:
        rows[0]["ratio_to_sirnaforge"] = rows[0]["seconds"] / rows[1]["seconds"]
    return rows


def transcriptome_rows(transcriptome: Path, records: int, dask_workers: list[int], scratch: Path,
                       rounds: int = 1, aligners: tuple[str, ...] = ("auto",)) -> list[dict]:
    """``rnakit sirna design --all-records`` over the transcriptome's first ``records`` transcripts with
    off-targets, on a local Dask cluster of each size in ``dask_workers`` (single-threaded workers), with
    each of ``aligners``, the configurations alternated ``rounds`` times; one row per configuration (medians
    over the rounds), the scaling relative to the first size with the same aligner."""
    targets = scratch / f"first_{records}.fa"
    with open(transcriptome) as source, open(targets, "w") as handle:
        handle.writelines(itertools.islice(source, 2 * records))  # two lines per record (write_transcriptome)
    # A record's work grows with its length: the first records (2.2 kb on average for 120) are shorter than
    # the whole transcriptome's (2.5 kb), so its time is extrapolated by nucleotides, not by records.
    length_ratio = mean_length(transcriptome) / mean_length(targets)
    runs: dict[tuple[str, int], list[dict]] = {(a, n): [] for a in aligners for n in dask_workers}
    for round_ in range(rounds):
        for aligner, n in runs:
            runs[aligner, n].append(transcriptome_run(transcriptome, targets, records, n, aligner,
                                                      scratch / f"transcriptome_{aligner}_{n}_{round_}"))
    rows: list[dict] = []
    for (aligner, n), measured in runs.items():
        row = {"case": "transcriptome (Dask)", "aligner": aligner, "dask_workers": n, "records": records,
               "rounds": rounds, "dask_config": WORKER_CONFIG}
        failed = [m["error"] for m in measured if "error" in m]
        if failed:
            rows.append({**row, "error": failed[0]})
            continue
        row.update({key: statistics.median(m[key] for m in measured) for key in measured[0]})
        row["length_ratio"] = length_ratio
        row["hours_for_20000"] = (row["startup_seconds"]
                                  + 20000 * length_ratio * 60 / row["steady_records_per_min"]) / 3600
        first = next((r for r in rows if r["aligner"] == aligner and "records_per_min" in r), None)
        if first is not None:
            row["scaling_vs_first"] = row["records_per_min"] / first["records_per_min"]
            row["steady_scaling_vs_first"] = row["steady_records_per_min"] / first["steady_records_per_min"]
        rows.append(row)
    return rows


def mean_length(fasta: Path) -> float:
    """Mean sequence length of a FASTA written by write_transcriptome (one line per sequence)."""
    with open(fasta) as handle:
        lengths = [len(line.strip()) for line in handle if not line.startswith(">")]
    return sum(lengths) / len(lengths)


# The local cluster's workers as advised for long design runs (Dask's worker settings, which rnakit, a client, cannot set):
# Dask's statistical profiler off (it samples the task thread every 10 ms: 0.02-0.04 CPU s per record on the
# worker's event-loop thread) and the nanny's MALLOC_TRIM_THRESHOLD_ not set (with it glibc maps and unmaps every
# large array afresh: 0.02 CPU s of system time per record); 4-6 % of a worker's CPU per record together. Its
# event loop's diagnostics wake less often (ticks 20 ms -> 1 s, system monitor 0.5 -> 2 s): that thread's CPU
# falls from 1 % of the wall time to 0.5 %.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                                         "OPENBLAS_NUM_THREADS": 1},
                 "distributed.admin.tick.interval": "1s", "distributed.admin.system-monitor.interval": "2s"}


def transcriptome_run(transcriptome: Path, targets: Path, records: int, workers: int, aligner: str, out: Path) -> dict:
    """One ``rnakit sirna design --all-records`` run on a fresh local Dask cluster of ``workers`` processes."""
    import dask  # optional dependency: only these rows need it
    from dask.distributed import Client, LocalCluster

    from rnakit.outputs import MARKER

    rnakit = str(Path(sys.executable).with_name("rnakit"))
    with dask.config.set(WORKER_CONFIG), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        command = [rnakit, "sirna", "design", str(targets), "--all-records", "--transcriptome", str(transcriptome),
                   "--dask-scheduler", cluster.scheduler_address, "--aligner", aligner, "--threads", "1", "-q", "-o", str(out)]
        cpu_before = client.run(cpu_seconds)
        started = time.time()
        measured = timed_process(command)
        worker_peaks = client.run(peak_mib)  # each worker process's own peak RSS (bowtie's included)
        cpu = sum(client.run(cpu_seconds).values()) - sum(cpu_before.values())
    if "error" in measured:
        return measured
    # each record's marker is written as the record is committed: the steady rate is between the first and last
    committed = sorted(marker.stat().st_mtime for marker in out.glob(f"*/{MARKER}"))
    steady = 60 * (len(committed) - 1) / (committed[-1] - committed[0]) if len(committed) > 1 else float("nan")
    shutil.rmtree(out, ignore_errors=True)
    return {"seconds": measured["seconds"], "records_per_min": 60 * records / measured["seconds"],
            "steady_records_per_min": steady, "startup_seconds": committed[0] - started,
            "worker_cpu_s_per_record": cpu / records,
            "peak_mib_per_worker": max(worker_peaks.values()), "peak_mib_client": measured["peak_mib"]}


def shared_record(fasta: Path, record: str, destination: Path) -> Path | None:
    """Copy one record of a shared FASTA to ``destination`` (None when the shared data is not here)."""
    if not fasta.is_file():
        return None
    lines, keep = [], False
    for line in open(fasta):
        if line.startswith(">"):
            keep = line[1:].split()[0] == record
        if keep:
            lines.append(line)
    if not lines:
        return None
    destination.write_text("".join(lines))
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--lengths", default="2000,10000,100000")
    parser.add_argument("--transcripts", type=int, default=20000)
    parser.add_argument("--sirnaforge", default=shutil.which("sirnaforge"), help="sirnaforge command (default: from PATH)")
    parser.add_argument("--no-sirnaforge", action="store_true")
    parser.add_argument("--pairs", type=int, default=3, help="alternated rnakit/sirnaforge runs per target")
    parser.add_argument("--data-dir", type=Path, help=f"shared data, for the real target {REAL_TARGET} (default: rnakit's)")
    parser.add_argument("--records", type=int, default=1000, help="records of the transcriptome rows (0: skip them)")
    parser.add_argument("--dask-workers", default="1,2", help="Dask cluster sizes of the transcriptome rows")
    parser.add_argument("--rounds", type=int, default=1, help="transcriptome rows: the cluster sizes alternated this often")
    parser.add_argument("--transcriptome-aligners", default="auto", help="transcriptome rows: --aligner values (e.g. auto,kmer)")
    parser.add_argument("--transcriptome-only", action="store_true", help="only the transcriptome rows")
    parser.add_argument("--cache-dir", type=Path,
                        help="keep the synthetic transcriptome and its indexes here between runs (default: rebuilt)")
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--transcriptome", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--aligner", default="kmer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = run_case(args.child, args.target, args.transcriptome, args.cache, args.aligner, args.workers)
        print(json.dumps({**result, "peak_mib": peak_mib()}))
        return 0
    began = time.perf_counter()
    lengths = [int(v) for v in args.lengths.split(",")]
    rows: list[dict] = []
    versus: list[dict] = []
    whole: list[dict] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        # The cases build the off-target index where the rnakit commands below look for it (unless it is kept).
        kept = args.cache_dir or scratch
        os.environ[CACHE_DIR_ENV] = str(kept / "cache")
        transcriptome, cache = kept / f"transcriptome_{args.transcripts}.fa", scratch / "cache" / "offtarget"
        if not transcriptome.is_file():
            kept.mkdir(parents=True, exist_ok=True)
            write_transcriptome(transcriptome.with_suffix(".part"), args.transcripts)
            transcriptome.with_suffix(".part").rename(transcriptome)  # whole or absent: a kept one is never cut short
        aligners = ["kmer"] + (["bowtie"] if shutil.which("bowtie") and shutil.which("bowtie-build") else [])
        for aligner in [] if args.transcriptome_only else aligners:  # bowtie's build runs second, so it is timed alone (the kmer index is cached)
            rows.append({"case": "index", "aligner": aligner, **child("index", None, transcriptome, cache, aligner)})
        for length in [] if args.transcriptome_only else lengths:
            target = scratch / f"target_{length}.fa"
            write_target(target, length)
            for workers in (1, 2):
                rows.append({"case": "design", "workers": workers, "target_nt": length,
                             **child("design", target, None, cache, workers=workers)})
            for aligner in aligners:
                rows.append({"case": "design+offtarget", "aligner": aligner, "workers": 1, "target_nt": length,
                             **child("design+offtarget", target, transcriptome, cache, aligner)})
        if args.sirnaforge and not args.no_sirnaforge and not args.transcriptome_only:
            data_dir = args.data_dir or default_data_dir()
            real = data_dir and shared_record(data_dir / "sirnaefficacydb" / "mrna_transcripts.fasta", REAL_TARGET,
                                              scratch / f"{REAL_TARGET}.fa")
            targets = {REAL_TARGET: real} if real else {}
            if 10000 in lengths:
                targets["random 10 kb"] = scratch / "target_10000.fa"
            for name, target in targets.items():
                versus.extend(head_to_head(name, target, args.sirnaforge, scratch, args.pairs))
        if args.records and importlib.util.find_spec("distributed") is None:
            print("transcriptome rows skipped: dask.distributed is not installed")
        elif args.records:
            # built (or found in the cache) first, so that no run's time includes building it
            child("index", None, transcriptome, kept / "cache" / "offtarget", "bowtie" if "bowtie" in aligners else "kmer")
            whole = transcriptome_rows(transcriptome, min(args.records, args.transcripts),
                                       [int(n) for n in args.dask_workers.split(",")], scratch, args.rounds,
                                       tuple(args.transcriptome_aligners.split(",")))
    if rows:
        show(rows, args.transcripts)
    if versus:
        print_rows("Per target, no off-targets: rnakit and sirnaforge as whole processes, alternated (medians)",
                   versus, ("case", "target", "pairs", "candidates", "seconds", "peak_mib", "ratio_to_sirnaforge", "error"),
                   ("case", "target", "error"), width=160)
    if whole:
        show_transcriptome(whole, args.transcripts)
    total = time.perf_counter() - began
    print(f"benchmark ran {total / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps({"cases": rows, "head_to_head": versus, "transcriptome": whole,
                                         "benchmark_seconds": total}, indent=1))
    return 0


def show(rows: list[dict], transcripts: int) -> None:
    print_rows(f"siRNA design: time and peak memory (2 cores; transcriptome: {transcripts:,} synthetic transcripts)",
               rows, ("case", "aligner", "workers", "target_nt", "candidates", "seconds", "peak_mib", "index_load_seconds",
                      "lookup_ms_per_strand", "error"), ("case", "aligner", "error"), width=160)


def show_transcriptome(rows: list[dict], transcripts: int) -> None:
    print_rows(f"Many records with off-targets against {transcripts:,} transcripts, local Dask cluster (1 thread per worker)",
               rows, ("case", "aligner", "dask_workers", "records", "rounds", "seconds", "records_per_min", "scaling_vs_first",
                      "steady_records_per_min", "steady_scaling_vs_first", "startup_seconds", "worker_cpu_s_per_record",
                      "peak_mib_per_worker",
                      "peak_mib_client", "length_ratio", "hours_for_20000", "error"), ("case", "aligner", "error"), width=200)
    for row in rows:
        if "records_per_min" in row:
            print(f"{row['aligner']}, {row['dask_workers']} Dask worker(s): {row['records_per_min']:.1f} records/min over the whole run "
                  f"({row['steady_records_per_min']:.1f} in steady state after {row['startup_seconds']:.0f} s of start-up), "
                  f"so 20,000 transcripts ({row['length_ratio']:.2f}× these records' mean length) would take "
                  f"{row['hours_for_20000']:.2f} h; "
                  f"peak {row['peak_mib_per_worker']:.0f} MiB per worker")


if __name__ == "__main__":
    sys.exit(main())
