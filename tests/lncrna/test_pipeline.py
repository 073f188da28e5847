"""The lincRNA filter end to end on a hand-built genome, and on the shared dm6 / FEELnc toy data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit import outputs
from rnakit.lncrna import pipeline
from rnakit.lncrna.gtf import read_gtf
from rnakit.lncrna.pipeline import FILTERS, TABLE_COLUMNS, FilterInputs, FilterSettings, filter_transcripts, run_filter
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from tests.conftest import shared_data_or_skip

MARKER = "GGGGGGGGGG"  # what the stand-in coding model below calls coding
SENSE_CODONS = [a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT" if a + b + c not in ("TAA", "TAG", "TGA")]
# One codon per amino acid, to write a protein back as an ORF.
BACK = {"A": "GCT", "R": "CGT", "N": "AAC", "D": "GAC", "C": "TGC", "Q": "CAG", "E": "GAA", "G": "GGT", "H": "CAC",
        "I": "ATC", "L": "CTG", "K": "AAA", "M": "ATG", "F": "TTC", "P": "CCT", "S": "TCT", "T": "ACC", "W": "TGG",
        "Y": "TAC", "V": "GTT"}
HBB_HUMAN = ("VHLTPEEKSAVTALWGKVNVDEVGGEALGRLLVVYPWTQRFFESFGDLSTPDAVMGNPKVKAHGKKVLGAFSDGLAHLDNLKGTFATLSELHCDKLHVD"
             "PENFRLLGNVLVCVLAHHFGKEFTPPVQAAYQKVVAGVANALAHKYH")


def orf_free_dna(n: int, rng: random.Random) -> str:
    """Random DNA with no ATG on either strand (no CAT), hence no ORF at all."""
    out: list[str] = []
    while len(out) < n:
        letter = rng.choice("ACGT")
        if "".join(out[-2:]) + letter not in ("ATG", "CAT"):
            out.append(letter)
    return "".join(out)


def gtf(chrom, feature, start, end, strand, attributes):
    return f"{chrom}\ttest\t{feature}\t{start}\t{end}\t.\t{strand}\t.\t{attributes}\n"


def exons(tid, strand, *spans, gene=None, chrom="chr1", extra=""):
    gene = gene or "G" + tid
    return "".join(gtf(chrom, "exon", a, b, strand, f'gene_id "{gene}"; transcript_id "{tid}";{extra}') for a, b in spans)


@dataclass
class Case:
    genome: Path
    genome_text: str
    transcripts: Path
    known: Path
    annotation: Path
    folder: Path

    def inputs(self, **changes) -> FilterInputs:
        values = dict(transcripts=self.transcripts, annotation=self.annotation, genome=self.genome,
                      known_lncrna=self.known)
        values.update(changes)
        return FilterInputs(**values)


def build_case(folder: Path) -> Case:
    """chr1 (20 kb, no ORF anywhere) with one coding gene, one snoRNA, and nine candidates, each made to
    fall at a known filter (see EXPECTED)."""
    rng = random.Random(8)
    chrom = list(orf_free_dna(20_000, rng))

    def put(position: int, dna: str) -> None:  # 1-based
        chrom[position - 1 : position - 1 + len(dna)] = dna

    orf250 = "ATG" + "".join(rng.choice(SENSE_CODONS) for _ in range(249)) + "TAA"
    put(10_051, orf250)                                   # L4: a 250-aa ORF
    put(16_101, reverse_complement_rna(orf250.replace("T", "U")).replace("U", "T"))  # L7: on the minus strand
    put(12_301, MARKER)                                   # L8: "coding" for the stand-in model
    put(18_101, "ATG" + "".join(BACK[a] for a in HBB_HUMAN) + "TAA")  # L9: a globin, 147 aa
    genome_text = "".join(chrom)
    (folder / "genome.fa").write_text(">chr1 test\n" + "\n".join(genome_text[i : i + 70] for i in range(0, 20_000, 70)) + "\n")
    annotation = (
        gtf("chr1", "gene", 5001, 6300, "+", 'gene_id "C"; gene_biotype "protein_coding";')
        + exons("C1", "+", (5001, 5300), (6001, 6300), gene="C", extra=' gene_biotype "protein_coding";')
        + gtf("chr1", "CDS", 5101, 6200, "+", 'gene_id "C"; transcript_id "C1";')
        + exons("S1", "+", (15_001, 15_080), gene="S", extra=' gene_biotype "snoRNA";')
    )
    (folder / "annotation.gtf").write_text(annotation)
    assembled = (
        exons("L1", "+", (501, 900), (1201, 1500))       # same intron chain as the known K1
        + exons("L2", "-", (5101, 5250))                 # antisense over C1's exon 1
        + exons("L3", "+", (8001, 8150))                 # 150 nt
        + exons("L4", "+", (10_001, 10_900))
        + exons("L5", "+", (14_901, 15_300))             # over the snoRNA
        + exons("L6", "+", (6401, 6800))                 # 100 nt after C1: within the 1-kb flank
        + exons("L7", ".", (16_001, 16_900))             # unstranded, ORF on the minus strand
        + exons("L8", "+", (12_001, 12_700))
        + exons("L9", "+", (18_001, 18_800))
    )
    (folder / "assembled.gtf").write_text(assembled)
    (folder / "known.gtf").write_text(exons("K1", "+", (451, 900), (1201, 1550), gene="KG", extra=' gene_name "KNOWN1";'))
    return Case(folder / "genome.fa", genome_text, folder / "assembled.gtf", folder / "known.gtf",
                folder / "annotation.gtf", folder)


EXPECTED = {"K1": "", "L2": "location", "L3": "length", "L4": "orf", "L5": "housekeeping", "L6": "location",
            "L7": "orf", "L8": "coding_potential", "L9": ""}
SETTINGS = FilterSettings(max_orf_aa=200)  # the globin (147 aa) passes the ORF filter, to reach the domain filter


class MarkerModel:
    """Stand-in for the CPAT-style model, so these tests check the pipeline, not the model: a sequence
    is coding exactly when it contains MARKER (as RNA)."""

    threshold = 0.5

    def score(self, records):
        rows = []
        for name, sequence in records:
            probability = 0.9 if MARKER in sequence.upper() else 0.1
            rows.append({"id": name, "mRNA_size": len(sequence), "ORF_size": 0, "Fickett_score": 0.0,
                         "Hexamer_score": 0.0, "coding_prob": probability,
                         "label": "coding" if probability >= self.threshold else "noncoding"})
        return pd.DataFrame(rows)


@pytest.fixture
def case(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pipeline.CodingModel, "load", classmethod(lambda cls, path=None: MarkerModel()))
    return build_case(tmp_path)


def test_each_transcript_stops_at_its_filter(case):
    result = filter_transcripts(case.inputs(), SETTINGS)
    table = result.table.set_index("id")
    assert list(result.table.columns) == TABLE_COLUMNS
    assert table["first_rejected_by"].to_dict() == EXPECTED
    assert table.loc["K1", ["source", "merged_ids", "gene_id"]].tolist() == ["known", "L1", "KG"]
    assert table["class"].to_dict() == {"K1": "u", "L2": "x", "L3": "u", "L4": "u", "L5": "u", "L6": "p", "L7": "u",
                                        "L8": "u", "L9": "u"}
    assert table.loc["L6", ["nearest_coding_gene", "coding_distance"]].tolist() == ["C", 100]
    assert table.loc["K1", ["length", "exons", "start", "end"]].tolist() == [450 + 350, 2, 451, 1550]
    assert table["longest_orf_aa"].to_dict() == {"K1": 0, "L2": 0, "L3": 0, "L4": 250, "L5": 0, "L6": 0, "L7": 250,
                                                 "L8": 0, "L9": 147}
    assert table.loc["L5", "housekeeping_overlap"] == "S1(snoRNA)"
    assert table["domains"].isna().all()  # no --hmm
    assert any("no HMM database" in note for note in result.notes)
    assert result.kept_ids == ["K1", "L9"]


def test_funnel_counts(case):
    result = filter_transcripts(case.inputs(), SETTINGS)
    funnel = {row["filter"]: (row["fail"], row["rejected"], row["left"]) for row in result.funnel}
    assert list(funnel) == ["input", *FILTERS]
    assert funnel == {
        "input": (0, 0, 9),
        "location": (2, 2, 7),          # L2 (x), L6 (p)
        "length": (2, 1, 6),            # L2 and L3 are 150 nt; L2 already went
        "exons": (0, 0, 6),
        "orf": (2, 2, 4),               # L4, L7 (250 aa)
        "coding_potential": (1, 1, 3),  # L8
        "housekeeping": (1, 1, 2),      # L5
        "domains": (0, 0, 2),           # not applied without --hmm
    }


def test_settings_move_transcripts_between_filters(case):
    table = filter_transcripts(case.inputs(), FilterSettings(keep_classes=("u", "p"), min_exons=2)).table
    rejected = table.set_index("id")["first_rejected_by"].to_dict()
    assert rejected["L6"] == "exons" and rejected["L9"] == "exons" and rejected["K1"] == ""
    table = filter_transcripts(case.inputs(), FilterSettings()).table  # default: ORF < 100 aa
    assert table.set_index("id").loc["L9", "first_rejected_by"] == "orf"


def test_without_known_lncrnas_the_assembled_transcript_stays(case):
    table = filter_transcripts(case.inputs(known_lncrna=None), SETTINGS).table.set_index("id")
    assert "K1" not in table.index and table.loc["L1", ["source", "first_rejected_by"]].tolist() == ["assembled", ""]


def test_domain_filter_with_pfam_mini_globin(case):
    hmm = shared_data_or_skip() / "pfam_mini" / "hmmer_tutorial" / "globins4.hmm"
    result = filter_transcripts(case.inputs(hmm=hmm), SETTINGS)
    table = result.table.set_index("id")
    assert table.loc["L9", "domains"] == "globins4" and table.loc["L9", "first_rejected_by"] == "domains"
    assert table.loc["K1", "domains"] == ""  # searched, nothing found
    assert table.loc[[k for k, v in EXPECTED.items() if v], "domains"].isna().all()  # rejected earlier: not searched
    assert result.kept_ids == ["K1"]


def test_outputs_are_written_together(case):
    out = case.folder / "out"
    run_filter(case.inputs(), SETTINGS, out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*pipeline.OUTPUT_FILES, outputs.MARKER])
    written = read_gtf(out / "lincrna.gtf")
    assert list(written) == ["K1", "L9"] and written["K1"].exons == ((451, 900), (1201, 1550))
    assert 'gene_name "KNOWN1";' in (out / "lincrna.gtf").read_text()  # the known file's own lines
    sequences = read_fasta(out / "lincrna.fa")
    genome = case.genome_text
    assert sequences["K1"] == genome[450:900] + genome[1200:1550]
    assert sequences["L9"] == genome[18_000:18_800]
    table = pd.read_csv(out / "transcripts.tsv", sep="\t", keep_default_na=False)
    assert len(table) == 9 and table.set_index("id").loc["L3", "first_rejected_by"] == "length"
    report = (out / "report.html").read_text()
    assert "data:image/png;base64," in report and "Filter funnel" in report and "housekeeping" in report


def test_failure_leaves_the_output_folder_untouched(case):
    out = case.folder / "out"
    out.mkdir()
    (out / "previous.txt").write_text("keep me")
    (case.folder / "other.gtf").write_text(exons("T1", "+", (1, 300), chrom="chrUn"))
    with pytest.raises(InputFormatError, match="transcript T1 is on contig 'chrUn', which the genome lacks"):
        run_filter(case.inputs(transcripts=case.folder / "other.gtf"), SETTINGS, out, force=True)
    assert [p.name for p in out.iterdir()] == ["previous.txt"]
    assert not [p for p in case.folder.iterdir() if p.name.startswith(".out.")]


@pytest.mark.parametrize(
    ("settings", "column"),
    [(FilterSettings(keep_classes=("u", "z")), "keep_classes"), (FilterSettings(keep_classes=()), "keep_classes"),
     (FilterSettings(flank=-1), "flank"), (FilterSettings(min_exons=0), "min_exons"),
     (FilterSettings(max_orf_aa=0), "max_orf_aa"), (FilterSettings(domain_frames="six"), "domain_frames"),
     (FilterSettings(domain_evalue=0), "domain_evalue")],
)
def test_bad_settings(case, settings, column):
    with pytest.raises(ValueRangeError) as caught:
        filter_transcripts(case.inputs(), settings)
    assert caught.value.column == column


def test_sequences_from_genome_or_transcript_fasta_but_not_both(case):
    with pytest.raises(InputFormatError, match="exactly one"):
        filter_transcripts(case.inputs(transcript_fasta=case.genome), SETTINGS)
    with pytest.raises(InputFormatError, match="exactly one"):
        filter_transcripts(case.inputs(genome=None), SETTINGS)


def test_ambiguity_codes_in_the_genome_are_scored_as_unknown_bases(tmp_path, monkeypatch):
    """The shipped model reads ACGUN only; a genome's R/Y/… must not stop the run."""
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    dna = orf_free_dna(3000, random.Random(2))
    (tmp_path / "g.fa").write_text(f">chr1\n{dna[:1000]}RYKMSWBDHV{dna[1010:]}\n")
    (tmp_path / "t.gtf").write_text(exons("T1", "+", (501, 1500)))
    (tmp_path / "a.gtf").write_text(exons("C1", "+", (2501, 2900), extra=' gene_biotype "protein_coding";'))
    result = filter_transcripts(FilterInputs(transcripts=tmp_path / "t.gtf", annotation=tmp_path / "a.gtf",
                                             genome=tmp_path / "g.fa"))
    assert result.kept_ids == ["T1"] and "RYKMSWBDHV" in result.sequences["T1"]
