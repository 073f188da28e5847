"""Off-target screen: counts known by construction, exclusions, UTR seeds, cache, bad input."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError, MismatchError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design import offtarget
from rnakit.sirna.design.bowtie import bowtie_available
from rnakit.sirna.design.offtarget import (
    TranscriptomeIndex,
    build_index,
    count_off_targets,
    exclusion_set,
    load_or_build_index,
    parse_gene,
)
from tests.conftest import DAMAGE, damage

GUIDE = "UUAGCCGAUCAGUCCAAGGCU"
SITE = reverse_complement_rna(GUIDE[1:20])  # what a perfect target holds (19 nt)
SEED_SITE = reverse_complement_rna(GUIDE[1:8])  # the last 7 nt of SITE
assert SITE.endswith(SEED_SITE)


def filler(n: int, seed: int) -> str:
    """Random ACGU without the seed site, so seeds occur only where a test puts them."""
    rng = random.Random(seed)
    while True:
        text = "".join(rng.choice("ACGU") for _ in range(n))
        if SEED_SITE not in text:
            return text


def mutate(site: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "U", "U": "A"}
    return "".join(swap[b] if i in positions else b for i, b in enumerate(site))


def flank(middle: str, seed: int) -> str:
    return filler(40, seed) + middle + filler(40, seed + 1000)


# (header, sequence); indices matter for the expected exclusion sets
RECORDS = [
    ("TGT-201 gene=TGT", flank(SITE, 1)),  # 0: the target
    ("TGT-202 gene=tgt", flank(SITE, 2)),  # 1: isoform, excluded by gene (case-insensitive)
    ("EXACT gene=GA", flank(SITE, 3)),  # 2: mm0
    ("MM1 gene=GB", flank(mutate(SITE, [3]), 4)),  # 3: mm1
    ("MM2 gene=GC", flank(mutate(SITE, [0, 10]), 5)),  # 4: mm2
    ("MM3 gene=GD", flank(mutate(SITE, [0, 5, 11]), 6)),  # 5: three mismatches: no hit
    ("TWICE gene=GE", flank(SITE + filler(30, 70) + mutate(SITE, [2]), 7)),  # 6: one mm0 transcript
    ("SENSE gene=GF", flank(GUIDE[1:20], 8).replace("U", "t").lower()),  # 7: the strand itself, DNA
    ("NSITE gene=GG", flank(SITE[:2] + "N" + SITE[3:], 9)),  # 8: N breaks the 19-mer, not the seed
    ("CDSSEED gene=GH CDS:21-80", filler(40, 10) + SEED_SITE + filler(73, 11)),  # 9: seed in CDS only
    ("UTRSEED gene=GI UTR3:61-120", filler(80, 12) + SEED_SITE + filler(33, 13)),  # 10: seed in UTR
    ("NM_000001.1 Homo sapiens para thing (PARA), transcript variant 1, mRNA",
     flank(mutate(SITE, [4]), 14)),  # 11: mm1, RefSeq-style gene
]
TARGET_EXCLUSION = {0, 1}


def write_fasta(path: Path, records: list[tuple[str, str]]) -> Path:
    path.write_text("".join(f">{header}\n{seq[:60]}\n{seq[60:]}\n" for header, seq in records))
    return path


@pytest.fixture(scope="module")
def fasta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fasta(tmp_path_factory.mktemp("tx") / "transcripts.fa", RECORDS)


@pytest.fixture(scope="module", params=["kmer", "bowtie"])
def index(request: pytest.FixtureRequest, fasta: Path,
          tmp_path_factory: pytest.TempPathFactory) -> offtarget.TranscriptomeIndex:
    """Both near-perfect engines: every count test must hold for rnakit's index and for bowtie."""
    if request.param == "kmer":
        return build_index(fasta)
    if not bowtie_available():
        pytest.skip("bowtie is not installed (Debian/Ubuntu package 'bowtie'; .ci/run installs it)")
    built = load_or_build_index(fasta, tmp_path_factory.mktemp("cache"), aligner="bowtie")
    assert built.bowtie_prefix is not None and built.near_perfect_search.startswith("bowtie 1.")
    return built


def brute_force(strand: str, exclude: set[int]) -> dict[str, int]:
    """Reference counts by sliding windows over the plain sequences."""
    site = reverse_complement_rna(strand[1:20] if len(strand) > 19 else strand)
    seed = reverse_complement_rna(strand[1:8])
    counts = {"seed_matches": 0, "mm0": 0, "mm1": 0, "mm2": 0}
    for i, (header, raw) in enumerate(RECORDS):
        if i in exclude:
            continue
        seq = raw.upper().replace("T", "U")
        if "UTR3:61-120" in header:
            region = seq[60:120]
        elif "CDS:21-80" in header:
            region = seq[80:]
        else:
            region = seq
        counts["seed_matches"] += seed in region
        best = min(
            (sum(a != b for a, b in zip(seq[p : p + 19], site)) for p in range(len(seq) - 18)
             if "N" not in seq[p : p + 19]),
            default=99,
        )
        if best <= 2:
            counts[f"mm{best}"] += 1
    return counts


