"""The flat API for hybridisation and coding potential, the three requests (JSON, field-named errors),
and one request giving identical results through the CLI, the web app and Python."""

from __future__ import annotations

import io
import json
import shlex

import pandas as pd
import pytest
import RNA
from Bio.Seq import Seq
from Bio.SeqRecord import SeqRecord
from typer.testing import CliRunner

import rnakit
from rnakit.cli import app
from rnakit.errors import InputFormatError, SequenceError
from rnakit.hybrid import HybridRequest, hybridise
from rnakit.hybrid.formats import TSV_COLUMNS
from rnakit.lncrna import CodingRequest, LncrnaFilterRequest, coding_potential
from rnakit.lncrna.coding import SCORE_COLUMNS
from rnakit.requests import RequestError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design.options import example_target
from tests.lncrna.test_pipeline import build_case
from tests.serve.helpers import serving

LET7A = "UGAGGUAGUAGGUUGUAUAGUU"
SITE_AT = 30  # the planted site starts after 30 nt: target nts 31-52 (1-based)
TARGET = "GCAUCCGAUCCGCAUCCGAUCCGCAUCCGA" + reverse_complement_rna(LET7A) + "GCAUCCGAUCCGCAUCCGAU"
# GAPDH, RefSeq NM_002046 (bundled): 1,285 nt whose CDS is 335 codons + stop = 1,008 nt (UniProt P04406: 335 aa)
GAPDH_LENGTH, GAPDH_CDS = 1285, 1008
runner = CliRunner()


def cli(*args: object):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))


# --- the flat API --------------------------------------------------------------------------------

def test_hybridise_finds_the_planted_let7a_site():
    table = rnakit.hybridise(LET7A, TARGET)
    assert list(table.columns) == list(TSV_COLUMNS)  # the CLI's --format tsv columns
    (hit,) = table.to_dict("records")
    assert (hit["query_id"], hit["target_id"]) == ("query", "target")
    assert (hit["target_first"], hit["target_last"], hit["n_pairs"]) == (SITE_AT + 1, SITE_AT + 22, 22)
    assert hit["energy"] == pytest.approx(RNA.duplexfold(TARGET, LET7A).energy)  # ViennaRNA, independently
    assert pd.isna(hit["p_value"])
    assert rnakit.hybridise(LET7A, TARGET, p_values="3utr_human").loc[0, "p_value"] < 1e-3


def test_hybridise_readme_example_equals_viennarna():
    # with the seed helix forced, the 23-nt target holds one site: the second hit asked for is not there
    table = rnakit.hybridise(LET7A, "CUAUGCAACCUACUACCUCAGGA", helix=(2, 8), hits=2, p_values="3utr_human")
    assert len(table) == 1 and table.loc[0, "n_pairs"] == 20
    assert table.loc[0, "energy"] == pytest.approx(RNA.duplexfold("CUAUGCAACCUACUACCUCAGGA", LET7A).energy)
    assert 0 < table.loc[0, "p_value"] < 1e-3


def test_hybridise_takes_paths_strings_seqrecords_and_lists(tmp_path):
    (tmp_path / "q.fa").write_text(f">let-7a\n{LET7A}\n")
    records = [SeqRecord(Seq(TARGET), id="utr1"), SeqRecord(Seq(TARGET[10:]), id="utr2")]
    by_path = hybridise(tmp_path / "q.fa", records)
    by_text = hybridise(str(tmp_path / "q.fa"), records)
    by_pairs = hybridise([("let-7a", LET7A)], {"utr1": TARGET, "utr2": TARGET[10:]})
    assert by_path.equals(by_text) and by_path.equals(by_pairs)
    assert by_path["target_id"].tolist() == ["utr1", "utr2"] and by_path["query_id"].tolist() == ["let-7a"] * 2
    assert by_path["target_first"].tolist() == [SITE_AT + 1, SITE_AT - 9]
    assert hybridise([LET7A, LET7A[:20]], TARGET)["query_id"].tolist() == ["query1", "query2"]


