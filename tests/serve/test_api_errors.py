"""Every class of bad request: the server answers 4xx with the CLI's one-line message, never a traceback,
never reads more than its limit, never serves a file outside a job's results, and bounds its jobs."""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import re
import time

import pytest
from typer.testing import CliRunner

from rnakit.cli import app as cli_app
from rnakit.serve.jobs import Job, JobStore
from rnakit.serve.limits import BodySizeLimit
from tests.conftest import ANTISENSE, COMPETITION_HEADER, SENSE, competition_row, write_rows
from tests.serve.helpers import release, serving, until, wait_until
from tests.serve.standins import STARTED, blocking_job, sleeping_job

cli = CliRunner()


def cli_error(monkeypatch, folder, *args: str) -> str:
    """The one-line message the CLI prints (without 'error: ') when run in ``folder`` on relative paths."""
    monkeypatch.chdir(folder)
    result = cli.invoke(cli_app, list(args))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0].removeprefix("error: ")


def as_field(message: str) -> str:
    """The web's form of a CLI message: the request names the field where the command line names its flag."""
    from rnakit.sirna.design.request import DesignRequest

    fields = {flag: name for name, flag in DesignRequest.FLAGS.items()}
    return re.sub(r"^option '(--[a-z-]+)'", lambda m: f"field '{fields[m.group(1)]}'", message)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as client:
        yield client


def error_box(page: str) -> str | None:
    """The text of the page's #error box (None when it has none)."""
    found = re.search(r'<div id="error" class="error" role="alert">([^<]*)</div>', page)
    return None if found is None else html.unescape(found.group(1))


def assert_error(response, status: int, message: str | None = None) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and "Traceback" not in body["error"]
    if message is not None:
        assert body["error"] == message
    return body["error"]


GAPDH_START = "GCUCUCUGCUCCUCCUGUUCGACAGUCAGCCGCAUCUUCUUUUGCGUCGCCAGCCGAGCCACAUCGCUCAGACACCAUGGGGAAGGUGAAGGUCGGAGUC"
FASTA_CASES = {
    "wrong alphabet": f">t1 test\n{GAPDH_START[:40]}X{GAPDH_START[41:]}\n",
    "empty": "",
    "truncated": f">t1 test\n{GAPDH_START}\n>t2 cut here\n",
    "not fasta": "ACGU is a sequence but this is no FASTA\n>t1\nACGU\n".replace("ACGU is", "# ACGU is"),
    "several records": f">t1\n{GAPDH_START}\n>t2\n{GAPDH_START}\n",
}


@pytest.mark.parametrize("case", FASTA_CASES)
def test_bad_design_target_gives_the_cli_message(client, tmp_path, monkeypatch, case):
    (tmp_path / "bad.fa").write_text(FASTA_CASES[case])
    expected = cli_error(monkeypatch, tmp_path, "sirna", "design", "bad.fa", "-o", "out")
    assert "bad.fa" in expected
    response = client.post("/api/design", files={"target_file": ("bad.fa", FASTA_CASES[case].encode(), "text/plain")})
    assert_error(response, 422, expected)
    page = client.post("/design", files={"target_file": ("bad.fa", FASTA_CASES[case].encode(), "text/plain")},
                       data={"top": "7"})
    assert page.status_code == 422 and error_box(page.text) == expected
    assert 'id="top" name="top" value="7"' in page.text  # the form comes back as it was filled in


def test_unknown_record_and_bad_options_give_the_cli_messages(client, tmp_path, monkeypatch):
    (tmp_path / "t.fa").write_text(FASTA_CASES["several records"])
    for options in (["--record", "t9"], ["--length", "25"], ["--length", "2x"], ["--gc", "30:64"], ["--top", "0"],
                    ["--skip-filters", "gc,colour"], ["--pattern", "n n Q ; n"], ["--overhang", "9"]):
        expected = cli_error(monkeypatch, tmp_path, "sirna", "design", "t.fa", "-o", "out", *options)
        name, value = options[0].removeprefix("--").replace("-", "_"), options[1]
        response = client.post("/api/design", data={name: value},
                               files={"target_file": ("t.fa", FASTA_CASES["several records"].encode(), "text/plain")})
        assert_error(response, 422, as_field(expected))


