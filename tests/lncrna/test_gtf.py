"""GTF reading/writing and transcript sequences from a genome or a transcript FASTA."""

from __future__ import annotations

import gzip
import os
import stat

import pyfastx
import pytest

from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import Genome, Transcript, TranscriptFasta, gtf_lines, parse_attributes, read_gtf, write_gtf
from rnakit.seq.fasta import read_fasta
from tests.conftest import DAMAGE, damage, shared_data_or_skip


def gtf_line(chrom, feature, start, end, strand, attributes, source="test"):
    return f"{chrom}\t{source}\t{feature}\t{start}\t{end}\t.\t{strand}\t.\t{attributes}\n"


GTF = (
    "# a comment line\n"
    + gtf_line("chr1", "gene", 1, 40, "+", 'gene_id "G1"; gene_biotype "protein_coding";')
    + gtf_line("chr1", "exon", 21, 30, "+", 'gene_id "G1"; transcript_id "T1"; gene_biotype "protein_coding"; exon_number "2";')
    + gtf_line("chr1", "exon", 1, 8, "+", 'gene_id "G1"; transcript_id "T1"; gene_biotype "protein_coding"; exon_number "1";')
    + gtf_line("chr1", "CDS", 3, 8, "+", 'gene_id "G1"; transcript_id "T1";')
    + "\n"
    + gtf_line("chr2", "transcript", 5, 20, "-", 'gene_id "G2"; transcript_id "T2"; transcript_type "lncRNA"; level 2;')
    + gtf_line("chr2", "exon", 5, 20, "-", 'gene_id "G2"; transcript_id "T2"; exon_number "1";')
)


def test_read_gtf_groups_exons_by_transcript(tmp_path):
    path = tmp_path / "a.gtf"
    path.write_text(GTF)
    transcripts = read_gtf(path)
    assert list(transcripts) == ["T1", "T2"]
    t1, t2 = transcripts["T1"], transcripts["T2"]
    assert t1.exons == ((1, 8), (21, 30))  # sorted, whatever the file order
    assert (t1.start, t1.end, t1.length, t1.introns) == (1, 30, 8 + 10, ((9, 20),))
    assert (t1.gene_id, t1.biotype, t1.has_cds, t1.strand) == ("G1", "protein_coding", True, "+")
    assert (t2.chrom, t2.strand, t2.biotype, t2.has_cds, t2.introns) == ("chr2", "-", "lncRNA", False, ())
    assert t2.attributes["level"] == "2"  # unquoted values are read too


def test_read_gtf_gzipped(tmp_path):
    path = tmp_path / "a.gtf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(GTF)
    assert read_gtf(path) == read_gtf_text(tmp_path, GTF)


def test_read_gtf_drops_a_leading_byte_order_mark(tmp_path):
    text = "".join(line for line in GTF.splitlines(keepends=True) if "\tchr2\t" in f"\t{line}")
    path = tmp_path / "bom.gtf"
    path.write_bytes(("\ufeff" + text).encode())  # the mark stands before the first contig name
    transcripts = read_gtf(path)
    assert transcripts["T2"].chrom == "chr2"  # not "\ufeffchr2"
    assert transcripts == read_gtf_text(tmp_path, text)


def read_gtf_text(tmp_path, text, name="b.gtf", **kwargs):
    path = tmp_path / name
    path.write_text(text)
    return read_gtf(path, **kwargs)


def test_parse_attributes_keeps_the_first_of_a_repeated_key():
    assert parse_attributes('gene_id "G"; tag "basic"; tag "CCDS"; exon_number 3;') == {
        "gene_id": "G", "tag": "basic", "exon_number": "3"}


def test_written_gtf_keeps_original_lines_and_reads_back_the_same(tmp_path):
    transcripts = read_gtf_text(tmp_path, GTF, keep_lines=True)
    out = tmp_path / "out.gtf"
    with open(out, "w") as handle:
        write_gtf(transcripts.values(), handle)
    written = out.read_text().splitlines()
    def structure(t):
        return (t.chrom, t.strand, t.exons, t.gene_id, t.biotype)

    # CDS lines are not written: the output describes transcripts, not their coding parts.
    assert {k: structure(t) for k, t in read_gtf(out).items()} == {k: structure(t) for k, t in transcripts.items()}
    # T2's transcript and exon lines come back verbatim; T1 had none, so one is made from its span.
    assert GTF.splitlines()[-2] in written and GTF.splitlines()[-1] in written
    t1_line = next(line for line in written if "\ttranscript\t" in line and '"T1"' in line)
    assert t1_line.split("\t")[3:5] == ["1", "30"]
    assert written.index(t1_line) < min(i for i, line in enumerate(written) if "\texon\t" in line and '"T1"' in line)


