"""p-values for hits: rnakit's search plugged into the RNAhybrid-style statistics of :mod:`.stats`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from rnakit.errors import ValueRangeError
from rnakit.hybrid.energy import turner2004
from rnakit.hybrid.hit import Hit
from rnakit.hybrid.search import SearchOptions, hybridise
from rnakit.hybrid.stats import Evd, calibrate, minimal_duplex_energy, p_value, shipped_sets

#: random targets per calibration: RNAcalibrate's sample sizes of a few hundred fit μ, β to a few %
CALIBRATION_SAMPLES = 500
#: longest random target: shuffles of longer targets use a window of it (the normalisation by
#: log(m·n) makes the fit carry over to longer targets, and keeps calibration fast)
CALIBRATION_WINDOW = 500


def model_version(options: SearchOptions) -> str:
    """The cache key of the energy model and every search option that changes a hit's energy."""
    fields = {k: v for k, v in dataclasses.asdict(options).items() if k not in ("hits", "energy_cutoff")}
    return f"{turner2004().source}; {sorted(fields.items())}"


def best_energies(query: str, targets: Sequence[str], options: SearchOptions) -> np.ndarray:
    """The best hit's energy on each target (``inf`` where nothing binds): the calibration's mfe function."""
    single = dataclasses.replace(options, hits=1, energy_cutoff=None)
    energies = []
    for target in targets:
        hits = hybridise(query, target, single)
        energies.append(hits[0].energy if hits else math.inf)
    return np.asarray(energies, dtype=float)


def calibrated_evd(query: str, targets: Sequence[str], options: SearchOptions, *, seed: int = 0,
                   samples: int = CALIBRATION_SAMPLES) -> Evd:
    """Gumbel parameters for ``query`` from dinucleotide shuffles of ``targets`` (cached per query).

    Targets longer than CALIBRATION_WINDOW contribute windows of that length, spread along them.
    """
    windows = []
    for target in targets:
        if len(target) <= CALIBRATION_WINDOW:
            windows.append(target)
        else:
            starts = range(0, len(target) - CALIBRATION_WINDOW + 1, CALIBRATION_WINDOW)
            windows.extend(target[s : s + CALIBRATION_WINDOW] for s in starts)
    return calibrate(query, lambda q, randoms: best_energies(q, randoms, options), targets=windows,
                     samples=samples, seed=seed, model_version=model_version(options))


def fixed_set_evd(name: str, query: str) -> Evd:
    """The law a shipped set predicts for ``query`` from its minimal duplex energy (no calibration)."""
    sets = shipped_sets()
    if name not in sets:
        raise ValueRangeError(f"unknown parameter set {name!r} (known: {', '.join(sorted(sets))})", column="set")
    return sets[name].evd(minimal_duplex_energy(query))


def with_p_value(hit: Hit, evd: Evd) -> Hit:
    """The hit with its p-value under ``evd`` (length-normalised as RNAhybrid does)."""
    value = float(p_value(hit.energy, len(hit.target), len(hit.query), evd))
    return dataclasses.replace(hit, p_value=value)