@pytest.mark.parametrize("options", [["--gc", "90-10"], ["--gc", "10-120"], ["--conc-nm", "-1"], ["--hours", "nan"],
                                     ["--same-gene", "("]])
def test_every_design_option_is_checked_when_the_job_is_submitted(client, tmp_path, monkeypatch, options):
    expected = cli_error(monkeypatch, tmp_path, "sirna", "design", "--example", "-o", "out", *options)
    name, value = options[0].removeprefix("--").replace("-", "_"), options[1]
    assert expected.startswith(f"option '{options[0]}': ")
    assert_error(client.post("/api/design", data={"example": "true", name: value}), 422, as_field(expected))
    page = client.post("/design", data={"example": "1", name: value})
    assert page.status_code == 422 and error_box(page.text) == as_field(expected)


def test_a_target_must_be_given_once(client):
    assert_error(client.post("/api/design", data={}), 422,
                 "column 'target': give one target: paste a FASTA, upload one, or use the bundled example")
    message = assert_error(client.post("/api/design", data={"example": "true", "target_text": "ACGU"}), 422)
    assert message.endswith("(not several)")


def test_bad_predict_table_gives_the_cli_message(client, tmp_path, monkeypatch):
    header = [c for c in COMPETITION_HEADER if c != "siRNA_sense_seq"]
    tables = {
        "missing column": ([competition_row()], header),
        "wrong alphabet": ([competition_row(), competition_row(id=2, siRNA_antisense_seq=ANTISENSE[:6] + "J" + ANTISENSE[7:])], None),
        "not the competition format": ([{"a": 1, "b": 2}], ["a", "b"]),
    }
    for rows, columns in tables.values():
        path = write_rows(tmp_path / "bad.csv", rows, header=columns)
        expected = cli_error(monkeypatch, tmp_path, "sirna", "predict", "--model", "default", "--data", "bad.csv", "-o", "p.csv")
        response = client.post("/api/predict/upload", files={"file": ("bad.csv", path.read_bytes(), "text/csv")})
        assert_error(response, 422, expected)


def test_bad_pasted_sirnas_name_the_row_and_column(client, tmp_path, monkeypatch):
    bad = ANTISENSE[:6] + "J" + ANTISENSE[7:]
    write_rows(tmp_path / "pairs.csv", [{"guide": ANTISENSE, "passenger": SENSE}, {"guide": bad, "passenger": SENSE}],
               header=["guide", "passenger"])
    expected = cli_error(monkeypatch, tmp_path, "sirna", "predict", "--model", "unmodified", "--data", "pairs.csv",
                         "--guide-col", "guide", "--passenger-col", "passenger", "-o", "p.csv")
    response = client.post("/api/predict", json={"rows": [{"guide": ANTISENSE, "passenger": SENSE}, {"guide": bad, "passenger": SENSE}]})
    assert_error(response, 422, expected.replace("pairs.csv", "pasted siRNAs"))
    page = client.post("/predict", data={"pairs": f"{ANTISENSE} {SENSE}\n{bad} {SENSE}"})
    assert page.status_code == 422 and error_box(page.text) == expected.replace("pairs.csv", "pasted siRNAs")
    short = client.post("/api/predict", json={"rows": [{"guide": ANTISENSE}], "pattern": "n n ; n"})
    assert assert_error(short, 422).startswith("pasted siRNAs: row 1: column 'guide': pattern has 2 nucleotides")
    assert_error(client.post("/api/predict", json={"rows": []}), 422, "pasted siRNAs: no siRNAs given (one per line: GUIDE PASSENGER)")


def test_infinite_conditions_are_refused_like_nan(client):
    # 1e999 is valid JSON for a number, and Python reads it as infinity.
    for field in ("hours", "conc_nm"):
        body = f'{{"rows": [{{"guide": "{ANTISENSE}"}}], "{field}": 1e999}}'
        response = client.post("/api/predict", content=body, headers={"content-type": "application/json"})
        assert_error(response, 422, f"field '{field}': inf is not a finite number")


