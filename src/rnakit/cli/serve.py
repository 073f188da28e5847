"""``rnakit serve``: the local web app (pages + JSON API) for design, prediction, hybridisation, coding potential."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rnakit.cli.console import err, out
from rnakit.serve.settings import settings_from_options


def serve_command(
    host: Annotated[Optional[str], typer.Option("--host", help="Address to listen on (default 127.0.0.1: this machine only).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port to listen on (default 8000).")] = None,
    results_dir: Annotated[Optional[Path], typer.Option("--results-dir", help="Where job results are kept (default: ~/.cache/rnakit/serve).")] = None,
    max_upload_mb: Annotated[Optional[float], typer.Option("--max-upload-mb", help="Largest request body / upload, MiB (default 20); larger ones are refused unread.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", help="Background jobs run at once (default 2); the others wait in a queue.")] = None,
    queue: Annotated[Optional[int], typer.Option("--queue", help="Most jobs waiting at once (default 50); beyond, new jobs are refused.")] = None,
    job_timeout: Annotated[Optional[float], typer.Option("--job-timeout", help="Time limit of one job, seconds (default 600).")] = None,
    max_age_hours: Annotated[Optional[float], typer.Option("--max-age-hours", help="Finished results older than this are deleted (default 168).")] = None,
    max_target_nt: Annotated[Optional[int], typer.Option("--max-target-nt", help="Longest design or hybridisation target, nt (default 200000).")] = None,
    transcriptome: Annotated[Optional[list[str]], typer.Option("--transcriptome", help="NAME=PATH: a transcriptome FASTA offered (by name) for off-target screening; repeatable. Indexed before serving.")] = None,
) -> None:
    """Serve the web app and its JSON API (/docs) on this machine; the environment variables RNAKIT_SERVE_* set the same."""
    from rnakit.serve.server import run_server

    settings = settings_from_options(
        host=host, port=port, results_dir=results_dir, max_upload_mb=max_upload_mb, jobs=jobs, queue=queue,
        job_timeout=job_timeout, max_age_hours=max_age_hours, max_target_nt=max_target_nt, transcriptome=transcriptome)
    run_server(settings, out, err)
