"""Protein-domain search against HMMER's and pyhmmer's own examples (shared ``pfam_mini`` data)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from Bio import SeqIO
from Bio.Data.CodonTable import standard_rna_table
from pyhmmer.hmmer import hmmpress
from pyhmmer.plan7 import HMMFile

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.lncrna.domains import (
    DOMAIN_COLUMNS,
    TRANSCRIPT_DOMAIN_COLUMNS,
    check_hmm_database,
    search_domains,
    transcript_domains,
    transcript_peptides,
)
from rnakit.seq.fasta import read_fasta
from tests.conftest import shared_data_or_skip

# hmmsearch --tblout prints E-values with 2 significant digits (≤ 5 % rounding error at mantissa 1.0)
# and bit scores with 1 decimal (≤ 0.05 bits). pyhmmer 0.12 runs HMMER 3.4, the oracle HMMER 3.3; we
# allow 0.01 bit of drift between them on top, which moves an E-value (∝ 2^-score) by 0.7 %.
EVALUE_REL = 0.06
SCORE_ABS = 0.06


@pytest.fixture(scope="module")
def pfam() -> Path:
    folder = shared_data_or_skip() / "pfam_mini"
    if not folder.is_dir():
        pytest.skip(f"pfam_mini not found in the shared data ({folder})")
    return folder


@pytest.fixture(scope="module")
def minifam(pfam: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial's three protein models concatenated into one ASCII database."""
    path = tmp_path_factory.mktemp("hmm") / "minifam.hmm"
    tutorial = pfam / "hmmer_tutorial"
    path.write_text("".join((tutorial / f"{name}.hmm").read_text() for name in ("globins4", "fn3", "Pkinase")))
    return path


@pytest.fixture(scope="module")
def hbb(pfam: Path) -> str:
    return read_fasta(pfam / "hmmer_tutorial" / "HBB_HUMAN")["HBB_HUMAN"]