def test_bad_hybridisation_input_gives_the_cli_message(client, tmp_path, monkeypatch):
    cases = [(">q1\n" + "ACGU" * 8 + "\n", ">t1\n" + "ACGU" * 20 + "\n"),  # query of 32 nt
             (">q1\nUAGCUUAUCAGACUGAUGUUGA\n", ">t1\nACGUACGUXACGU\n"),  # bad letter in the target
             ("", ">t1\nACGUACGU\n")]  # nothing pasted
    for query, target in cases:
        (tmp_path / "q.fa").write_text(query)
        (tmp_path / "t.fa").write_text(target)
        expected = cli_error(monkeypatch, tmp_path, "hybrid", "search", "-q", "q.fa", "-t", "t.fa")
        response = client.post("/api/hybridise", json={"query": query, "target": target})
        assert_error(response, 422, expected.replace("q.fa", "pasted query").replace("t.fa", "pasted target"))
    helix = client.post("/api/hybridise", json={"query": "UAGCUUAUCAGACUGAUGUUGA", "target": "ACGU" * 10, "helix": "2-8"})
    assert_error(helix, 422, "field 'helix': '2-8' is not FROM,TO (two whole numbers)")
    calibrate = client.post("/api/hybridise", json={"query": "UAGCUUAUCAGACUGAUGUUGA", "target": "ACGU" * 10,
                                                    "p_values": "calibrate"})
    assert_error(calibrate, 422, "field 'p_values': calibration runs on the command line only (rnakit hybrid search "
                                 "--p-values calibrate); here choose one of none, 3utr_human")


def test_bad_coding_input_gives_the_cli_message(client, tmp_path, monkeypatch):
    for text in (">a\nACGUQ\n", ""):
        (tmp_path / "bad.fa").write_text(text)
        expected = cli_error(monkeypatch, tmp_path, "lncrna", "coding-potential", "bad.fa", "-o", "c.tsv")
        response = client.post("/api/coding-potential/upload", files={"file": ("bad.fa", text.encode(), "text/plain")})
        assert_error(response, 422, expected)


def test_requests_that_do_not_match_the_schema_are_one_line_422(client):
    assert_error(client.post("/api/predict", json={}), 422, "rows: Field required")
    message = assert_error(client.post("/api/hybridise", json={"query": "A", "target": "A", "hits": "many"}), 422)
    assert message.startswith("hits: ")
    assert_error(client.post("/api/predict", content=b"{not json", headers={"content-type": "application/json"}), 422)


def test_limits_on_sequence_length_rows_and_work(tmp_path):
    with serving(tmp_path, max_target_nt=1000, max_inline_rows=2, max_hybrid_work=500) as client:
        assert_error(client.post("/api/design", data={"example": "true"}), 422,
                     "NM_002046_GAPDH.fa (bundled example): record NM_002046: column 'sequence': 1,285 nt is longer than "
                     "this server designs for (limit 1,000 nt; the command line has no such limit)")
        rows = [{"guide": ANTISENSE}] * 3
        message = assert_error(client.post("/api/predict", json={"rows": rows}), 422)
        assert message.startswith("pasted siRNAs: 3 siRNAs; this server predicts at most 2 within a request")
        message = assert_error(client.post("/api/hybridise", json={"query": ">a\nUAGCUUAUCAGACUGAUGUUGA\n>b\nUAGCUUAUCAGACUGAUGUUGA\n",
                                                                   "target": "ACGU" * 100}), 422)
        assert message == ("pasted target: 2 queries × 400 target nt is more than this server hybridises within a request "
                           "(limit 500; use rnakit hybrid search)")
        long_target = client.post("/api/hybridise", json={"query": "UAGCUUAUCAGACUGAUGUUGA", "target": "ACGU" * 300})
        assert assert_error(long_target, 422).endswith("1200 nt is longer than the 1,000 nt allowed")


