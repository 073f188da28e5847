"""``rnakit serve``: options and environment become settings; a real server on loopback answers and refuses
an oversized upload from its headers alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from rnakit.cli import app as cli_app
from rnakit.serve.settings import MIB, ServeSettings
from tests.serve.standins import GUARD_S

cli = CliRunner()


@pytest.fixture
def captured(monkeypatch):
    """Run ``rnakit serve`` without serving: record what uvicorn would have been given."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    return calls


def settings_of(call: dict) -> ServeSettings:
    return call["app"].state.service.settings


def test_options_become_settings(captured, tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    fasta = tmp_path / "tx.fa"
    fasta.write_text(">tx1 gene=A\n" + "ACGUUGCA" * 10 + "\n>tx2 gene=B\n" + "UUGCAACG" * 10 + "\n")
    result = cli.invoke(cli_app, ["serve", "--port", "8123", "--results-dir", str(tmp_path / "r"), "--max-upload-mb", "1.5",
                                  "--jobs", "3", "--queue", "4", "--job-timeout", "30", "--max-age-hours", "2",
                                  "--max-target-nt", "5000", "--transcriptome", f"mini={fasta}"])
    assert result.exit_code == 0, result.output
    (call,) = captured
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    settings = settings_of(call)
    assert settings.results_dir == tmp_path / "r" and settings.max_upload_bytes == int(1.5 * MIB)
    assert (settings.max_jobs, settings.max_queued, settings.job_timeout_s) == (3, 4, 30)
    assert (settings.max_result_age_s, settings.max_target_nt) == (7200, 5000)
    assert settings.transcriptomes == {"mini": fasta.resolve()}
    assert any((tmp_path / "cache" / "offtarget").glob("*.json"))  # indexed before serving
    assert "rnakit serve: http://127.0.0.1:8123/" in result.stdout
    assert "warning" not in result.stderr


def test_environment_sets_defaults_and_options_win(captured, tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_SERVE_PORT", "9001")
    monkeypatch.setenv("RNAKIT_SERVE_JOBS", "5")
    monkeypatch.setenv("RNAKIT_SERVE_RESULTS_DIR", str(tmp_path / "env"))
    result = cli.invoke(cli_app, ["serve", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    settings = settings_of(captured[0])
    assert (settings.port, settings.max_jobs, settings.results_dir) == (9001, 1, tmp_path / "env")


def test_cleanup_timing_from_the_environment_takes_fractions():
    settings = ServeSettings.from_env({"RNAKIT_SERVE_MAX_AGE_HOURS": "0.05", "RNAKIT_SERVE_CLEANUP_INTERVAL_S": "5"})
    assert (settings.max_result_age_s, settings.cleanup_interval_s) == pytest.approx((180.0, 5.0))


def test_listening_beyond_loopback_warns(captured, tmp_path):
    result = cli.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--results-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0 makes the server reachable from other machines" in result.stderr
    assert captured[0]["host"] == "0.0.0.0"
    assert ServeSettings(host="::1").loopback and ServeSettings(host="localhost").loopback
    assert not ServeSettings(host="example.org").loopback


@pytest.mark.parametrize("args, message", [
    (["--transcriptome", "noequals"], "column '--transcriptome': 'noequals' is not NAME=PATH"),
    (["--transcriptome", "x=/no/such.fa"], "/no/such.fa: column '--transcriptome': no such transcriptome FASTA"),
    (["--jobs", "0"], "column 'max_jobs': 0 must be ≥ 1"),
    (["--job-timeout", "-1"], "column 'job_timeout_s': -1.0 must be > 0"),
])
def test_bad_options_are_one_line_errors(captured, tmp_path, args, message):
    result = cli.invoke(cli_app, ["serve", "--results-dir", str(tmp_path), *args])
    assert result.exit_code == 1 and captured == []
    assert result.stderr.strip() == f"error: {message}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(port: int, request: bytes) -> bytes:
    """Send raw bytes, return the whole answer (the server closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_real_server_answers_and_refuses_a_1_gb_upload_from_its_headers(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "rnakit.serve", "--port", str(port), "--results-dir", str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + GUARD_S
        while True:
            try:
                answer = http(port, b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in answer
        # Headers announce 1 GiB; only a few bytes follow. The answer must come without the rest being sent.
        answer = http(port, b"POST /api/coding-potential/upload HTTP/1.1\r\nHost: localhost\r\n"
                            b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1073741824\r\n\r\n--x\r\n")
        assert answer.startswith(b"HTTP/1.1 413")
        assert b'{"error":"the upload (1,073,741,824 bytes) is larger than the 20 MiB this server accepts"}' in answer
        design = http(port, b"GET /design HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert design.startswith(b"HTTP/1.1 200") and b'id="design-form"' in design
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0].decode()
    assert "Application shutdown complete." in output  # SIGTERM is a clean stop (uvicorn then exits by the signal)
    assert server.returncode in (0, -15), output
    assert f"rnakit serve: http://127.0.0.1:{port}/" in output
