"""Issue 20, item 8: the web app's design form and API offer the seed-Tm, immune-motif and miRNA-seed
filters and the modification pattern (order.tsv among the downloads), each as the CLI does."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.seq.fasta import read_fasta
from rnakit.sirna.design.options import example_target
from tests.serve.helpers import serving, wait_until
from tests.serve.test_api_errors import as_field, assert_error, cli_error, error_box
from tests.serve.test_api import run_cli


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as client:
        yield client


def test_the_form_offers_the_new_options(client):
    page = client.get("/design").text
    for field in ('name="max_seed_tm"', 'name="immune_motifs"', 'name="mirna_file" type="file"', 'list="pattern-names"',
                  '<option value="unmodified-dTdT">', '<option value="esc">', "IUPAC"):
        assert field in page


def test_design_with_every_new_option_matches_the_cli_and_offers_order_tsv(client, tmp_path):
    sequence = next(iter(read_fasta(example_target()).values())).replace("T", "U")
    mirna = tmp_path / "mir.fa"  # a made miRNA whose seed is the guide of the site at 301
    mirna.write_text(f">made-miR\n{reverse_complement_rna(sequence[300:321])}\n")
    options = {"top": "3", "max_seed_tm": "21.5", "immune_motifs": "true", "pattern": "unmodified-dTdT"}
    submitted = client.post("/api/design", data={"example": "true", **options},
                            files={"mirna_file": ("mir.fa", mirna.read_bytes(), "text/plain")})
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["cli"] == ("rnakit sirna design --example -o OUT --top 3 --max-seed-tm 21.5 --immune-motifs "
                                       "--mirna mir.fa --modification-pattern unmodified-dTdT")
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done", status
    names = {f["name"]: f["url"] for f in status["files"]}
    assert "order.tsv" in names
    result = client.get(status["result_url"]).json()
    run_cli("sirna", "design", "--example", "-o", str(tmp_path / "cli"), "--top", "3", "--max-seed-tm", "21.5",
            "--immune-motifs", "--mirna", str(mirna), "--modification-pattern", "unmodified-dTdT")
    expected = json.loads((tmp_path / "cli" / "design.json").read_text())
    assert result["funnel"] == expected["funnel"] and result["top"] == expected["top"]
    assert {row["filter"] for row in result["funnel"]} >= {"seed_tm", "immune", "mirna_seed"}
    assert next(row for row in result["funnel"] if row["filter"] == "mirna_seed")["rejects"] >= 1
    order = client.get(names["order.tsv"]).text
    assert order == (tmp_path / "cli" / "order.tsv").read_text()
    assert len(pd.read_csv(tmp_path / "cli" / "order.tsv", sep="\t")) == 6
    assert 'id="download-order"' in client.get(status["page_url"]).text


def test_a_bad_mirna_upload_gives_the_cli_message_naming_the_upload(client, tmp_path, monkeypatch):
    (tmp_path / "bad.fa").write_text(">m1\nUAGCXUAUCAGACUGAUGUUGA\n")
    expected = cli_error(monkeypatch, tmp_path, "sirna", "design", "--example", "-o", "out", "--mirna", "bad.fa")
    assert "bad.fa" in expected
    files = {"mirna_file": ("bad.fa", (tmp_path / "bad.fa").read_bytes(), "text/plain")}
    assert_error(client.post("/api/design", data={"example": "true"}, files=files), 422, expected)
    page = client.post("/design", data={"example": "1", "max_seed_tm": "20"}, files=files)
    assert page.status_code == 422 and error_box(page.text) == expected
    assert 'name="max_seed_tm" value="20"' in page.text


def test_a_pattern_that_does_not_fit_is_refused_as_the_cli_refuses_it(client, tmp_path, monkeypatch):
    expected = cli_error(monkeypatch, tmp_path, "sirna", "design", "--example", "-o", "out", "--modification-pattern", "esc")
    assert expected.startswith("option '--modification-pattern': pattern 'esc' spells")
    assert_error(client.post("/api/design", data={"example": "true", "pattern": "esc"}), 422, as_field(expected))