def test_lines_are_written_anew_when_not_kept():
    transcript = Transcript("T9", "c", "-", ((5, 9), (20, 24)), gene_id="G9")
    lines = gtf_lines(transcript)
    assert [line.split("\t")[2:5] for line in lines] == [["transcript", "5", "24"], ["exon", "5", "9"], ["exon", "20", "24"]]
    assert all('transcript_id "T9";' in line and line.split("\t")[6] == "-" for line in lines)


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("", None, None, "empty GTF"),
        ("# only a header\n\n", None, None, "empty GTF"),
        ("chr1\ttest\texon\t1\t10\t.\t+\n", 1, None, "9 tab-separated"),
        ("chr1 test exon 1 10 . + . x\n", 1, None, "found 1"),
        (gtf_line("c", "exon", "x1", 10, "+", 'transcript_id "T";'), 1, "start", "not an integer"),
        (gtf_line("c", "exon", 1, "10.5", "+", 'transcript_id "T";'), 1, "end", "not an integer"),
        (gtf_line("c", "exon", 20, 10, "+", 'transcript_id "T";'), 1, "start", "after end"),
        (gtf_line("c", "exon", 0, 10, "+", 'transcript_id "T";'), 1, "start", "below 1"),
        ("# x\n" + gtf_line("c", "exon", 1, 10, "?", 'transcript_id "T";'), 2, "strand", "'?'"),
        (gtf_line("c", "exon", 1, 10, "+", 'gene_id "G";'), 1, "attributes", "no transcript_id"),
        (gtf_line("c", "exon", 1, 10, "+", "ID=e1;Parent=t1"), 1, "attributes", "GFF3"),
        (gtf_line("c", "exon", 1, 10, "+", 'transcript_id "T";') + gtf_line("d", "exon", 20, 30, "+", 'transcript_id "T";'),
         2, None, "on c (+) at line 1 but on d (+)"),
        (gtf_line("c", "exon", 1, 10, "+", 'transcript_id "T";') + gtf_line("c", "exon", 10, 30, "+", 'transcript_id "T";'),
         1, None, "overlapping exons"),
        (gtf_line("c", "CDS", 1, 10, "+", 'transcript_id "T";'), 1, None, "no exon or transcript line"),
    ],
)
def test_bad_gtf_names_file_line_and_field(tmp_path, text, row, column, words):
    with pytest.raises(InputFormatError) as caught:
        read_gtf_text(tmp_path, text, name="bad.gtf")
    error = caught.value
    assert error.file.endswith("bad.gtf") and error.row == row and error.column == column
    assert words in str(error)


def test_missing_gtf(tmp_path):
    with pytest.raises(InputFormatError, match="no such file"):
        read_gtf(tmp_path / "absent.gtf")


# ------------------------------------------------------------------------------------ genome
CHROM = "AAAACCCCGGGGTTTTACGT"  # 20 nt


@pytest.fixture
def genome_dir(tmp_path):
    folder = tmp_path / "genome"
    folder.mkdir()
    (folder / "g.fa").write_text(f">chr1 first contig\n{CHROM[:12]}\n{CHROM[12:]}\n>chr2\nACGTACGTAC\n")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)  # read-only, like the shared data folder
    yield folder
    folder.chmod(stat.S_IRWXU)


def test_spliced_sequence_on_each_strand(genome_dir, tmp_path):
    genome = Genome(genome_dir / "g.fa", index_dir=tmp_path / "index")
    assert genome.lengths == {"chr1": 20, "chr2": 10}
    plus = Transcript("p", "chr1", "+", ((1, 4), (9, 12)))
    minus = Transcript("m", "chr1", "-", ((1, 4), (9, 12)))
    assert genome.sequence(plus) == "AAAAGGGG"
    assert genome.sequence(minus) == "CCCCUUUU"  # reverse complement of AAAAGGGG
    assert genome.sequence(Transcript("u", "chr1", ".", ((17, 20),))) == "ACGU"


