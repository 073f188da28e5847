"""Load test of ``rnakit serve``: a bounded burst of predictions and concurrent design jobs on a local server.

    python benchmarks/serve_load.py [--json OUT] [--requests 200] [--clients 20] [--rows 5] [--design-jobs 10]
                                    [--jobs 2] [--max-age 120]

Starts the server in a subprocess on a free loopback port (results in a temporary folder, finished ones
deleted after ``--max-age`` seconds, the cleaner running every few seconds), then, in order:

* ``warm-up`` — one prediction and one design job: loading the models and the first worker process
  are paid once, so later memory is compared with this point;
* ``predict`` — ``--requests`` POST /api/predict from ``--clients`` concurrent clients (threads), each
  request ``--rows`` siRNAs cut from the bundled GAPDH mRNA (different sites per request, seeded), with
  that mRNA as the target transcript; ``predict again`` repeats the same burst (memory that grows
  in the first round may be warming up; growth in the second would be a leak);
* ``design`` — ``--design-jobs`` POST /api/design on the bundled example at once (``--jobs`` run, the
  rest queue), each polled to its end; queue and run times are the server's own timestamps;
* ``cleanup`` — waits until the server's cleaner has emptied the results folder.

Each row reports the phase's throughput, latency percentiles (predict: request → response; design:
submit → done as a client sees it), errors (any non-2xx answer, a wrong answer or a job not ``done``;
goal 0) and then the server's resident memory (its own process, and its job workers) and the results
folder's size. Goal: after the warm-up, no memory growth beyond the result cache. Client and server
share this machine's cores, so throughput is a floor, not the server's capacity.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchtable import print_rows

from rnakit.serve.local import local_server
from rnakit.sirna.design.options import example_target
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.seq.fasta import read_fasta

STARTUP_SECONDS, JOB_SECONDS, CLEANUP_INTERVAL_S = 180, 900, 2
FINAL = {"done", "failed", "timeout"}


# ---- the server under test ------------------------------------------------------------------------------

def rss_mib(pid: int) -> float:
    """Resident memory of one process (Linux /proc), 0 if it has just ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid`` or its children (job workers run in sessions of their own, so the
    parent links are followed, not the process group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        todo.extend(kids := children.get(todo.pop(), []))
        found.extend(kids)
    return found


def result_folders(results: Path) -> list[Path]:
    return [p for p in results.iterdir() if p.is_dir()] if results.exists() else []


def folder_mib(results: Path) -> float:
    """Bytes under ``results`` (os.walk skips what the server's cleaner removes meanwhile)."""
    total = 0
    for folder, _, names in os.walk(results):
        for name in names:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                pass
    return total / 2**20


def memory(pid: int, results: Path) -> dict:
    """Resident memory (MiB) of the server process and of its job workers, and the results on disk."""
    return {"server_rss_mib": rss_mib(pid), "workers_rss_mib": sum(rss_mib(p) for p in descendants(pid)),
            "results_mib": folder_mib(results), "result_folders": len(result_folders(results))}


# ---- HTTP ----------------------------------------------------------------------------------------------

def call(method: str, url: str, *, body: dict | None = None, form: dict | None = None) -> tuple[int, dict]:
    """One request (a new connection, as a script's would be); (status, JSON body) even for 4xx/5xx."""
    data, headers = None, {}
    if body is not None:
        data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=JOB_SECONDS) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as answer:
        text = answer.read()
        try:
            return answer.code, json.loads(text)
        except ValueError:
            return answer.code, {"error": text[:200].decode(errors="replace")}


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# ---- the workload --------------------------------------------------------------------------------------

def sirna_batches(count: int, rows: int, seed: int = 0) -> tuple[str, list[list[dict]]]:
    """``count`` requests of ``rows`` 21-nt duplexes at random sites of the example mRNA (siDirect's layout:
    guide = reverse complement of target p..p+20, passenger = target p+2..p+22)."""
    transcript = next(iter(read_fasta(example_target()).values()))
    rng = random.Random(seed)
    batches = []
    for _ in range(count):
        sites = rng.sample(range(len(transcript) - 23), rows)
        batches.append([{"id": f"site{p + 1}", "guide": reverse_complement_rna(transcript[p:p + 21]),
                         "passenger": transcript[p + 2:p + 23]} for p in sites])
    return transcript, batches


def predict_once(url: str, transcript: str, rows: list[dict]) -> tuple[float, str | None]:
    """(seconds, error or None) of one prediction request; the answer must hold a number per row, in order."""
    start = time.perf_counter()
    try:
        status, answer = call("POST", f"{url}/api/predict", body={"rows": rows, "transcript": transcript})
    except OSError as error:
        return time.perf_counter() - start, f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    if status != 200:
        return seconds, f"HTTP {status}: {answer.get('error')}"
    predicted = (answer.get("result") or {}).get("rows") or []
    if [r.get("id") for r in predicted] != [r["id"] for r in rows] or not all(
            isinstance(r.get("mRNA_remaining_pct"), (int, float)) for r in predicted):
        return seconds, "answer does not hold one prediction per row in input order"
    return seconds, None


