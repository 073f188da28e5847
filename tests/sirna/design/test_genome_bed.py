"""Issue 20, item 7: sites.bed in genome coordinates from a GTF (BED12, junction-spanning sites in blocks)."""

from __future__ import annotations

import json
import random

import pytest

from rnakit.errors import InputFormatError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design.genome import bed12_line, read_gtf_exons, to_genome, transcript_exons
from rnakit.sirna.design.report import sites_bed, write_design
from rnakit.sirna.design.targets import make_target

# Two made transcripts, each with exons at 101-110 and 201-215 (1-based, as GTF): T1 on +, T2 on −.
GTF = "".join(
    f"{chrom}\tmade\texon\t{start}\t{end}\t.\t{strand}\t.\tgene_id \"G\"; transcript_id \"{name}\";\n"
    for chrom, strand, name in (("chr1", "+", "T1.1"), ("chr2", "-", "T2")) for start, end in ((101, 110), (201, 215))
)


@pytest.fixture
def gtf(tmp_path):
    path = tmp_path / "made.gtf"
    path.write_text("#!made\nchr1\tmade\ttranscript\t101\t215\t.\t+\t.\ttranscript_id \"T1.1\";\n" + GTF)
    return path


def test_sites_map_across_exons_on_both_strands_by_hand(gtf):
    plus = transcript_exons(gtf, "T1.1", 25)
    # t[5,15): 5 nt at the end of exon 1 (g 105-110) and 5 at the start of exon 2 (g 200-205).
    assert to_genome(plus, 5, 15) == [(105, 110), (200, 205)]
    assert bed12_line(plus, 5, 15, "s1", 1) == "chr1\t105\t205\ts1\t1\t+\t105\t205\t0\t2\t5,5,\t0,95,\n"
    # On the − strand the transcript starts at exon 2's far end: t[12,20) is g 200-203 and g 105-110.
    minus = transcript_exons(gtf, "T2", 25)
    assert to_genome(minus, 12, 20) == [(105, 110), (200, 203)]
    assert bed12_line(minus, 12, 20, "s2", 3) == "chr2\t105\t203\ts2\t3\t-\t105\t203\t0\t2\t5,3,\t0,95,\n"
    assert bed12_line(minus, 0, 5, "s3", 2) == "chr2\t210\t215\ts3\t2\t-\t210\t215\t0\t1\t5,\t0,\n"


def test_transcript_ids_match_with_or_without_a_version_and_lengths_must_agree(gtf):
    assert transcript_exons(gtf, "T1", 25).id == "T1.1"
    assert transcript_exons(gtf, "T2.4", 25).id == "T2"
    assert transcript_exons(gtf, "T9", 25) is None
    with pytest.raises(InputFormatError, match="exons of T1.1 add up to 25 nt but target T1.1 is 30 nt"):
        transcript_exons(gtf, "T1.1", 30)


def test_a_malformed_gtf_line_is_named(tmp_path):
    bad = tmp_path / "bad.gtf"
    bad.write_text(GTF + "chr1\tmade\texon\t5\n")
    with pytest.raises(InputFormatError, match="bad.gtf.*row 5.*9 tab-separated GTF columns, found 4"):
        read_gtf_exons(bad)


@pytest.mark.parametrize("strand", ["+", "-"])
def test_design_sites_bed_in_genome_coordinates_reads_the_guide_site_off_the_genome(tmp_path, strand):
    rng = random.Random(5)
    genome = "".join(rng.choice("ACGU") for _ in range(1000))
    exons = [(100, 180), (300, 390), (600, 700)]  # 0-based half-open, ascending
    spliced = "".join(genome[a:b] for a, b in exons)
    transcript = spliced if strand == "+" else reverse_complement_rna(spliced)
    path = tmp_path / "g.gtf"
    path.write_text("".join(f"chrZ\tmade\texon\t{a + 1}\t{b}\t.\t{strand}\t.\ttranscript_id \"TX\";\n" for a, b in exons))
    target = make_target("TX", "TX", transcript, file="t.fa")
    design = design_target(target, DesignSettings(top=300, spacing=0, gtf_file=path))
    lines = [line.split("\t") for line in sites_bed(design).splitlines()]
    assert len(lines) == len(design.top) and any(fields[9] == "2" for fields in lines)  # some span a junction
    by_name = design.top.set_index("candidate")
    for chrom, start, end, name, _, bed_strand, _, _, _, count, sizes, starts in lines:
        pieces = [(int(start) + int(s), int(start) + int(s) + int(z))
                  for s, z in zip(starts.rstrip(",").split(","), sizes.rstrip(",").split(","))]
        read = "".join(genome[a:b] for a, b in pieces)
        # The genome blocks hold the stretch the guide pairs with: on + it is the guide's reverse complement.
        guide = by_name.loc[name, "guide"]
        assert (chrom, bed_strand, int(count)) == ("chrZ", strand, len(pieces))
        assert (reverse_complement_rna(read) if strand == "+" else read) == guide
    write_design(design, tmp_path)
    assert json.loads((tmp_path / "design.json").read_text())["sites_bed"] == {
        "coordinates": "genome", "chrom": "chrZ", "strand": strand, "gtf_transcript": "TX"}
