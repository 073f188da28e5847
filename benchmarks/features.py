"""Feature-computation benchmark on the full SAIS training file: first run, cached run, memory.

    python benchmarks/features.py [--data sais_sirna_2024] [--json OUT]

Prints a table (seconds and rows/s per group, first and cached run) and the peak resident memory
of this process and of its worker processes. Targets (issue 3): first run ≤ 180 s on 2 cores,
cached run ≤ 10 s, peak memory ≤ 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from rnakit.sirna.features import groups
from rnakit.sirna.features.matrix import compute_group
from rnakit.sirna.tables import load_table


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def run(data: str) -> dict:
    table = load_table(data)
    results = {"data": data, "rows": len(table), "transcripts": len(set(table["transcript"].dropna())), "groups": {}}
    with tempfile.TemporaryDirectory() as cache:
        for label in ("first", "cached"):
            total = 0.0
            for group in groups().values():
                start = time.perf_counter()
                frame = compute_group(group, table, Path(cache))
                seconds = time.perf_counter() - start
                total += seconds
                entry = results["groups"].setdefault(group.name, {"columns": frame.shape[1]})
                entry[f"{label}_s"] = round(seconds, 3)
                entry[f"{label}_rows_per_s"] = round(len(table) / seconds) if seconds else None
            results[f"{label}_total_s"] = round(total, 2)
    results["peak_rss_mib"] = round(_peak_mib(resource.RUSAGE_SELF), 1)
    results["peak_rss_workers_mib"] = round(_peak_mib(resource.RUSAGE_CHILDREN), 1)
    return results


def show(results: dict) -> None:
    table = Table(title=f"features on {results['data']}: {results['rows']:,} rows, {results['transcripts']} transcripts")
    for column in ("group", "columns", "first s", "first rows/s", "cached s", "cached rows/s"):
        table.add_column(column, justify="left" if column == "group" else "right")
    for name, entry in results["groups"].items():
        table.add_row(name, str(entry["columns"]), f"{entry['first_s']:.2f}", f"{entry['first_rows_per_s']:,}",
                      f"{entry['cached_s']:.2f}", f"{entry['cached_rows_per_s']:,}")
    table.add_row("total", "", f"{results['first_total_s']:.1f}", "", f"{results['cached_total_s']:.2f}", "")
    console = Console()
    console.print(table)
    console.print(f"peak RSS: {results['peak_rss_mib']:.0f} MiB (workers: {results['peak_rss_workers_mib']:.0f} MiB)")
    console.print("targets: first ≤ 180 s, cached ≤ 10 s, peak ≤ 4096 MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sais_sirna_2024", help="file or dataset name")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = run(args.data)
    show(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