def as_dicts(frame: pd.DataFrame) -> list[dict[str, int]]:
    return frame.drop(columns="strand").to_dict("records")


def test_counts_known_by_construction(index):
    row = count_off_targets(index, [GUIDE], TARGET_EXCLUSION).iloc[0]
    # mm0: EXACT, TWICE (once); mm1: MM1, PARA; mm2: MM2; MM3, SENSE and NSITE are no hits
    assert (row.mm0, row.mm1, row.mm2) == (2, 2, 1)
    # seed in whole transcripts EXACT MM1 MM2 MM3 TWICE NSITE PARA + UTRSEED, not CDSSEED
    assert row.seed_matches == 8
    everything = count_off_targets(index, [GUIDE], set()).iloc[0]
    assert (everything.mm0, everything.seed_matches) == (4, 10)


def test_strand_lengths_use_positions_2_to_20_or_1_to_19(index):
    frame = count_off_targets(index, [GUIDE, GUIDE + "UU", GUIDE[1:20]], TARGET_EXCLUSION)
    assert frame["strand"].tolist() == [GUIDE, GUIDE + "UU", GUIDE[1:20]]
    assert frame[["mm0", "mm1", "mm2"]].to_numpy().tolist() == [[2, 2, 1]] * 3
    assert frame["seed_matches"].iloc[1] == 8  # same positions 2–8 as the 21-mer


def test_orientation_sense_copy_is_not_a_hit_but_its_complement_strand_is(index):
    # SENSE holds GUIDE[1:20] itself: no hit for the guide (checked above); a strand whose
    # positions 2–20 are the complement of GUIDE[1:20] does pair with it
    other = "A" + reverse_complement_rna(GUIDE[1:20]) + "A"
    row = count_off_targets(index, [other], set()).iloc[0]
    assert row.mm0 == 1


def test_matches_brute_force_on_many_strands(index):
    rng = random.Random(5)
    strands = [GUIDE, GUIDE[1:20], "A" + reverse_complement_rna(GUIDE[1:20]) + "A"]
    for _ in range(12):  # strands built from transcript windows, with 0–3 mutations
        _, seq = RECORDS[rng.randrange(len(RECORDS))]
        seq = seq.upper().replace("T", "U")
        p = rng.randrange(len(seq) - 21)
        window = seq[p : p + 21]
        if "N" in window:
            continue
        strand = reverse_complement_rna(mutate(window, rng.sample(range(21), rng.randrange(4))))
        strands.append(strand)
    strands.append("".join(rng.choice("ACGU") for _ in range(21)))
    for exclude in (set(), TARGET_EXCLUSION, {2, 3, 11}):
        frame = count_off_targets(index, strands, exclude)
        assert as_dicts(frame) == [brute_force(s, exclude) for s in strands]


def test_exclusion_set(index):
    assert exclusion_set(index, "TGT-201") == {0, 1}
    assert exclusion_set(index, "TGT-201", same_gene_regex=r"\(PARA\)") == {0, 1, 11}
    assert exclusion_set(index, None, target_gene="ga") == {2}
    assert exclusion_set(index, "NM_000001") == {11}  # version-less id
    with pytest.raises(MismatchError, match="NOPE"):
        exclusion_set(index, "NOPE")
    excluded = exclusion_set(index, "TGT-201", same_gene_regex="PARA")
    assert count_off_targets(index, [GUIDE], excluded).iloc[0].mm1 == 1


def test_headers_give_genes_and_utrs(index):
    assert index.names[11] == "NM_000001.1"
    assert index.genes[:3] == ["TGT", "tgt", "GA"]
    assert index.genes[11] == "PARA"
    assert index.seed_regions[9].tolist() == [80, 120] and index.seed_regions[10].tolist() == [60, 120]
    assert index.utr_annotated.tolist() == [False] * 9 + [True, True, False]
    assert index.seed_regions[2].tolist() == [0, index.lengths[2]]


