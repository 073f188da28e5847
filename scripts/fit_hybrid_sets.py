"""Fit rnakit's fixed p-value parameter sets for ``rnakit hybrid -s NAME`` (like RNAhybrid's -s).

    python scripts/fit_hybrid_sets.py [--data DIR] [--queries 60] [--samples 300] [-o src/rnakit/data/hybrid_sets.json]

``3utr_human``: random targets are first-order Markov sequences with the dinucleotide frequencies
of human 3'UTRs — the stretch after the longest ORF of the 500 human RefSeq mRNAs in the shared
``coding_potential/lncadeep_human_mRNA_test.fa`` — with RNAcalibrate's length law N(500, 300).
Queries are random 22-mers whose GC content is spread evenly over 20–80 % so that their minimal
duplex energies cover the range of real miRNAs. Each query is calibrated (maximum-likelihood
Gumbel fit on ``--samples`` targets), and μ and β are regressed on the minimal duplex energy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from rnakit.hybrid.search import SearchOptions
from rnakit.hybrid.shuffles import count_dinucleotide_frequencies
from rnakit.hybrid.significance import best_energies, model_version
from rnakit.hybrid.stats import fit_fixed_set, minimal_duplex_energy, save_fixed_sets
from rnakit.seq.alphabet import normalise_rna
from rnakit.seq.fasta import iter_fasta_records
from rnakit.seq.orf import longest_orf
from rnakit.sirna.datasets import default_data_dir

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "rnakit" / "data" / "hybrid_sets.json"
MRNAS = "coding_potential/lncadeep_human_mRNA_test.fa"


def three_prime_utrs(path: Path, shortest: int = 50) -> list[str]:
    """The sequence after each mRNA's longest ORF, when at least ``shortest`` nt long."""
    utrs = []
    for _, _, sequence in iter_fasta_records(path):
        rna = normalise_rna(sequence)
        orf = longest_orf(rna)
        if orf is not None and len(rna) - orf[1] >= shortest:
            utrs.append(rna[orf[1]:])
    return utrs


def random_queries(count: int, length: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    queries = []
    for gc in np.linspace(0.2, 0.8, count):
        probabilities = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]  # A, C, G, U
        queries.append("".join(rng.choice(list("ACGU"), size=length, p=probabilities)))
    return queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("-o", "--out", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if data is None:
        sys.exit("shared data not found: pass --data or set RNAKIT_DATA_DIR")
    utrs = three_prime_utrs(data / MRNAS)
    frequencies = count_dinucleotide_frequencies(utrs)
    options = SearchOptions()
    fixed = fit_fixed_set(
        "3utr_human", random_queries(args.queries, 22, seed=0), lambda q, ts: best_energies(q, ts, options),
        minimal_duplex_energy, frequencies, samples=args.samples, seed=0, model_version=model_version(options),
        note=f"Dinucleotide frequencies of {len(utrs)} human 3'UTRs (after the longest ORF) of {MRNAS}; "
             "written by scripts/fit_hybrid_sets.py.",
    )
    save_fixed_sets([fixed], args.out)
    print(f"{fixed.name}: location = {fixed.location_slope:.4f}·e + {fixed.location_intercept:.4f}, "
          f"scale = {fixed.scale_slope:.4f}·e + {fixed.scale_intercept:.4f} (e in {fixed.energy_range}) → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