def test_uploads_over_the_limit_are_413(tmp_path):
    with serving(tmp_path, max_upload_bytes=4096) as client:
        big = (">t\n" + "ACGU" * 2000 + "\n").encode()
        message = assert_error(client.post("/api/design", files={"target_file": ("big.fa", big, "text/plain")}), 413)
        assert message.startswith("the upload (") and message.endswith("is larger than the 0.00390625 MiB this server accepts")
        page = client.post("/design", files={"target_file": ("big.fa", big, "text/plain")})
        assert page.status_code == 413 and error_box(page.text).startswith("the upload (")
        bomb = gzip.compress(b">t\n" + b"A" * 100_000)  # a few hundred bytes that inflate past the limit
        assert len(bomb) < 4096
        message = assert_error(client.post("/api/coding-potential/upload", files={"file": ("t.fa.gz", bomb, "application/gzip")}), 413)
        assert message == "decompressed, the upload is larger than the 0.00390625 MiB this server accepts"
        assert_error(client.post("/api/predict", json={"rows": [{"guide": ANTISENSE}] * 200}), 413)
        assert list(client.app.state.service.store.root.iterdir()) == []  # nothing is kept of a refused request


class Recorder:
    """A raw ASGI exchange: a body of ``chunks`` offered to the app, what it read, and what it answered."""

    def __init__(self, chunks: int, chunk_bytes: int) -> None:
        self.offered, self.read, self.chunk_bytes = chunks, 0, chunk_bytes
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        self.read += 1
        return {"type": "http.request", "body": b"x" * self.chunk_bytes, "more_body": self.read < self.offered}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.sent if m["type"] == "http.response.start")


def scope(headers: list[tuple[bytes, bytes]]) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": "/api/coding-potential", "raw_path": b"/api/coding-potential", "root_path": "", "query_string": b"",
            "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}


def test_a_1_gb_upload_is_refused_before_any_byte_is_read(tmp_path):
    with serving(tmp_path) as client:
        app = client.app
        # the app's outermost user middleware is the limit: exercise the whole stack with a raw ASGI call
        declared = Recorder(chunks=16384, chunk_bytes=65536)  # 1 GiB offered
        asyncio.run(app(scope([(b"content-length", str(2**30).encode())]), declared.receive, declared.send))
        assert declared.status == 413 and declared.read == 0
        body = json.loads(b"".join(m.get("body", b"") for m in declared.sent if m["type"] == "http.response.body"))
        assert body == {"error": "the upload (1,073,741,824 bytes) is larger than the 20 MiB this server accepts"}
        streamed = Recorder(chunks=16384, chunk_bytes=65536)  # no length given: counted while it streams
        asyncio.run(app(scope([]), streamed.receive, streamed.send))
        assert streamed.status == 413 and streamed.read == 20 * 2**20 // 65536 + 1  # stopped just past the limit


def test_middleware_passes_small_bodies_through():
    seen = []

    async def inner(scope, receive, send):
        seen.append(await receive())

    recorder = Recorder(chunks=1, chunk_bytes=10)
    asyncio.run(BodySizeLimit(inner, max_bytes=100)(scope([(b"content-length", b"10")]), recorder.receive, recorder.send))
    assert seen[0]["body"] == b"x" * 10


def test_unknown_jobs_are_404(client):
    for path in ("/api/jobs/" + "0" * 32, "/api/jobs/nonsense", "/api/jobs/" + "0" * 32 + "/result",
                 "/api/jobs/" + "0" * 32 + "/files/candidates.tsv"):
        assert assert_error(client.get(path), 404).startswith("no job ")
    page = client.get("/jobs/" + "a" * 32)
    assert page.status_code == 404 and error_box(page.text).startswith("no job ")


def test_downloads_cannot_leave_the_job_folder(client, tmp_path):
    job = client.post("/api/coding-potential", json={"fasta": ">a\nAUGGCCAAAUAA\n"}).json()
    folder = client.app.state.service.store.folder(job["id"])
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    (folder / "output" / "escape.txt").symlink_to(secret)
    base = f"/api/jobs/{job['id']}/files/"
    assert client.get(base + "coding.tsv").status_code == 200
    for name in ("..%2Fjob.json", "%2E%2E%2Fjob.json", "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
                 "..%5Cjob.json", "escape.txt", "%2E%2E", ".", "input%2Ftranscripts.fa", str(secret).replace("/", "%2F")):
        response = client.get(base + name)
        assert response.status_code == 404, name
        assert "SECRET" not in response.text and '"kind"' not in response.text
    assert client.get(f"/api/jobs/{job['id']}/../{job['id']}/job.json").status_code == 404


