"""p-values of hybridisation energies the way RNAhybrid computes them (Rehmsmeier et al. 2004, RNA 10:1507).

A hit's minimum free energy ``mfe`` (kcal/mol, negative) for a query of length ``n`` on a target of
length ``m`` is length-normalised, ``x = -mfe / ln(m·n)``, because the best of ~m·n random duplexes
grows like ln(m·n). The best normalised score of a query over random targets then follows a
(maximum) Gumbel law with location μ and scale β, and ``P(X ≥ x) = 1 − exp(−exp(−(x − μ)/β))``.

μ and β depend on the query, so they are calibrated per query (RNAcalibrate): search random targets
(dinucleotide-preserving shuffles of real targets, or first-order Markov sequences from 16
dinucleotide frequencies as in RNAcalibrate's ``-d`` files), normalise, fit. RNAhybrid's quick
alternative (``-s 3utr_human|3utr_fly|3utr_worm``) predicts μ and β as straight lines in the query's
minimal duplex energy (the sum of its stacking energies with its perfect complement); here
:class:`FixedSet` and :func:`fit_fixed_set` provide that mechanism, with coefficients derived by
rnakit's own calibrations, never copied from RNAhybrid.

Differences from RNAhybrid 2.1.2, on purpose:

* μ, β are fitted by maximum likelihood (``scipy.stats.gumbel_r.fit``); RNAcalibrate instead fits
  a line to the log(−log) of a binned empirical CDF, dropping low scores and the top few percent.
* ``-b`` (several hits per target): RNAhybrid documents no correction, and its code gives every
  reported hit the same single-hit p-value from its own mfe; so there is none here either (the
  paper's Poisson approximation for multiple sites is not part of the program).
* The query and targets are read as RNA (T → U); shuffles keep every letter they are given.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.files import atomic_write, cache_folder, read_cache_entry
from rnakit.hybrid.shuffles import (
    DinucleotideFrequencies,
    dinucleotide_shuffle,
    draw_lengths,
    frequency_matrix,
    random_targets_from_frequencies,
)
from rnakit.seq.alphabet import normalise_rna

log = logging.getLogger(__name__)

#: ``mfe(query, targets)`` → the best (most negative) mfe per target, kcal/mol, shape ``(len(targets),)``.
#: ``+inf`` marks a target on which no duplex is possible (e.g. under a helix constraint).
MfeFunction = Callable[[str, Sequence[str]], np.ndarray]

CACHE_FORMAT = "rnakit-hybrid-evd/1"  # bump when sampling or fitting changes: old caches are then ignored
FIXED_SETS_FORMAT = "rnakit-hybrid-fixed-sets/1"
MAX_TARGET_LENGTH = 2000  # RNAhybrid's default -m; RNAcalibrate redraws random lengths beyond it


# ----------------------------------------------------------------------------- extreme value statistics


def normalised_score(mfe: float | np.ndarray, target_length: int | np.ndarray,
                     query_length: int | np.ndarray) -> float | np.ndarray:
    """``-mfe / ln(m·n)``: the length-normalised score whose maximum over random targets is Gumbel."""
    mfe = np.asarray(mfe, dtype=float)
    space = np.asarray(target_length, dtype=float) * np.asarray(query_length, dtype=float)
    if np.any(~np.isfinite(space)) or np.any(space < 2) or np.any(np.asarray(target_length) < 1) \
            or np.any(np.asarray(query_length) < 1):
        raise ValueRangeError("target and query lengths must be ≥ 1 with a product ≥ 2 (ln(m·n) > 0)")
    return -mfe / np.log(space)


@dataclass(frozen=True)
class Evd:
    """A maximum Gumbel law of normalised scores: RNAhybrid's ``-d location,scale``."""

    location: float
    scale: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.location) and math.isfinite(self.scale) and self.scale > 0):
            raise ValueRangeError(f"Gumbel location {self.location} and scale {self.scale} must be finite, scale > 0")

    def p_value(self, x: float | np.ndarray) -> float | np.ndarray:
        """``P(X ≥ x) = 1 − exp(−exp(−(x − μ)/β))``, via expm1 so that tiny p-values keep their digits."""
        z = (np.asarray(x, dtype=float) - self.location) / self.scale
        return -np.expm1(-np.exp(-z))