def read_tbl(path: Path) -> dict[str, tuple[float, float]]:
    """``{target: (full-sequence E-value, bits)}`` from an hmmsearch --tblout file."""
    rows = (line.split() for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {fields[0]: (float(fields[4]), float(fields[5])) for fields in rows}


# --- search_domains against the hmmsearch oracle --------------------------------------------------------


def test_pf02826_reproduces_the_22_hits_of_hmmsearch(pfam):
    data = pfam / "pyhmmer_testdata"
    expected = read_tbl(data / "PF02826.tbl")
    # hmmsearch's default reporting threshold is E ≤ 10.
    hits = search_domains(read_fasta(data / "938293.PRJEB85.HG003687.faa"), data / "PF02826.hmm", evalue=10, cpus=1)
    assert list(hits.columns) == DOMAIN_COLUMNS
    assert len(expected) == 22
    assert sorted(hits["id"]) == sorted(expected)
    assert set(hits["domain"]) == {"2-Hacid_dh_C"} and set(hits["accession"]) == {"PF02826.20"}
    for row in hits.itertuples():
        evalue, score = expected[row.id]
        assert row.evalue == pytest.approx(evalue, rel=EVALUE_REL)
        assert row.score == pytest.approx(score, abs=SCORE_ABS)


def test_evalue_cutoff_keeps_exactly_the_oracle_hits_below_it(pfam):
    data = pfam / "pyhmmer_testdata"
    expected = read_tbl(data / "PF02826.tbl")
    hits = search_domains(read_fasta(data / "938293.PRJEB85.HG003687.faa"), data / "PF02826.hmm", evalue=1e-5, cpus=1)
    assert sorted(hits["id"]) == sorted(name for name, (evalue, _) in expected.items() if evalue <= 1e-5)
    assert (hits["evalue"] <= 1e-5).all()


def test_cut_ga_keeps_the_oracle_hits_scoring_at_least_the_gathering_threshold(pfam):
    data = pfam / "pyhmmer_testdata"
    expected = read_tbl(data / "PF02826.tbl")
    ga_line = next(line for line in (data / "PF02826.hmm").read_text().splitlines() if line.startswith("GA "))
    gathering = float(ga_line.split()[1])  # "GA    25.10 25.10;"
    hits = search_domains(read_fasta(data / "938293.PRJEB85.HG003687.faa"), data / "PF02826.hmm", cut_ga=True, cpus=1)
    assert sorted(hits["id"]) == sorted(name for name, (_, score) in expected.items() if score >= gathering)


def test_rows_follow_the_protein_order(pfam):
    data = pfam / "pyhmmer_testdata"
    proteins = read_fasta(data / "938293.PRJEB85.HG003687.faa")
    hits = search_domains(proteins, data / "PF02826.hmm", evalue=10, cpus=1)
    order = {name: i for i, name in enumerate(proteins)}
    assert list(hits["id"]) == sorted(hits["id"], key=order.__getitem__)


def test_tutorial_proteins_hit_their_domains(pfam, minifam, hbb):
    sevenless = SeqIO.read(pfam / "hmmer_tutorial" / "7LESS_DROME", "swiss")
    assert sevenless.id == "P13368"
    hits = search_domains({"7LESS_DROME": str(sevenless.seq), "HBB_HUMAN": hbb}, minifam, cpus=1)
    found = {(row.id, row.domain) for row in hits.itertuples()}
    assert found == {("7LESS_DROME", "fn3"), ("7LESS_DROME", "Pkinase"), ("HBB_HUMAN", "globins4")}
    accessions = dict(zip(hits["domain"], hits["accession"]))
    assert accessions == {"fn3": "PF00041.13", "Pkinase": "PF00069.17", "globins4": ""}


def test_pressed_and_gzipped_databases_give_the_same_hits(minifam, hbb, tmp_path):
    with HMMFile(minifam) as models:
        hmmpress(models, tmp_path / "pressed.hmm")  # writes pressed.hmm.h3m/.h3i/.h3f/.h3p only
    zipped = tmp_path / "minifam.hmm.gz"
    zipped.write_bytes(gzip.compress(minifam.read_bytes()))
    plain = search_domains({"HBB_HUMAN": hbb}, minifam, cpus=1)
    assert not plain.empty
    for other in (tmp_path / "pressed.hmm", zipped):
        assert search_domains({"HBB_HUMAN": hbb}, other, cpus=1).equals(plain)
        assert check_hmm_database(other) == 3


def test_no_proteins_gives_an_empty_table_with_the_columns(minifam):
    hits = search_domains({}, minifam)
    assert hits.empty and list(hits.columns) == DOMAIN_COLUMNS


# --- transcript_domains ---------------------------------------------------------------------------------


def back_translate(protein: str, rng: random.Random) -> str:
    """An RNA coding for ``protein``, each codon drawn at random among the synonymous ones."""
    codons: dict[str, list[str]] = {}
    for codon, amino in standard_rna_table.forward_table.items():
        codons.setdefault(amino, []).append(codon)
    return "".join(rng.choice(codons[amino]) for amino in protein)


def random_rna(length: int, rng: random.Random) -> str:
    return "".join(rng.choice("ACGU") for _ in range(length))


@pytest.fixture(scope="module")
def globin_transcript(hbb) -> tuple[str, str]:
    """(RNA, nucleotide span of its coding part): AUG + back-translated HBB + UAA between random flanks.

    The 5' flank ends with an in-frame UAA so no upstream AUG can extend the designed ORF.
    """
    rng = random.Random(8)
    five = random_rna(57, rng) + "UAA"
    rna = five + "AUG" + back_translate(hbb, rng) + "UAA" + random_rna(90, rng)
    return rna, f"{len(five) + 1}-{len(five) + 3 * (len(hbb) + 1)}"


def shuffled(rna: str, seed: int = 1) -> str:
    letters = list(rna)
    random.Random(seed).shuffle(letters)
    return "".join(letters)


@pytest.mark.parametrize("frames, prefix", [("longest", "orf"), ("three", "frame1")])
def test_globin_found_in_a_back_translated_transcript_not_in_its_shuffle(minifam, globin_transcript, frames, prefix):
    rna, span = globin_transcript
    records = [("globin", rna.replace("U", "T").lower()), ("control", shuffled(rna))]
    hits = transcript_domains(records, minifam, frames=frames, cpus=1)
    assert list(hits.columns) == TRANSCRIPT_DOMAIN_COLUMNS
    assert list(hits["transcript_id"]) == ["globin"]
    assert list(hits["domain"]) == ["globins4"]
    assert list(hits["peptide"]) == [f"{prefix}:{span}"]
    assert hits["evalue"].iloc[0] < 1e-20


def test_peptides_shorter_than_min_length_are_not_searched(minifam, globin_transcript, hbb):
    rna, _ = globin_transcript
    # The globin stretch between stops is M + HBB: len(hbb) + 1 amino acids.
    assert transcript_domains([("globin", rna)], minifam, frames="three", min_length=len(hbb) + 2).empty
    assert not transcript_domains([("globin", rna)], minifam, frames="three", min_length=len(hbb) + 1).empty


def test_transcript_evalues_use_the_number_of_models_and_ignore_the_batch(minifam, globin_transcript):
    rna, _ = globin_transcript
    alone = transcript_domains([("globin", rna)], minifam, cpus=1)
    crowd = [("globin", rna)] + [(f"c{i}", shuffled(rna, seed=i)) for i in range(5)]
    batch = transcript_domains(crowd, minifam, cpus=1)
    assert batch.equals(alone)
    # E = P × Z, and the default Z is the 3 models of the database.
    as_scan = transcript_domains([("globin", rna)], minifam, Z=3, cpus=1)
    doubled = transcript_domains([("globin", rna)], minifam, Z=6, cpus=1)
    assert as_scan.equals(alone)
    assert doubled["evalue"].iloc[0] == pytest.approx(2 * alone["evalue"].iloc[0], rel=1e-9)


def test_transcript_peptides_by_hand():
    # Frame 1: AUG GCC UAA GGG UGG UGA -> M A * G W *; frame 2: UGG CCU AAG GGU GGU (GA) -> W P K G G;
    # frame 3: GGC CUA AGG GUG GUG (A) -> G L R V V. Longest AUG…stop ORF: AUG GCC UAA (nt 1-9).
    rna = "AUGGCCUAAGGGUGGUGA"
    assert transcript_peptides(rna) == [("orf:1-6", "MA")]
    assert transcript_peptides(rna, frames="three", min_length=2) == [
        ("frame1:1-6", "MA"),
        ("frame1:10-15", "GW"),
        ("frame2:2-16", "WPKGG"),
        ("frame3:3-17", "GLRVV"),
    ]
    longer = transcript_peptides(rna, frames="three", min_length=3)
    assert longer == [("frame2:2-16", "WPKGG"), ("frame3:3-17", "GLRVV")]
    assert transcript_peptides("GGGCCCAAA") == []


# --- bad input --------------------------------------------------------------------------------------------


def test_nucleotide_model_is_refused_naming_file_and_model(pfam, minifam, hbb, tmp_path):
    made1 = pfam / "hmmer_tutorial" / "MADE1.hmm"
    with pytest.raises(InputFormatError, match=r"MADE1\.hmm: model 'MADE1' is a DNA profile"):
        search_domains({"HBB_HUMAN": hbb}, made1)
    # After a protein model, HMMFile reports only an alphabet mismatch; the message still names MADE1.
    mixed = tmp_path / "mixed.hmm"
    mixed.write_text(minifam.read_text() + made1.read_text())
    with pytest.raises(InputFormatError, match=r"mixed\.hmm: model 'MADE1' is not an amino-acid profile"):
        check_hmm_database(mixed)


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty HMM file"),
        (">HBB_HUMAN\nVHLTPEEKSAVTALWGKV\n", "not a readable HMMER3 profile file"),
        (None, "HMM file not found"),
    ],
)
def test_unreadable_database_is_one_clear_error(tmp_path, hbb, content, message):
    path = tmp_path / "db.hmm"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputFormatError, match=message) as info:
        search_domains({"HBB_HUMAN": hbb}, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_truncated_database_is_refused(minifam, tmp_path):
    text = minifam.read_text()
    cut = text[: text.rindex("//")]  # the last model (Pkinase) loses its '//' line
    path = tmp_path / "cut.hmm"
    path.write_text(cut)
    with pytest.raises(InputFormatError, match="truncated HMM file"):
        check_hmm_database(path)


def test_cut_ga_needs_gathering_thresholds(minifam, hbb):
    with pytest.raises(InputFormatError, match="model 'globins4' has no GA gathering threshold"):
        search_domains({"HBB_HUMAN": hbb}, minifam, cut_ga=True)


def test_bad_sequences_and_options_name_the_record(minifam):
    with pytest.raises(SequenceError, match=r"record P1: letter '1' at position 3"):
        search_domains({"P1": "MK1V"}, minifam)
    with pytest.raises(SequenceError, match=r"record t1: letter 'X'"):
        transcript_domains([("t1", "AUGXUAA")], minifam)
    with pytest.raises(SequenceError, match="record t1: duplicate transcript id"):
        transcript_domains([("t1", "AUGUAA"), ("t1", "AUGUAA")], minifam)
    with pytest.raises(ValueRangeError, match="frames"):
        transcript_domains([("t1", "AUGUAA")], minifam, frames="six")  # type: ignore[arg-type]
    with pytest.raises(ValueRangeError, match="E-value cutoff"):
        search_domains({"P1": "MKV"}, minifam, evalue=0)
