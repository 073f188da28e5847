"""What the web app shows (issue 19, item 6): /docs offline, p-values on the Hybridise page, the design
result page's efficacy.png link, rank note and filter rules."""

from __future__ import annotations

import re

import pytest

from tests.serve.helpers import serving, wait_until

MIRNA = "UAGCUUAUCAGACUGAUGUUGA"  # miR-21


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as client:
        yield client


def test_docs_page_names_no_outside_host_and_lists_every_endpoint(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert re.search(r"https?://", page) is None and "<script" not in page
    schema = client.get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in page, (method, path)
    # a request body's fields with their defaults: the design form's length field, default "21"
    assert "<td><code>length</code></td><td>string</td><td></td><td>&quot;21&quot;</td>" in page
    assert client.get("/redoc").status_code == 404  # FastAPI's ReDoc page also loads from a CDN


def test_hybridise_page_offers_p_values_and_the_form_gives_them(client):
    page = client.get("/hybridise").text
    select = page[page.index('<select id="hybrid-p-values" name="p_values">'):]
    assert '<option value="3utr_human">' in select[: select.index("</select>")]
    site = "".join({"A": "U", "U": "A", "G": "C", "C": "G"}[b] for b in reversed(MIRNA))
    target = "GGAUCCAUGCUUGACCGAUUACG" + site + "CCAAGUUACGGAUCCAUGC"
    response = client.post("/hybridise", data={"query": f">miR-21\n{MIRNA}\n", "target": target, "helix": "2,8",
                                                "hits": "1", "p_values": "3utr_human"})
    assert response.status_code == 200  # followed the redirect to the job page
    header = response.text.split('id="result-table"')[1].split("</thead>")[0]
    assert "<th>p_value</th>" in header


def test_design_result_page_links_efficacy_png_and_explains_ranks_and_rules(client):
    job = client.post("/api/design", data={"example": "true", "top": "3"}).json()
    status = wait_until(client, job["id"])
    assert status["state"] == "done", status
    url = {f["name"]: f["url"] for f in status["files"]}["efficacy.png"]
    page = client.get(status["page_url"]).text
    assert f'<img id="efficacy-plot" src="{url}"' in page
    assert f'<a id="download-efficacy" href="{url}" download="efficacy.png">' in page
    assert client.get(url).content.startswith(b"\x89PNG\r\n\x1a\n")
    result = client.get(status["result_url"]).json()
    assert f"place among all {result['passed']:,} candidates that pass the filters" in page
    funnel = page.split('id="funnel-table"')[1].split("</table>")[0]
    assert "<td>gc</td><td>GC content of guide 1–19 is 30%–64%</td>" in funnel
    header = page.split('id="result-table"')[1].split("</thead>")[0]
    assert re.findall(r"<th>([^<]*)</th>", header)[:5] == ["rank", "candidate", "start", "end", "predicted_remaining_pct"]