def test_hybridise_errors_name_the_field_or_the_record(tmp_path):
    with pytest.raises(RequestError, match="^field 'hits': 0 must be ≥ 1$"):
        hybridise(LET7A, TARGET, hits=0)
    with pytest.raises(RequestError, match="^field 'format': not an option of rnakit.hybridise"):
        hybridise(LET7A, TARGET, format="json")
    with pytest.raises(SequenceError, match="^record query2: column 'query': letter 'X'"):
        hybridise([LET7A, "ACGXU"], TARGET)
    with pytest.raises(InputFormatError, match="missing.fa: no such file"):
        hybridise(str(tmp_path / "missing.fa"), TARGET)


def test_coding_potential_of_gapdh_and_a_repeat():
    gapdh = SeqRecord(Seq(next(iter(_fasta(example_target()).values()))), id="GAPDH")
    table = rnakit.coding_potential([gapdh, "ACGUUAGC" * 60])
    assert list(table.columns) == list(SCORE_COLUMNS) == ["id", "mRNA_size", "ORF_size", "Fickett_score",
                                                          "Hexamer_score", "coding_prob", "label"]
    assert table["id"].tolist() == ["GAPDH", "sequence2"]
    assert table["mRNA_size"].tolist() == [GAPDH_LENGTH, 480] and table["ORF_size"].tolist() == [GAPDH_CDS, 0]
    assert table["label"].tolist() == ["coding", "noncoding"]
    pd.testing.assert_frame_equal(coding_potential(example_target()).drop(columns="id"),
                                  table.iloc[:1].drop(columns="id"))


def _fasta(path) -> dict[str, str]:
    from rnakit.seq.fasta import read_fasta

    return read_fasta(path)


# --- the requests --------------------------------------------------------------------------------

@pytest.mark.parametrize("request_", [
    HybridRequest(helix=(2, 8), hits=3, p_values="3utr_human", p_cutoff=0.05, format="tsv"),
    HybridRequest(evd=(-20.5, 3.0), energy_cutoff=-15.0),
    CodingRequest(model=None),
    LncrnaFilterRequest.from_dict({"transcripts": "a.gtf", "annotation": "b.gtf", "out": "o", "genome": "g.fa",
                                   "keep_classes": "u,p", "min_length": 300, "domain_evalue": 1e-3, "force": True}),
], ids=["hybrid", "hybrid-evd", "coding", "lncrna-filter"])
def test_json_round_trip(request_):
    assert type(request_).from_json(request_.to_json()) == request_
    assert json.loads(request_.to_json())  # plain JSON: paths as strings, tuples as lists


@pytest.mark.parametrize("cls, values, field, flag, detail", [
    (HybridRequest, {"max_bulge": 31}, "max_bulge", "--max-bulge", "31 is outside 0–30"),
    (HybridRequest, {"helix": "8,2"}, "helix", "--helix", "helix 8,2 must satisfy 1 ≤ FROM ≤ TO"),
    (HybridRequest, {"p_values": "3utr_fly"}, "p_values", "--p-values",
     "unknown mode or parameter set '3utr_fly' (known: none, calibrate, 3utr_human)"),
    (HybridRequest, {"evd": "1,2", "p_values": "calibrate"}, "evd", "--evd", "give one of --p-values and --evd, not both"),
    (HybridRequest, {"hits": "many"}, "hits", "--hits", "'many' is not a whole number"),
    (LncrnaFilterRequest, {"transcripts": "a.gtf", "annotation": "b.gtf", "out": "o", "min_exons": 0},
     "min_exons", "--min-exons", "must be ≥ 1, not 0"),
    (LncrnaFilterRequest, {"transcripts": "a.gtf", "out": "o"}, "annotation", "--annotation", "required"),
])
def test_errors_name_the_field_and_the_cli_its_flag(cls, values, field, flag, detail):
    with pytest.raises(RequestError) as caught:
        cls.from_dict(values)
    assert str(caught.value) == f"field '{field}': {detail}"
    assert caught.value.for_cli() == f"option '{flag}': {detail}"


# --- one request, three doors --------------------------------------------------------------------