def fit_gumbel(scores: Sequence[float] | np.ndarray) -> Evd:
    """Maximum-likelihood Gumbel (maximum) fit of normalised scores (``scipy.stats.gumbel_r.fit``)."""
    from scipy.stats import gumbel_r  # scipy.stats is slow to import; only fitting needs it

    values = np.asarray(scores, dtype=float).ravel()
    if values.size < 3:
        raise ValueRangeError(f"a Gumbel fit needs at least 3 scores, got {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueRangeError("scores to fit must all be finite")
    if np.ptp(values) == 0:
        raise ValueRangeError(f"all {values.size} scores are equal ({values[0]}): no spread to fit a scale to")
    location, scale = gumbel_r.fit(values)
    return Evd(float(location), float(scale))


def p_value(mfe: float | np.ndarray, target_length: int | np.ndarray, query_length: int | np.ndarray,
            evd: Evd) -> float | np.ndarray:
    """RNAhybrid's p-value of a hit: the Gumbel tail of its length-normalised mfe."""
    return evd.p_value(normalised_score(mfe, target_length, query_length))


# ----------------------------------------------------------------------------- calibration


def default_hybrid_cache_dir() -> Path:
    """``<rnakit cache>/hybrid`` (:func:`rnakit.files.cache_folder`)."""
    return cache_folder("hybrid")


def _cache_key(query: str, model_version: str, settings: dict[str, object]) -> str:
    text = json.dumps({"format": CACHE_FORMAT, "query": query, "model_version": model_version,
                       "settings": settings}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _read_cached(path: Path, key: str) -> Evd | None:
    """The cached fit, or None when it is stale; raises when it is damaged."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != CACHE_FORMAT or data.get("key") != key:
        return None
    return Evd(float(data["location"]), float(data["scale"]))


def calibrate(
    query: str,
    mfe: MfeFunction,
    *,
    targets: Sequence[str] | None = None,
    frequencies: DinucleotideFrequencies | None = None,
    samples: int = 500,
    length: tuple[float, float] = (500, 300),
    max_length: int = MAX_TARGET_LENGTH,
    seed: int = 0,
    model_version: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Evd:
    """Fit the Gumbel law of ``query``'s best normalised score on ``samples`` random targets (RNAcalibrate).

    Random targets are dinucleotide shuffles of ``targets`` (taken in turn, in a seeded random
    order, each keeping its own length) or, with ``frequencies``, Markov sequences whose lengths
    are normal(``length`` = mean, std), truncated and redrawn outside [1, ``max_length``]. Exactly
    one of the two must be given. ``mfe`` is called once with all random targets; ``+inf``
    (no duplex possible) is left out of the fit, other non-finite values are errors.

    Searching hundreds of targets is slow, so the fit is cached as JSON in ``cache_dir`` (default
    :func:`default_hybrid_cache_dir`) under a key of the query, every setting and
    ``model_version`` — the caller's name for its energy model, as the cache cannot see inside
    ``mfe``. Without ``model_version`` nothing is cached.
    """
    rna_query = normalise_rna(query)
    if len(rna_query) < 1:
        raise SequenceError("empty query")
    if (targets is None) == (frequencies is None):
        raise ValueRangeError("give either targets (to shuffle) or dinucleotide frequencies, not both or neither")
    if samples < 3:
        raise ValueRangeError(f"samples {samples} must be ≥ 3 to fit two parameters")
    settings: dict[str, object] = {"samples": int(samples), "seed": int(seed)}
    if targets is not None:
        sources = [normalise_rna(target) for target in targets]
        if not sources or any(not source for source in sources):
            raise SequenceError("targets to shuffle must be a non-empty list of non-empty sequences")
        digest = hashlib.sha256("\n".join(sources).encode()).hexdigest()
        settings.update(mode="shuffle", targets_sha256=digest)
    else:
        matrix = frequency_matrix(frequencies)  # type: ignore[arg-type]
        settings.update(mode="markov", frequencies=[float(v) for v in matrix.ravel()],
                        length=[float(length[0]), float(length[1])], max_length=int(max_length))

    path, key = None, ""
    if model_version is not None:
        key = _cache_key(rna_query, model_version, settings)
        path = Path(cache_dir if cache_dir is not None else default_hybrid_cache_dir()) / f"{key}.json"
        cached = read_cache_entry(path, lambda entry: _read_cached(entry, key))
        if cached is not None:
            log.info("calibration of %s read from %s", rna_query, path)
            return cached

    rng = np.random.default_rng(seed)
    if targets is not None:
        order = rng.permutation(len(sources))
        randoms = [dinucleotide_shuffle(sources[order[i % len(sources)]], rng) for i in range(samples)]
    else:
        lengths = draw_lengths(float(length[0]), float(length[1]), samples, rng, max_length)
        randoms = random_targets_from_frequencies(matrix, lengths, rng)
    energies = np.asarray(mfe(rna_query, randoms), dtype=float).ravel()
    if energies.shape != (len(randoms),):
        raise ValueRangeError(f"the mfe function returned {energies.size} values for {len(randoms)} targets")
    if np.any(np.isnan(energies) | (energies == -np.inf)):
        raise ValueRangeError("the mfe function returned NaN or -inf")
    found = np.isfinite(energies)
    if not found.all():
        log.info("calibration of %s: no duplex on %d of %d random targets", rna_query, (~found).sum(), found.size)
    target_lengths = np.array([len(r) for r in randoms])
    scores = normalised_score(energies[found], target_lengths[found], len(rna_query))
    evd = fit_gumbel(scores)

    if path is not None:
        record = {"format": CACHE_FORMAT, "key": key, "query": rna_query, "model_version": model_version,
                  "settings": settings, "scores_fitted": int(found.sum()),
                  "location": evd.location, "scale": evd.scale}
        with atomic_write(path, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
    return evd


# ----------------------------------------------------------------------------- fixed parameter sets (-s)


def minimal_duplex_energy(query: str) -> float:
    """RNAhybrid's estimate input for ``-s``: the summed stacking energies of ``query`` with its perfect complement.

    No initiation or terminal-AU terms, as in RNAhybrid (which calls it the "maximal" duplex energy
    in its man page: maximal in size). Uses rnakit's Turner 2004 Watson–Crick stacks.
    """
    from rnakit.thermo.nearest_neighbor import stack_energies

    return float(sum(stack_energies(normalise_rna(query))))


@dataclass(frozen=True)
class FixedSet:
    """μ and β as straight lines in a query's minimal duplex energy ``e``: RNAhybrid's ``-s`` sets.

    ``location = location_slope·e + location_intercept``, likewise ``scale``. ``energy_range`` is
    the span of ``e`` the lines were fitted on; ``description`` says how (targets, samples, seed).
    """

    name: str
    location_slope: float
    location_intercept: float
    scale_slope: float
    scale_intercept: float
    description: str
    energy_range: tuple[float, float]
    model_version: str = ""

    def evd(self, minimal_energy: float) -> Evd:
        """The Gumbel law predicted for a query of this minimal duplex energy (kcal/mol)."""
        location = self.location_slope * minimal_energy + self.location_intercept
        scale = self.scale_slope * minimal_energy + self.scale_intercept
        if not scale > 0:
            raise ValueRangeError(f"set {self.name!r} predicts scale {scale:.3g} ≤ 0 at minimal duplex energy "
                                  f"{minimal_energy} (fitted on {self.energy_range[0]}..{self.energy_range[1]})")
        return Evd(location, scale)


def fit_fixed_set(
    name: str,
    queries: Sequence[str],
    mfe: MfeFunction,
    minimal_energy: Callable[[str], float],
    frequencies: DinucleotideFrequencies,
    *,
    samples: int = 500,
    length: tuple[float, float] = (500, 300),
    max_length: int = MAX_TARGET_LENGTH,
    seed: int = 0,
    model_version: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    note: str = "",
) -> FixedSet:
    """Calibrate every query on Markov targets and regress μ and β on the minimal duplex energy.

    ``queries`` are typically many random query-like sequences (e.g. from
    :func:`random_targets_from_frequencies` with miRNA lengths); query ``i`` is calibrated with
    seed ``seed + i`` and cached as :func:`calibrate` does. ``minimal_energy`` is usually
    :func:`minimal_duplex_energy`. Ordinary least squares, as RNAhybrid's own weighted fit reduces
    to with equal weights.
    """
    if len(queries) < 3:
        raise ValueRangeError(f"a fixed set needs at least 3 queries, got {len(queries)}")
    energies, locations, scales = [], [], []
    for i, query in enumerate(queries):
        evd = calibrate(query, mfe, frequencies=frequencies, samples=samples, length=length, max_length=max_length,
                        seed=seed + i, model_version=model_version, cache_dir=cache_dir)
        energies.append(float(minimal_energy(query)))
        locations.append(evd.location)
        scales.append(evd.scale)
    e = np.array(energies)
    if np.ptp(e) == 0:
        raise ValueRangeError("all queries have the same minimal duplex energy: no line can be fitted")
    location_slope, location_intercept = np.polyfit(e, locations, 1)
    scale_slope, scale_intercept = np.polyfit(e, scales, 1)
    lengths = sorted({len(q) for q in queries})
    description = (f"least-squares lines of μ and β on the minimal duplex energy over {len(queries)} queries "
                   f"(lengths {lengths[0]}–{lengths[-1]} nt), each calibrated by maximum likelihood on {samples} "
                   f"Markov targets of length N({length[0]:g}, {length[1]:g}) in [1, {max_length}], seeds "
                   f"{seed}..{seed + len(queries) - 1}, energy model {model_version or 'unspecified'}")
    return FixedSet(name=name, location_slope=float(location_slope), location_intercept=float(location_intercept),
                    scale_slope=float(scale_slope), scale_intercept=float(scale_intercept),
                    description=f"{description}. {note}".strip() if note else description,
                    energy_range=(float(e.min()), float(e.max())), model_version=model_version or "")


def save_fixed_sets(sets: Iterable[FixedSet], path: str | os.PathLike[str]) -> None:
    """Write sets as JSON (atomically), keyed by name; a name twice is an error."""
    table: dict[str, dict[str, object]] = {}
    for fixed in sets:
        if fixed.name in table:
            raise ValueRangeError(f"fixed set {fixed.name!r} given twice")
        table[fixed.name] = {
            "location": {"slope": fixed.location_slope, "intercept": fixed.location_intercept},
            "scale": {"slope": fixed.scale_slope, "intercept": fixed.scale_intercept},
            "energy_range": list(fixed.energy_range), "model_version": fixed.model_version,
            "description": fixed.description,
        }
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump({"format": FIXED_SETS_FORMAT, "sets": table}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def load_fixed_sets(path: str | os.PathLike[str]) -> dict[str, FixedSet]:
    """Sets written by :func:`save_fixed_sets`, by name; errors name the file and the set."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputFormatError(f"cannot read fixed parameter sets: {error}", file=name) from None
    if not isinstance(data, dict) or data.get("format") != FIXED_SETS_FORMAT or not isinstance(data.get("sets"), dict):
        raise InputFormatError(f"not a fixed parameter set file (expected format {FIXED_SETS_FORMAT!r})", file=name)
    sets = {}
    for set_name, entry in data["sets"].items():
        try:
            numbers = [float(entry[part][coefficient]) for part in ("location", "scale")
                       for coefficient in ("slope", "intercept")]
            low, high = (float(v) for v in entry["energy_range"])
            description, version = str(entry["description"]), str(entry.get("model_version", ""))
        except (KeyError, TypeError, ValueError) as error:
            raise InputFormatError(f"set {set_name!r} is malformed: {error!r}", file=name) from None
        if not all(math.isfinite(v) for v in (*numbers, low, high)):
            raise InputFormatError(f"set {set_name!r} has a non-finite coefficient", file=name)
        sets[set_name] = FixedSet(set_name, *numbers, description=description, energy_range=(low, high),
                                  model_version=version)
    return sets


@functools.lru_cache(maxsize=1)
def shipped_sets() -> dict[str, FixedSet]:
    """rnakit's fixed parameter sets (``-s NAME``), fitted by ``scripts/fit_hybrid_sets.py``."""
    with resources.as_file(resources.files("rnakit") / "data" / "hybrid_sets.json") as path:
        return load_fixed_sets(path)