def test_genome_index_goes_to_the_cache_and_is_reused(genome_dir, tmp_path):
    index_dir = tmp_path / "index"
    Genome(genome_dir / "g.fa", index_dir=index_dir)
    assert sorted(os.listdir(genome_dir)) == ["g.fa"]  # nothing written beside the genome
    (index,) = index_dir.glob("*.fxi")
    link = index.with_suffix("")
    assert link.is_symlink() and link.resolve() == (genome_dir / "g.fa").resolve()
    assert sorted(index_dir.iterdir()) == sorted([index, link])  # no scratch folder left
    mtime = index.stat().st_mtime_ns
    Genome(genome_dir / "g.fa", index_dir=index_dir)
    assert index.stat().st_mtime_ns == mtime  # reused, not rebuilt


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_genome_index_is_rebuilt(genome_dir, tmp_path, how):
    index_dir = tmp_path / "index"
    transcript = Transcript("p", "chr1", "+", ((1, 4), (9, 12)))
    first = Genome(genome_dir / "g.fa", index_dir=index_dir)
    expected = first.lengths, first.sequence(transcript)
    del first  # it reads the index file damaged below
    (index,) = index_dir.glob("*.fxi")
    damage(index, how)
    again = Genome(genome_dir / "g.fa", index_dir=index_dir)
    assert (again.lengths, again.sequence(transcript)) == expected
    assert list(pyfastx.Fasta(str(index.with_suffix(""))).keys()) == ["chr1", "chr2"]  # readable again


@pytest.mark.parametrize("name", ["bom.fa", "bom.fa.gz"])
def test_genome_with_a_byte_order_mark_is_read(tmp_path, name):
    # pyfastx refuses such a file, so the index is built on a copy without the mark; the input is untouched.
    data = f"\ufeff>chr1 first contig\n{CHROM}\n".encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    before = path.read_bytes()
    genome = Genome(path, index_dir=tmp_path / "index")
    assert genome.lengths == {"chr1": 20}
    assert genome.sequence(Transcript("p", "chr1", "+", ((1, 4), (9, 12)))) == "AAAAGGGG"
    assert path.read_bytes() == before
    assert Genome(path, index_dir=tmp_path / "index").lengths == {"chr1": 20}  # the cached index is reused


def test_genome_check_names_transcript_and_contig(genome_dir, tmp_path):
    genome = Genome(genome_dir / "g.fa", index_dir=tmp_path / "index")
    genome.check([Transcript("ok", "chr2", "+", ((1, 10),))])
    with pytest.raises(InputFormatError, match=r"transcript T7 is on contig 'chrX', which the genome lacks"):
        genome.check([Transcript("T7", "chrX", "+", ((1, 10),))])
    with pytest.raises(InputFormatError, match=r"transcript T8 ends at chr2:11, beyond the contig's 10 nt"):
        genome.check([Transcript("T8", "chr2", "+", ((1, 4), (8, 11)))])


@pytest.mark.parametrize(("content", "words"), [("", "empty genome"), ("chr1\tx\n", "not FASTA"),
                                                 ("\n\nACGT\n", "not FASTA")])
def test_bad_genome(tmp_path, content, words):
    path = tmp_path / "g.fa"
    path.write_text(content)
    with pytest.raises(InputFormatError, match=words) as caught:
        Genome(path, index_dir=tmp_path / "index")
    assert caught.value.file == str(path)


def test_transcript_fasta(tmp_path):
    path = tmp_path / "t.fa"
    path.write_text(">T1 desc\nacgtt\n>T2\nGGG\n")
    source = TranscriptFasta(path)
    source.check([Transcript("T1", "c", "-", ((1, 5),))])
    assert source.sequence(Transcript("T1", "c", "-", ((1, 5),))) == "ACGUU"  # as written: already on its strand
    with pytest.raises(InputFormatError, match="transcript T3 has no record in the transcript FASTA"):
        source.check([Transcript("T3", "c", "+", ((1, 5),))])


def test_dm6_spliced_mrnas_match_flybase_transcriptome(tmp_path):
    """Oracle: the 309 FlyBase mRNA sequences equal their exons spliced from the genome."""
    folder = shared_data_or_skip() / "lincrna_toy" / "lcdb_dm6"
    transcripts = read_gtf(folder / "dm6.small.gtf")
    genome = Genome(folder / "dm6.small.fa", index_dir=tmp_path / "index")
    mrnas = read_fasta(folder / "dm6.small.transcriptome.fa")
    assert len(mrnas) == 309 and len(transcripts) == 356
    strands = {transcripts[tid].strand for tid in mrnas}
    assert strands == {"+", "-"}
    assert all(genome.sequence(transcripts[tid]) == seq.upper().replace("T", "U") for tid, seq in mrnas.items())


def test_feelnc_transcript_fasta_matches_gtf_lengths():
    folder = shared_data_or_skip() / "lincrna_toy" / "feelnc_dog_chr38"
    transcripts = read_gtf(folder / "candidate_lncRNA.gtf")
    source = TranscriptFasta(folder / "candidate_lncRNA.gtf.fa")
    source.check(transcripts.values())
    assert len(transcripts) == 341
    assert all(len(source.sequence(t)) == t.length for t in transcripts.values())
