"""RNAhybrid-style statistics: shuffles, Markov targets, Gumbel fits, calibration cache, fixed sets."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chisquare

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.hybrid.shuffles import (
    DINUCLEOTIDES,
    count_dinucleotide_frequencies,
    dinucleotide_shuffle,
    random_targets_from_frequencies,
    read_frequency_file,
)
from rnakit.hybrid.stats import (
    Evd,
    FixedSet,
    calibrate,
    fit_fixed_set,
    fit_gumbel,
    load_fixed_sets,
    minimal_duplex_energy,
    normalised_score,
    p_value,
    save_fixed_sets,
)
from tests.conftest import DAMAGE, damage

RNAHYBRID_EXAMPLE = Path("/usr/share/doc/rnahybrid/examples/3UTR_human.freq")


def pairs(sequence: str) -> Counter[str]:
    return Counter(sequence[i : i + 2] for i in range(len(sequence) - 1))


# ----------------------------------------------------------------------------- shuffle


@pytest.mark.parametrize("sequence", [
    "GGAUCCAUGCUUGACCGAUUACGGCAUUAGCCAAGUUACG",
    "AAAAAAAAAACCCCCCCCCCAAAAAAAAAAGGG",
    "ACGUNNACGUUUUGCAUTTACG",
    "".join(np.random.default_rng(7).choice(list("ACGU"), 500)),
])
def test_shuffle_keeps_dinucleotides_and_ends_and_varies(sequence: str) -> None:
    rng = np.random.default_rng(1)
    shuffles = [dinucleotide_shuffle(sequence, rng) for _ in range(30)]
    for shuffled in shuffles:
        assert len(shuffled) == len(sequence)
        assert pairs(shuffled) == pairs(sequence)
        assert (shuffled[0], shuffled[-1]) == (sequence[0], sequence[-1])
    assert len(set(shuffles)) > 1


@pytest.mark.parametrize("sequence", ["", "A", "AC", "ACG", "UUUUUUUU", "ACAC"])
def test_shuffle_of_sequences_with_one_arrangement_is_identity(sequence: str) -> None:
    rng = np.random.default_rng(0)
    assert {dinucleotide_shuffle(sequence, rng) for _ in range(10)} == {sequence}


def test_shuffle_is_uniform_over_all_arrangements() -> None:
    """Every sequence with the same dinucleotide counts (found by brute force) is equally likely.

    A's exits (A, C, G, G) have unequal multiplicities, so a last-exit draw that ignored them (a
    common slip) is rejected here at p ≈ 1e-80.
    """
    sequence = "AAGACAGCU"
    target = pairs(sequence)
    arrangements = sorted({"".join(p) for p in itertools.permutations(sequence)
                           if p[0] == sequence[0] and pairs("".join(p)) == target})
    assert len(arrangements) >= 4
    rng = np.random.default_rng(3)
    counts = Counter(dinucleotide_shuffle(sequence, rng) for _ in range(300 * len(arrangements)))
    assert set(counts) == set(arrangements)
    assert chisquare([counts[a] for a in arrangements]).pvalue > 1e-3


def test_shuffle_is_reproducible_with_a_seed() -> None:
    sequence = "GGAUCCAUGCUUGACCGAUUACGGCAUUAGCC"
    first = dinucleotide_shuffle(sequence, np.random.default_rng(5))
    assert first == dinucleotide_shuffle(sequence, np.random.default_rng(5))


# ----------------------------------------------------------------------------- Markov targets


def markov_frequencies() -> np.ndarray:
    """Balanced dinucleotide frequencies: stationary π times a skewed transition matrix."""
    transitions = np.array([[0.5, 0.1, 0.3, 0.1],
                            [0.2, 0.2, 0.05, 0.55],
                            [0.25, 0.25, 0.25, 0.25],
                            [0.1, 0.4, 0.3, 0.2]])
    values, vectors = np.linalg.eig(transitions.T)
    stationary = np.real(vectors[:, np.argmin(abs(values - 1))])
    stationary /= stationary.sum()
    return stationary[:, None] * transitions


def test_markov_targets_reproduce_dinucleotide_frequencies() -> None:
    expected = markov_frequencies()
    (sequence,) = random_targets_from_frequencies(expected, [200_000], np.random.default_rng(2))
    assert set(sequence) <= set("ACGU") and len(sequence) == 200_000
    observed = count_dinucleotide_frequencies([sequence])
    for i, pair in enumerate(DINUCLEOTIDES):
        f = expected.ravel()[i]
        assert abs(observed[pair] - f) < 10 * math.sqrt(f * (1 - f) / len(sequence)), pair


def test_markov_targets_have_the_requested_lengths_and_accept_a_mapping() -> None:
    values = markov_frequencies().ravel()
    mapping = {pair.replace("U", "T").lower(): value for pair, value in zip(DINUCLEOTIDES, values)}
    sequences = random_targets_from_frequencies(mapping, [0, 1, 5, 300], np.random.default_rng(0))
    assert [len(s) for s in sequences] == [0, 1, 5, 300]


def test_markov_targets_reject_a_letter_that_cannot_go_on() -> None:
    frequencies = markov_frequencies()
    frequencies[3, :] = 0  # U is entered (column U) but has no successor
    with pytest.raises(ValueRangeError, match="U"):
        random_targets_from_frequencies(frequencies, [10], np.random.default_rng(0))


# ----------------------------------------------------------------------------- frequency files


def test_read_frequency_file(tmp_path: Path) -> None:
    lines = ["# made up", ""] + [f"{pair.replace('U', 'T')}: {i + 1}" for i, pair in enumerate(DINUCLEOTIDES)]
    path = tmp_path / "made_up.freq"
    path.write_text("\n".join(lines) + "\n")
    frequencies = read_frequency_file(path)
    assert list(frequencies) == list(DINUCLEOTIDES)
    assert frequencies["AA"] == pytest.approx(1 / 136) and frequencies["UU"] == pytest.approx(16 / 136)


@pytest.mark.skipif(not RNAHYBRID_EXAMPLE.exists(), reason="RNAhybrid's examples are not installed")
def test_read_rnahybrid_example_file() -> None:
    frequencies = read_frequency_file(RNAHYBRID_EXAMPLE)
    assert sum(frequencies.values()) == pytest.approx(1)
    assert len(random_targets_from_frequencies(frequencies, [50], np.random.default_rng(0))[0]) == 50


@pytest.mark.parametrize(("bad_line", "message"), [
    ("AX: 0.1", "not a dinucleotide"),
    ("AA 0.1 0.2", "expected 'XY: frequency'"),
    ("AA: much", "not a number"),
    ("AA: -0.1", "≥ 0"),
    ("AC: 0.1", "given again"),
])
def test_read_frequency_file_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    lines = ["# header"] + [f"{pair}: 0.0625" for pair in DINUCLEOTIDES if pair != "AA"]
    lines.insert(2, bad_line)
    path = tmp_path / "bad.freq"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFormatError, match=message) as error:
        read_frequency_file(path)
    assert str(path) in str(error.value) and "line 3" in str(error.value)


def test_read_frequency_file_lists_missing_pairs(tmp_path: Path) -> None:
    path = tmp_path / "short.freq"
    path.write_text("".join(f"{pair}: 0.1\n" for pair in DINUCLEOTIDES[:-2]))
    with pytest.raises(InputFormatError, match="UG, UU") as error:
        read_frequency_file(path)
    assert str(path) in str(error.value)


# ----------------------------------------------------------------------------- Gumbel


def test_fit_gumbel_recovers_parameters() -> None:
    scores = np.random.default_rng(11).gumbel(2.0, 0.3, 20_000)
    evd = fit_gumbel(scores)
    assert evd.location == pytest.approx(2.0, rel=0.03)
    assert evd.scale == pytest.approx(0.3, rel=0.03)


@pytest.mark.parametrize("scores", [[1.0, 2.0], [1.0, 1.0, 1.0, 1.0], [1.0, float("nan"), 2.0, 3.0]])
def test_fit_gumbel_rejects_unfittable_scores(scores: list[float]) -> None:
    with pytest.raises(ValueRangeError):
        fit_gumbel(scores)


def test_p_value_at_hand_computed_points() -> None:
    evd = Evd(location=2.0, scale=0.3)
    assert evd.p_value(2.0) == pytest.approx(1 - 1 / math.e)
    assert evd.p_value(2.3) == pytest.approx(1 - math.exp(-math.exp(-1)))
    assert evd.p_value(2.0 - 0.3 * math.log(math.log(2))) == pytest.approx(0.5)
    far = evd.p_value(2.0 + 0.3 * 30)  # tiny tail: expm1 keeps it ≈ exp(-30), not 0
    assert far == pytest.approx(math.exp(-30), rel=1e-9)
    np.testing.assert_allclose(evd.p_value(np.array([2.0, 2.3])), [1 - 1 / math.e, 1 - math.exp(-math.exp(-1))])


def test_normalised_score_and_p_value_of_an_mfe() -> None:
    assert normalised_score(-25.0, 1000, 22) == pytest.approx(25 / math.log(22_000))
    np.testing.assert_allclose(normalised_score(np.array([-10.0, -20.0]), np.array([100, 200]), 20),
                               [10 / math.log(2000), 20 / math.log(4000)])
    evd = Evd(2.0, 0.3)
    x = 25 / math.log(22_000)
    assert p_value(-25.0, 1000, 22, evd) == pytest.approx(1 - math.exp(-math.exp(-(x - 2.0) / 0.3)))
    with pytest.raises(ValueRangeError):
        normalised_score(-5.0, 1, 1)


def test_evd_rejects_non_positive_scale() -> None:
    with pytest.raises(ValueRangeError):
        Evd(1.0, 0.0)


# ----------------------------------------------------------------------------- calibration


class FakeMfe:
    """mfe = −(base + 4·GC fraction)·ln(m·n): a known function of the target, recording its calls."""

    def __init__(self, base: float = 1.5) -> None:
        self.base = base
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, query: str, targets: list[str]) -> np.ndarray:
        self.calls.append((query, list(targets)))
        gc = np.array([(t.count("G") + t.count("C")) / len(t) for t in targets])
        lengths = np.array([len(t) for t in targets])
        return -(self.base + 4 * gc) * np.log(lengths * len(query))


def failing_mfe(query: str, targets: list[str]) -> np.ndarray:
    raise AssertionError("the cache should have answered")


QUERY = "UGAGGUAGUAGGUUGUAUAGUU"


def test_calibrate_from_frequencies_fits_and_caches(tmp_path: Path) -> None:
    fake = FakeMfe()
    settings = dict(frequencies=markov_frequencies(), samples=200, length=(80, 40), max_length=150, seed=4)
    evd = calibrate(QUERY, fake, model_version="fake-1", cache_dir=tmp_path, **settings)
    ((query, targets),) = fake.calls
    assert query == QUERY and len(targets) == 200
    assert all(1 <= len(t) <= 150 for t in targets)
    scores = [1.5 + 4 * (t.count("G") + t.count("C")) / len(t) for t in targets]
    assert min(scores) < evd.location < max(scores) and evd.scale > 0
    cached = list(tmp_path.glob("*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text())["model_version"] == "fake-1"

    assert calibrate(QUERY, failing_mfe, model_version="fake-1", cache_dir=tmp_path, **settings) == evd
    with pytest.raises(AssertionError):  # another energy model, another seed: no cache hit
        calibrate(QUERY, failing_mfe, model_version="fake-2", cache_dir=tmp_path, **settings)
    with pytest.raises(AssertionError):
        calibrate(QUERY, failing_mfe, model_version="fake-1", cache_dir=tmp_path, **{**settings, "seed": 5})


def test_calibrate_shuffles_targets_and_uses_the_default_cache_dir(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path))
    sources = ["GGAUCCAUGCUUGACCGAUUACGGCAUUAGCCAAGUUACG" * 3, "AUAUAUGCGCAAAUUUCCGGAUAU" * 4]
    fake = FakeMfe()
    evd = calibrate(QUERY, fake, targets=[s.replace("U", "T") for s in sources], samples=60, model_version="fake-1")
    ((_, targets),) = fake.calls
    assert len(targets) == 60
    assert all(pairs(t) in (pairs(sources[0]), pairs(sources[1])) for t in targets)
    assert len(set(targets)) > 50
    assert len(list((tmp_path / "hybrid").glob("*.json"))) == 1
    assert calibrate(QUERY, failing_mfe, targets=sources, samples=60, model_version="fake-1") == evd


def test_calibrate_leaves_out_targets_without_duplex_and_needs_one_source(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path))

    def sometimes_none(query: str, targets: list[str]) -> np.ndarray:
        energies = FakeMfe()(query, targets)
        energies[::4] = np.inf
        return energies

    evd = calibrate(QUERY, sometimes_none, frequencies=markov_frequencies(), samples=80, length=(60, 10))
    assert evd.scale > 0
    assert not list(tmp_path.iterdir())  # no model_version: nothing cached
    with pytest.raises(ValueRangeError):
        calibrate(QUERY, FakeMfe(), samples=10)
    with pytest.raises(ValueRangeError):
        calibrate(QUERY, FakeMfe(), targets=["ACGU"], frequencies=markov_frequencies(), samples=10)


@pytest.mark.parametrize("how", DAMAGE)
def test_unreadable_cache_is_recomputed_and_rewritten(tmp_path: Path, how: str) -> None:
    settings = dict(frequencies=markov_frequencies(), samples=50, length=(60, 10), model_version="v",
                    cache_dir=tmp_path)
    evd = calibrate(QUERY, FakeMfe(), **settings)
    (path,) = tmp_path.glob("*.json")
    damage(path, how)
    assert calibrate(QUERY, FakeMfe(), **settings) == evd
    assert calibrate(QUERY, failing_mfe, **settings) == evd


# ----------------------------------------------------------------------------- fixed sets


def test_minimal_duplex_energy_sums_stacks() -> None:
    # GC, CG, GC stacks with the perfect complement (Turner 2004): -3.42 - 2.36 - 3.42
    assert minimal_duplex_energy("GCGC") == pytest.approx(-9.2)


def test_fit_fixed_set_regresses_on_minimal_energy_and_round_trips(tmp_path: Path) -> None:
    def energy(query: str) -> float:
        return -2.0 * (query.count("G") + query.count("C")) - len(query)

    def mfe(query: str, targets: list[str]) -> np.ndarray:
        # normalised score = 0.1·|e(query)| + GC(target): location linear in e with slope −0.1
        return FakeMfe(base=-0.1 * energy(query))(query, targets)

    queries = random_targets_from_frequencies(markov_frequencies(), [18, 20, 22, 24, 19, 23], np.random.default_rng(8))
    fixed = fit_fixed_set("test_set", queries, mfe, energy, markov_frequencies(), samples=150, length=(80, 20),
                          model_version="fake-1", cache_dir=tmp_path, note="unit test")
    assert fixed.location_slope == pytest.approx(-0.1, abs=0.02)
    assert abs(fixed.scale_slope) < 0.01
    assert "6 queries" in fixed.description and "unit test" in fixed.description
    low, high = fixed.energy_range
    middle = fixed.evd((low + high) / 2)
    assert middle.scale > 0

    path = tmp_path / "sets.json"
    save_fixed_sets([fixed], path)
    assert load_fixed_sets(path) == {"test_set": fixed}
    with pytest.raises(ValueRangeError):
        save_fixed_sets([fixed, fixed], tmp_path / "twice.json")


def test_fixed_set_evd_refuses_a_negative_scale() -> None:
    fixed = FixedSet("s", 0.0, 2.0, 0.01, 0.3, "made up", (-40.0, -20.0))
    evd = fixed.evd(-20.0)
    assert (evd.location, evd.scale) == (2.0, pytest.approx(0.1))
    with pytest.raises(ValueRangeError, match="scale"):
        fixed.evd(-30.0)


@pytest.mark.parametrize("text", ["{", '{"format": "other", "sets": {}}',
                                  '{"format": "rnakit-hybrid-fixed-sets/1", "sets": {"x": {"location": {}}}}'])
def test_load_fixed_sets_rejects_malformed_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sets.json"
    path.write_text(text)
    with pytest.raises(InputFormatError) as error:
        load_fixed_sets(path)
    assert str(path) in str(error.value)


def test_shipped_set_predicts_sane_laws_over_its_range():
    from rnakit.hybrid.significance import fixed_set_evd, shipped_sets

    fixed = shipped_sets()["3utr_human"]
    low, high = fixed.energy_range
    assert low < -50 and high > -35  # fitted over the energies of real miRNAs
    laws = [fixed.evd(e) for e in np.linspace(low, high, 20)]
    assert all(0.1 < law.scale < 1.0 and 0.5 < law.location < 3.5 for law in laws)
    # a more stable query (more negative minimal energy) needs a larger score to be significant
    assert laws[0].location > laws[-1].location
    let7a = fixed_set_evd("3utr_human", "UGAGGUAGUAGGUUGUAUAGUU")
    assert let7a == fixed.evd(minimal_duplex_energy("UGAGGUAGUAGGUUGUAUAGUU"))
