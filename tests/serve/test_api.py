"""The JSON API and the pages on their happy paths, each checked against what the CLI gives for the same input."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app as cli_app
from rnakit.sirna.design.options import example_target
from rnakit.seq.fasta import read_fasta
from tests.conftest import ANTISENSE, EXAMPLES, SENSE, TARGET_DNA
from tests.serve.helpers import serving, wait_until

cli = CliRunner()
MIRNA = "UAGCUUAUCAGACUGAUGUUGA"  # miR-21


def run_cli(*args: str) -> None:
    result = cli.invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as client:
        yield client


def test_design_on_the_bundled_example_matches_the_cli(client, tmp_path):
    submitted = client.post("/api/design", data={"example": "true", "top": "5"})
    assert submitted.status_code == 202
    job = submitted.json()
    assert job["kind"] == "design" and job["state"] in ("queued", "running") and job["files"] == []
    assert job["cli"] == "rnakit sirna design --example -o OUT --top 5"
    status = wait_until(client, job["id"])
    assert status["state"] == "done", status
    assert status["progress"][:4] == ["candidates", "filters", "efficacy", "ranking"]
    names = {f["name"]: f["url"] for f in status["files"]}
    assert set(names) == {"candidates.tsv", "top.fasta", "sites.bed", "design.json", "report.html", "efficacy.png"}

    result = client.get(status["result_url"]).json()
    run_cli("sirna", "design", "--example", "-o", str(tmp_path / "cli"), "--top", "5")
    expected = json.loads((tmp_path / "cli" / "design.json").read_text())
    assert result["top"] == expected["top"] and len(result["top"]) == 5
    assert (result["candidates"], result["passed"], result["funnel"]) == (expected["candidates"], expected["passed"], expected["funnel"])

    candidates = client.get(names["candidates.tsv"])
    assert candidates.status_code == 200 and "attachment" in candidates.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(candidates.text), sep="\t")
    assert len(table) == result["candidates"] and table["chosen"].sum() == 5
    assert client.get(names["top.fasta"]).text == (tmp_path / "cli" / "top.fasta").read_text()
    assert client.get(names["efficacy.png"]).content.startswith(b"\x89PNG\r\n\x1a\n")

    page = client.get(status["page_url"])
    assert page.status_code == 200
    html = page.text
    assert 'id="result-table"' in html and 'id="efficacy-plot"' in html and 'data-state="done"' in html
    body = html.split('id="result-table"')[1].split("</tbody>")[0]
    assert body.count("<tr>") - 1 == 5  # header row + the 5 picks
    for link, name in (("download-candidates", "candidates.tsv"), ("download-top", "top.fasta"),
                       ("download-report", "report.html")):
        assert f'id="{link}" href="{names[name]}"' in html
    assert result["top"][0]["guide"] in html
    assert '<code id="cli-command">rnakit sirna design --example -o OUT --top 5</code>' in html


def test_design_from_an_uploaded_gzipped_fasta_with_options(client):
    sequence = next(iter(read_fasta(example_target()).values()))[:400]
    upload = gzip.compress(f">part GAPDH start\n{sequence}\n".encode())
    submitted = client.post("/api/design", data={"length": "19", "top": "3", "skip_filters": "start_codon,runs"},
                            files={"target_file": ("part.fa.gz", upload, "application/gzip")})
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["cli"] == "rnakit sirna design part.fa.gz -o OUT --length 19 --top 3 --skip-filters start_codon,runs"
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done", status
    result = client.get(status["result_url"]).json()
    assert result["target"]["record"] == "part" and result["target"]["length"] == 400
    assert result["settings"]["lengths"] == [19] and not result["settings"]["filters"]["start_codon"]
    assert {len(row["guide"]) for row in result["top"]} == {19} and len(result["top"]) == 3


def test_pasted_bare_sequence_is_one_record(client):
    sequence = next(iter(read_fasta(example_target()).values()))[:300]
    submitted = client.post("/api/design", data={"target_text": sequence, "top": "2"})
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done"
    assert client.get(status["result_url"]).json()["target"]["record"] == "pasted"


def write_pairs(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_predict_json_rows_match_the_cli(client, tmp_path):
    rows = [{"id": "a", "guide": ANTISENSE, "passenger": SENSE}, {"id": "b", "guide": SENSE[::-1], "passenger": ANTISENSE[::-1]}]
    response = client.post("/api/predict", json={"rows": rows, "transcript": TARGET_DNA})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "done" and body["result"]["model"] == "unmodified"
    predicted = {r["id"]: r["mRNA_remaining_pct"] for r in body["result"]["rows"]}

    data = write_pairs(tmp_path / "pairs.csv", [{**r, "transcript": TARGET_DNA} for r in rows])
    run_cli("sirna", "predict", "--model", "unmodified", "--data", str(data), "--id-col", "id", "--guide-col", "guide",
            "--passenger-col", "passenger", "--transcript-col", "transcript", "-o", str(tmp_path / "p.csv"))
    expected = pd.read_csv(tmp_path / "p.csv", dtype={"id": str})
    assert predicted == pytest.approx(dict(zip(expected["id"], expected["mRNA_remaining_pct"])))
    download = client.get(f"/api/jobs/{body['id']}/files/predictions.csv")
    assert list(pd.read_csv(io.StringIO(download.text)).columns) == ["id", "mRNA_remaining_pct"]


def test_predict_with_a_pattern_uses_the_competition_model(client):
    pattern = " ".join(["n"] * 23) + " ; " + " ".join(["n"] * 21)
    response = client.post("/api/predict", json={"rows": [{"guide": ANTISENSE, "passenger": SENSE}], "pattern": pattern,
                                                 "conc_nm": 1.0, "transcript": TARGET_DNA})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["model"] == "default" and result["rows"][0]["id"] == "1"
    assert isinstance(result["rows"][0]["mRNA_remaining_pct"], float)


def test_predict_uploaded_competition_table_matches_the_cli(client, tmp_path):
    source = EXAMPLES / "tiny_sirna.csv"
    submitted = client.post("/api/predict/upload", files={"file": ("tiny_sirna.csv", source.read_bytes(), "text/csv")})
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["cli"] == "rnakit sirna predict --model default --data tiny_sirna.csv -o predictions.csv"
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done", status
    run_cli("sirna", "predict", "--model", "default", "--data", str(source), "-o", str(tmp_path / "p.csv"))
    served = client.get(f"/api/jobs/{status['id']}/files/predictions.csv").text
    assert pd.read_csv(io.StringIO(served)).equals(pd.read_csv(tmp_path / "p.csv"))
    rows = client.get(status["result_url"]).json()["rows"]
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 13)]


def test_hybridise_matches_the_cli(client, tmp_path):
    site = "".join({"A": "U", "U": "A", "G": "C", "C": "G"}[b] for b in reversed(MIRNA))
    target = "GGAUCCAUGCUUGACCGAUUACG" + site + "CCAAGUUACGGAUCCAUGC"
    response = client.post("/api/hybridise", json={"query": f">miR-21\n{MIRNA}\n", "target": target, "helix": "2,8",
                                                   "p_values": "3utr_human"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cli"] == "rnakit hybrid search --query query.fa --target target.fa --helix 2,8 --p-values 3utr_human"
    (tmp_path / "q.fa").write_text(f">miR-21\n{MIRNA}\n")
    (tmp_path / "t.fa").write_text(f">target\n{target}\n")
    for fmt, key in (("json", "hits"), ("rnahybrid", "rnahybrid")):
        out = tmp_path / f"hits.{fmt}"
        run_cli("hybrid", "search", "-q", str(tmp_path / "q.fa"), "-t", str(tmp_path / "t.fa"), "-f", "2,8",
                "-s", "3utr_human", "--format", fmt, "-o", str(out))
        expected = json.loads(out.read_text()) if fmt == "json" else out.read_text()
        assert body["result"][key] == expected
    hit = body["result"]["hits"][0]
    assert hit["target_first"] == 24 and hit["n_pairs"] >= 20 and hit["p_value"] < 0.01
    page = client.get(body["page_url"]).text
    assert 'id="hybrid-drawing"' in page and "miRNA  3&#39;" in page and 'id="download-hits"' in page


def test_coding_potential_matches_the_cli(client, tmp_path):
    gapdh = next(iter(read_fasta(example_target()).values()))
    fasta = f">GAPDH\n{gapdh}\n>noncoding\n{'ACGUUAGC' * 60}\n"
    (tmp_path / "t.fa").write_text(fasta)
    run_cli("lncrna", "coding-potential", str(tmp_path / "t.fa"), "-o", str(tmp_path / "c.tsv"))
    expected = pd.read_csv(tmp_path / "c.tsv", sep="\t").to_dict(orient="records")
    pasted = client.post("/api/coding-potential", json={"fasta": fasta})
    uploaded = client.post("/api/coding-potential/upload", files={"file": ("t.fa", fasta.encode(), "text/plain")})
    for response in (pasted, uploaded):
        assert response.status_code == 200, response.text
        assert response.json()["result"]["rows"] == expected
    assert [r["label"] for r in expected] == ["coding", "noncoding"]
    assert uploaded.json()["cli"] == "rnakit lncrna coding-potential t.fa --out coding.tsv"
    served = client.get(f"/api/jobs/{uploaded.json()['id']}/files/coding.tsv").text
    assert served == (tmp_path / "c.tsv").read_text()


def test_schema_limits_and_transcriptomes_are_served(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/design", "/api/predict", "/api/predict/upload", "/api/hybridise", "/api/coding-potential",
                 "/api/jobs/{job_id}", "/api/jobs/{job_id}/result", "/api/jobs/{job_id}/files/{name}"):
        assert path in schema["paths"], path
    assert "/design" not in schema["paths"]  # pages are not API
    assert client.get("/docs").status_code == 200
    limits = client.get("/api/limits").json()
    assert limits["max_upload_bytes"] == 20 * 2**20 and limits["max_query_nt"] == 30 and limits["max_jobs"] == 2
    assert client.get("/api/transcriptomes").json() == {"transcriptomes": []}


@pytest.mark.parametrize("page, ids", [
    ("/design", ["design-form", "target-text", "target-file", "length", "top", "transcriptome", "design-submit", "design-example"]),
    ("/predict", ["predict-form", "predict-pairs", "predict-pattern", "predict-file", "predict-submit"]),
    ("/hybridise", ["hybrid-form", "hybrid-query", "hybrid-target", "hybrid-helix", "hybrid-submit"]),
    ("/coding", ["coding-form", "coding-fasta", "coding-file", "coding-submit"]),
])
def test_pages_carry_the_contract_ids_and_their_cli_command(client, page, ids):
    html = client.get(page).text
    for element in ids + ["nav-design", "nav-predict", "nav-hybridise", "nav-coding", "cli-command"]:
        assert f'id="{element}"' in html, element
    assert 'id="error"' not in html
    command = re.search(r'<code id="cli-command">([^<]*)</code>', html).group(1)
    assert command.startswith("rnakit ")


def test_design_page_example_button_redirects_to_the_job_page(client):
    response = client.post("/design", data={"example": "1", "top": "3"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    job_id = response.headers["location"].rsplit("/", 1)[1]
    page = client.get(response.headers["location"]).text
    assert f'<code id="job-id">{job_id}</code>' in page and 'src="/static/job.js"' in page
    assert wait_until(client, job_id)["state"] == "done"
    assert 'id="result-table"' in client.get(f"/jobs/{job_id}").text  # rendered from disk on reload


def test_predict_page_pasted_pairs_show_a_table(client):
    response = client.post("/predict", data={"pairs": f"si1 {ANTISENSE} {SENSE}\n\n{ANTISENSE},{SENSE}\n"})
    assert response.status_code == 200  # followed the 303
    html = response.text
    assert 'id="result-table"' in html and 'id="download-predictions"' in html and ">si1<" in html


def test_static_files_are_served(client):
    for name in ("style.css", "job.js", "forms.js"):
        assert client.get(f"/static/{name}").status_code == 200