def _cli_args(request, **files) -> list[str]:
    """The request's own command line with its file placeholders swapped for real paths."""
    words = shlex.split(request.cli_command(**{k: k for k in files}))[1:]
    return [str(files.get(word, word)) for word in words]


def test_hybridise_cli_web_and_python_agree(tmp_path):
    queries = f">let-7a\n{LET7A}\n>let-7a-3p\n{LET7A[2:]}\n"
    targets = f">utr1\n{TARGET}\n>utr2\n{TARGET + TARGET}\n"  # utr2 holds the site twice
    (tmp_path / "q.fa").write_text(queries)
    (tmp_path / "t.fa").write_text(targets)
    request = HybridRequest(helix=(2, 8), hits=2, p_values="3utr_human", format="tsv", out=tmp_path / "hits.tsv")

    cli(*_cli_args(request, query=tmp_path / "q.fa", target=tmp_path / "t.fa"))
    by_cli = pd.read_csv(tmp_path / "hits.tsv", sep="\t")
    options = {k: v for k, v in request.to_dict().items() if k not in ("query", "target", "format", "out")}
    by_python = rnakit.hybridise(tmp_path / "q.fa", tmp_path / "t.fa", **options)
    with serving(tmp_path / "server") as client:
        response = client.post("/api/hybridise", json={"query": queries, "target": targets, **options})
        assert response.status_code == 200, response.text
        body = response.json()
    by_web = pd.DataFrame(body["result"]["hits"], columns=list(TSV_COLUMNS))

    twice = by_cli[(by_cli["target_id"] == "utr2") & (by_cli["query_id"] == "let-7a")]
    assert sorted(twice["target_first"]) == [SITE_AT + 1, len(TARGET) + SITE_AT + 1]
    assert by_cli["p_value"].notna().all()
    pd.testing.assert_frame_equal(by_python, by_cli)
    pd.testing.assert_frame_equal(by_web, by_cli)
    assert body["cli"] == request.cli_command(query="query.fa", target="target.fa").replace(
        f" --format tsv --out {tmp_path / 'hits.tsv'}", "")


def test_coding_potential_cli_web_and_python_agree(tmp_path):
    fasta = example_target().read_text() + f">repeat\n{'ACGUUAGC' * 60}\n"
    (tmp_path / "t.fa").write_text(fasta)
    request = CodingRequest(fasta=tmp_path / "t.fa", out=tmp_path / "coding.tsv")
    cli(*_cli_args(request))
    written = (tmp_path / "coding.tsv").read_text()
    by_python = io.StringIO()
    request.write(rnakit.coding_potential(tmp_path / "t.fa"), by_python)
    with serving(tmp_path / "server") as client:
        job = client.post("/api/coding-potential", json={"fasta": fasta}).json()
        served = client.get(f"/api/jobs/{job['id']}/files/coding.tsv").text
    assert written == by_python.getvalue() == served
    assert pd.read_csv(io.StringIO(written), sep="\t")["label"].tolist() == ["coding", "noncoding"]


def test_lncrna_filter_cli_and_python_agree(tmp_path):
    case = build_case(tmp_path)
    request = LncrnaFilterRequest(transcripts=case.transcripts, annotation=case.annotation, genome=case.genome,
                                  out=tmp_path / "by_cli", max_orf_aa=200, keep_classes=("u", "p"))
    cli(*_cli_args(request))
    result = LncrnaFilterRequest.from_json(request.to_json().replace("by_cli", "by_python")).run()
    by_cli = pd.read_csv(tmp_path / "by_cli" / "transcripts.tsv", sep="\t", keep_default_na=False)
    by_python = pd.read_csv(tmp_path / "by_python" / "transcripts.tsv", sep="\t", keep_default_na=False)
    pd.testing.assert_frame_equal(by_cli, by_python)
    assert sorted(result.kept_ids) == sorted(by_cli.loc[by_cli["first_rejected_by"] == "", "id"])
    assert set(by_cli["class"]) - {"u", "p"} and set(result.table.loc[result.table["first_rejected_by"] == "", "class"]) <= {"u", "p"}