@pytest.mark.parametrize("header, gene", [
    ("ENST00000269305.9 cdna chromosome:GRCh38:17:1:2:-1 gene:ENSG00000141510.18 "
     "gene_biotype:protein_coding gene_symbol:TP53 description:tumor protein p53", "TP53"),
    ("ENST00000269305.9|ENSG00000141510.18|OTTHUMG1|OTTHUMT1|TP53-201|TP53|2512|protein_coding|"
     "UTR5:1-202|CDS:203-1384|UTR3:1385-2512|", "TP53"),
    ("NM_000546.6 Homo sapiens tumor protein p53 (TP53), transcript variant 1, mRNA", "TP53"),
    ("NR_1.1 Homo sapiens (x) long intergenic (LINC00115), long non-coding RNA", "LINC00115"),
    ("lcl|x [gene=HAO1] [protein=glycolate oxidase]", "HAO1"),
    ("X1 gene:ABC", "ABC"),
    ("X2 some transcript", None),
])
def test_parse_gene(header, gene):
    assert parse_gene(header) == gene


def assert_same_index(a: TranscriptomeIndex, b: TranscriptomeIndex) -> None:
    assert (a.names, a.headers, a.genes) == (b.names, b.headers, b.genes)
    for name in ("kmer_codes", "kmer_tx", "seed_offsets", "seed_tx", "seed_regions", "lengths"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
        assert getattr(a, name).dtype == getattr(b, name).dtype


def test_cache_round_trip(fasta, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    built = load_or_build_index(fasta, cache)
    assert len(list(cache.glob("*.npz"))) == 1 and len(list(cache.glob("*.json"))) == 1

    def no_build(path):
        raise AssertionError("should have been read from the cache")

    monkeypatch.setattr(offtarget, "build_index", no_build)
    loaded = load_or_build_index(fasta, cache)
    assert_same_index(loaded, built)
    assert as_dicts(count_off_targets(loaded, [GUIDE], TARGET_EXCLUSION)) == [
        {"seed_matches": 8, "mm0": 2, "mm1": 2, "mm2": 1}]

    changed = write_fasta(tmp_path / "changed.fa", RECORDS[:3])
    with pytest.raises(AssertionError, match="cache"):  # new bytes → new key → rebuild
        load_or_build_index(changed, cache)


def test_without_sites_the_19mer_arrays_are_neither_read_nor_kept(fasta, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    built = load_or_build_index(fasta, cache, aligner="kmer", sites=False)  # built: the cache holds everything
    assert len(built.kmer_codes) == len(built.kmer_tx) == 0 and len(built.seed_tx) > 0
    monkeypatch.setattr(offtarget, "build_index", lambda path: pytest.fail("the cache was not read"))
    cached = load_or_build_index(fasta, cache, aligner="kmer", sites=False)
    assert len(cached.kmer_codes) == 0 and cached.names == built.names
    assert_same_index(load_or_build_index(fasta, cache, aligner="kmer"), build_index(fasta))


def test_corrupt_cache_is_rebuilt_and_default_dir(fasta, tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "home"))
    assert offtarget.default_index_dir() == tmp_path / "home" / "offtarget"
    load_or_build_index(fasta)
    (npz,) = (tmp_path / "home" / "offtarget").glob("*.npz")
    npz.write_bytes(b"not a zip")
    again = load_or_build_index(fasta)
    assert again.names == [h.split()[0] for h, _ in RECORDS]


@pytest.mark.parametrize("suffix", [".npz", ".json"])
@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_index_cache_is_rebuilt_and_rewritten(fasta, tmp_path, monkeypatch, suffix, how):
    cache = tmp_path / "cache"
    built = load_or_build_index(fasta, cache, aligner="kmer")
    (entry,) = cache.glob(f"*{suffix}")
    damage(entry, how)
    assert_same_index(load_or_build_index(fasta, cache, aligner="kmer"), built)
    monkeypatch.setattr(offtarget, "build_index", lambda path: pytest.fail("the rewritten cache was not read"))
    assert_same_index(load_or_build_index(fasta, cache, aligner="kmer"), built)


# The FASTA reader's own errors are tested with it (tests/seq); here: that they reach the index, and
# the letters the index adds a check for.
@pytest.mark.parametrize("text, message", [
    ("\n\n", "empty FASTA"),
    (">r1\nACGU\n>r2 x\nACGXU\n", "record r2: letter 'X' at position 4"),
])
def test_bad_fasta(tmp_path, text, message):
    path = tmp_path / "bad.fa"
    path.write_text(text)
    with pytest.raises((InputFormatError, SequenceError)) as caught:
        build_index(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_bad_utr_annotation(tmp_path):
    path = write_fasta(tmp_path / "utr.fa", [("r1 UTR3:10-500", "ACGU" * 10)])
    with pytest.raises(InputFormatError, match="record r1: UTR3:10-500 lies outside"):
        build_index(path)


def test_bad_strands_and_exclusions(index):
    with pytest.raises(SequenceError, match="row 2.*18 nt"):
        count_off_targets(index, [GUIDE, GUIDE[:18]], set())
    with pytest.raises(SequenceError, match="row 1.*'X' at position 3"):
        count_off_targets(index, ["UUXGCCGAUCAGUCCAAGGCU"], set())
    with pytest.raises(ValueRangeError):
        count_off_targets(index, [GUIDE], {99})
    assert count_off_targets(index, [], set()).shape == (0, 5)


needs_bowtie = pytest.mark.skipif(not bowtie_available(),
                                  reason="bowtie is not installed (Debian/Ubuntu package 'bowtie'; .ci/run installs it)")


@needs_bowtie
def test_bowtie_and_kmer_index_agree_on_a_random_transcriptome(tmp_path):
    rng = random.Random(11)
    records = [(f"T{i} gene=G{i % 40}", "".join(rng.choice("ACGU") for _ in range(rng.randrange(60, 400))))
               for i in range(300)]
    path = write_fasta(tmp_path / "random.fa", records)
    kmer = load_or_build_index(path, tmp_path / "cache", aligner="kmer")
    bowtie = load_or_build_index(path, tmp_path / "cache", aligner="bowtie")
    assert kmer.bowtie_prefix is None and bowtie.bowtie_prefix is not None
    # With bowtie the 19-mer arrays (most of the index's memory) are not loaded from the cache.
    assert len(bowtie.kmer_codes) == len(bowtie.kmer_tx) == 0 < len(kmer.kmer_codes)
    strands = []
    for _ in range(400):  # strands from transcript windows with 0–3 substitutions, plus random ones
        _, seq = records[rng.randrange(len(records))]
        p = rng.randrange(len(seq) - 21)
        strands.append(reverse_complement_rna(mutate(seq[p : p + 21], rng.sample(range(1, 20), rng.randrange(4)))))
    strands += ["".join(rng.choice("ACGU") for _ in range(21)) for _ in range(100)]
    for exclude in (set(), exclusion_set(kmer, None, target_gene="G3")):
        a, b = count_off_targets(kmer, strands, exclude), count_off_targets(bowtie, strands, exclude)
        pd.testing.assert_frame_equal(a, b)
    assert count_off_targets(kmer, strands, set())[["mm0", "mm1", "mm2"]].to_numpy().sum(axis=0).min() > 0


@needs_bowtie
def test_bowtie_index_is_cached(fasta, tmp_path, monkeypatch):
    from rnakit.sirna.design import bowtie

    first = load_or_build_index(fasta, tmp_path, aligner="bowtie")
    monkeypatch.setattr(bowtie, "_run", lambda *a, **k: pytest.fail("bowtie-build ran again"))
    again = offtarget.load_or_build_index(fasta, tmp_path, aligner="bowtie")
    assert again.bowtie_prefix == first.bowtie_prefix
    assert not list(tmp_path.glob(".*.part"))  # the build folder was renamed into place
    # Built in bowtie mode, the index is still cached whole for rnakit's own search, but not kept.
    assert len(first.kmer_codes) == len(again.kmer_codes) == 0
    assert len(load_or_build_index(fasta, tmp_path, aligner="kmer").kmer_codes) > 0


@needs_bowtie
@pytest.mark.parametrize("file", ["transcripts.1.ebwt", "transcripts.rev.2.ebwt", "checksums.json"])
def test_damaged_bowtie_index_is_rebuilt(fasta, tmp_path, file):
    first = load_or_build_index(fasta, tmp_path, aligner="bowtie")
    entry = first.bowtie_prefix.parent / file
    intact = entry.read_bytes()
    damage(entry, "truncated")
    again = load_or_build_index(fasta, tmp_path, aligner="bowtie")
    assert entry.read_bytes() == intact  # rebuilt before bowtie reads it: on a truncated index it may never return
    assert as_dicts(count_off_targets(again, [GUIDE], TARGET_EXCLUSION)) == [
        {"seed_matches": 8, "mm0": 2, "mm1": 2, "mm2": 1}]


def test_aligner_choice_errors(fasta, tmp_path, monkeypatch):
    with pytest.raises(ValueRangeError, match="unknown aligner 'blast'"):
        load_or_build_index(fasta, tmp_path, aligner="blast")  # type: ignore[arg-type]
    monkeypatch.setattr(offtarget, "bowtie_available", lambda: False)
    with pytest.raises(ValueRangeError, match="bowtie and bowtie-build are not on PATH"):
        load_or_build_index(fasta, tmp_path, aligner="bowtie")
    fallback = load_or_build_index(fasta, tmp_path, aligner="auto")
    assert fallback.bowtie_prefix is None and fallback.near_perfect_search == "rnakit 19-mer index"