def design_once(url: str) -> dict:
    """Submit a design on the bundled example and poll it to its end: client latency, server queue/run times."""
    start = time.perf_counter()
    status, job = call("POST", f"{url}/api/design", form={"example": "1"})
    if status != 202:
        return {"seconds": time.perf_counter() - start, "error": f"HTTP {status}: {job.get('error')}"}
    while job.get("state") not in FINAL and time.perf_counter() - start < JOB_SECONDS:
        time.sleep(0.5)
        status, job = call("GET", f"{url}{job['status_url']}")
        if status != 200:
            return {"seconds": time.perf_counter() - start, "error": f"HTTP {status}: {job.get('error')}"}
    result = {"seconds": time.perf_counter() - start,
              "error": None if job.get("state") == "done" else f"job {job.get('state')}: {job.get('error')}"}
    if job.get("started") and job.get("finished"):
        result |= {"queue_s": job["started"] - job["created"], "run_s": job["finished"] - job["started"]}
    if result["error"] is None and not any(f["name"] == "candidates.tsv" for f in job.get("files", [])):
        result["error"] = "done without candidates.tsv"
    return result


def burst(tasks: list[Callable[[], dict]], clients: int) -> tuple[list[dict], float]:
    """Run ``tasks`` from ``clients`` concurrent threads; (their results, wall seconds)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda task: task(), tasks))
    return results, time.perf_counter() - start


def phase_row(phase: str, results: list[dict], wall: float) -> dict:
    seconds = sorted(r["seconds"] for r in results)
    errors = [r["error"] for r in results if r["error"]]
    row = {"phase": phase, "n": len(results), "errors": len(errors), "wall_s": wall, "per_s": len(results) / wall,
           "p50_s": percentile(seconds, 50), "p95_s": percentile(seconds, 95), "max_s": seconds[-1] if seconds else None,
           "error_examples": sorted(set(errors))[:5]}
    for key in ("queue_s", "run_s"):
        values = sorted(r[key] for r in results if key in r)
        if values:
            row[f"{key[:-2]}_p50_s"], row[f"{key[:-2]}_max_s"] = percentile(values, 50), values[-1]
    return row


def wait_for_cleanup(results: Path, max_age_s: float) -> float:
    """Seconds until the cleaner has removed every result folder (bounded: the age plus a margin)."""
    start = time.perf_counter()
    while result_folders(results) and time.perf_counter() - start < max_age_s + 60:
        time.sleep(1)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--requests", type=int, default=200, help="prediction requests in the burst")
    parser.add_argument("--clients", type=int, default=20, help="concurrent prediction clients")
    parser.add_argument("--rows", type=int, default=5, help="siRNAs per prediction request")
    parser.add_argument("--design-jobs", type=int, default=10, help="design jobs submitted at once")
    parser.add_argument("--jobs", type=int, default=2, help="the server's concurrent background jobs (--jobs)")
    parser.add_argument("--max-age", type=float, default=120, help="seconds before the server deletes a finished result")
    args = parser.parse_args(argv)

    transcript, batches = sirna_batches(args.requests + 1, args.rows)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        results = scratch / "results"
        options = ["--jobs", str(args.jobs), "--max-age-hours", str(args.max_age / 3600)]
        with local_server(results, scratch / "server.log", options=options, startup_s=STARTUP_SECONDS,
                          env={"RNAKIT_SERVE_CLEANUP_INTERVAL_S": str(CLEANUP_INTERVAL_S)}) as local:
            server, url = local.process, local.url
            limits = call("GET", f"{url}/api/limits")[1]
            rows.append({"phase": "idle", **memory(server.pid, results)})
            warm = [predict_once(url, transcript, batches[0])]
            design = design_once(url)
            warm_results = [{"seconds": s, "error": e} for s, e in warm] + [design]
            rows.append({**phase_row("warm-up", warm_results, sum(r["seconds"] for r in warm_results)),
                         "per_s": None, **memory(server.pid, results)})
            tasks = [lambda b=b: dict(zip(("seconds", "error"), predict_once(url, transcript, b))) for b in batches[1:]]
            for phase in ("predict", "predict again"):  # growth in the second round would be a leak, not warming up
                rows.append({**phase_row(phase, *burst(tasks, args.clients)), **memory(server.pid, results)})
            tasks = [lambda: design_once(url)] * args.design_jobs
            rows.append({**phase_row("design", *burst(tasks, args.design_jobs)), **memory(server.pid, results)})
            rows.append({"phase": "cleanup", "wall_s": wait_for_cleanup(results, args.max_age),
                         **memory(server.pid, results)})
    show(rows, args)
    if args.json:
        settings = vars(args) | {"json": str(args.json), "cpus": os.cpu_count()}
        args.json.write_text(json.dumps({"settings": settings, "server_limits": limits, "rows": rows}, indent=1))
    return 1 if any(r.get("errors") for r in rows) else 0


def show(rows: list[dict], args: argparse.Namespace) -> None:
    print_rows(f"rnakit serve under load: {args.requests} predictions ({args.rows} siRNAs each) from {args.clients} clients, "
               f"{args.design_jobs} design jobs ({args.jobs} at a time); {os.cpu_count()} cores shared by clients and server",
               rows, ("phase", "n", "errors", "wall_s", "per_s", "p50_s", "p95_s", "max_s", "queue_p50_s", "queue_max_s",
                      "run_p50_s", "run_max_s", "server_rss_mib", "workers_rss_mib", "results_mib", "result_folders"),
               ("phase",), width=200)
    for row in rows:
        for example in row.get("error_examples", []):
            print(f"{row['phase']} error: {example}")
    if rows[-1]["result_folders"]:
        print(f"the server's cleaner left {rows[-1]['result_folders']} result folders after {rows[-1]['wall_s']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