def test_unknown_transcriptome_name(tmp_path):
    fasta = tmp_path / "tiny.fa"
    fasta.write_text(">tx1 gene=A\n" + "ACGU" * 30 + "\n")
    with serving(tmp_path, transcriptomes={"tiny": fasta}) as client:
        assert client.get("/api/transcriptomes").json() == {"transcriptomes": ["tiny"]}
        response = client.post("/api/design", data={"example": "true", "transcriptome": str(fasta)})
        assert_error(response, 422, f"field 'transcriptome': unknown transcriptome {str(fasta)!r} (this server offers: tiny)")
        assert '<option value="tiny">tiny</option>' in client.get("/design").text
    with serving(tmp_path / "none") as client:
        assert_error(client.post("/api/design", data={"example": "true", "transcriptome": "refseq"}), 422,
                     "field 'transcriptome': unknown transcriptome 'refseq' (this server offers: none)")


def test_a_job_past_its_time_limit_is_stopped(tmp_path):
    with serving(tmp_path, workers={"design": sleeping_job}) as client:
        job = client.post("/api/design", data={"example": "true"}).json()
        until(lambda: client.get(job["status_url"]).json()["progress"] == ["sleeping"], "the job runs")
        client.app.state.service.runner.timeout_s = 0.5  # judged once the job really runs, however slow its start
        status = wait_until(client, job["id"])
        assert (client.app.state.service.store.folder(job["id"]) / STARTED).exists()
        assert status["state"] == "timeout" and status["error"] == "the job ran longer than the 0.5 s limit and was stopped"
        assert_error(client.get(status["result_url"]), 409,
                     f"job {job['id']} is timeout, not done: the job ran longer than the 0.5 s limit and was stopped")
        page = client.get(status["page_url"]).text
        assert 'data-state="timeout"' in page and "the job ran longer than the 0.5 s limit" in page and 'id="result"' not in page


def test_jobs_beyond_the_concurrency_bound_queue_and_beyond_the_queue_are_refused(tmp_path):
    with serving(tmp_path, workers={"design": blocking_job}, max_jobs=1, max_queued=1) as client:
        first = client.post("/api/design", data={"example": "true"}).json()
        wait_until(client, first["id"], {"running"})
        second = client.post("/api/design", data={"example": "true"}).json()
        assert second["state"] == "queued" and second["queue_position"] == 1
        assert_error(client.get(second["result_url"]), 409, f"job {second['id']} is queued, not done")
        third = client.post("/api/design", data={"example": "true"})
        assert assert_error(third, 429) == "1 jobs are already waiting (the limit); try again later"
        assert 0 < int(third.headers["retry-after"]) <= 300  # seconds, as HTTP says
        page = client.post("/design", data={"example": "1", "top": "7"})
        assert page.status_code == 429 and page.headers["retry-after"] == third.headers["retry-after"]
        assert error_box(page.text) == "1 jobs are already waiting (the limit); try again later"
        assert 'id="top" name="top" value="7"' in page.text  # the form comes back as it was filled in
        assert "number 1 in the queue" in client.get(second["page_url"]).text
        assert client.get(f"/api/jobs/{second['id']}").json()["state"] == "queued"  # still waiting for the slot
        release(client, first["id"])
        wait_until(client, second["id"], {"running"})
        release(client, second["id"])
        assert wait_until(client, second["id"])["state"] == "done"


def test_old_results_are_cleaned_at_startup(tmp_path):
    store = JobStore(tmp_path / "results")
    old, recent = (Job(id=store.reserve().name, kind="coding", state="done", finished=time.time() - age) for age in (7200, 10))
    store.write(old)
    store.write(recent)
    with serving(tmp_path, max_result_age_s=3600) as client:
        assert_error(client.get(f"/api/jobs/{old.id}"), 404)
        assert client.get(f"/api/jobs/{recent.id}").json()["state"] == "done"


def test_a_loopback_server_refuses_other_host_names(client, tmp_path):
    # DNS rebinding: a page on evil.example resolving its name to 127.0.0.1 must not reach the server.
    assert client.get("/api/limits", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/api/limits", headers={"host": "localhost:8000"}).status_code == 200
    with serving(tmp_path / "public", host="0.0.0.0") as public:  # bound to every address: any name
        assert public.get("/api/limits", headers={"host": "rnakit.lab.example"}).status_code == 200
