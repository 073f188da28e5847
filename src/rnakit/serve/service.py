"""What the API and the pages both do: turn checked inputs into jobs, report their status and results.

Background jobs (design, uploaded tables) are queued to the runner; short analyses run here, one at
a time (the libraries under them are not known to be thread-safe, and they are CPU-bound under the
GIL anyway), each under the server's size limits, and are stored as jobs that are already done.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from rnakit.hybrid.request import HybridRequest
from rnakit.serve import coding, design, hybridise, predict
from rnakit.serve.inputs import safe_name, save_text, save_upload
from rnakit.serve.jobs import INPUT_DIR, OUTPUT_DIR, Job, JobStore
from rnakit.serve.runner import JobRunner
from rnakit.serve.settings import ServeSettings
from rnakit.sirna.design.request import DesignRequest
from rnakit.files import json_safe


class NotDone(RuntimeError):
    """A result was asked for before the job finished, or of a job that failed."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file as received: its bytes (already within the size limit) and the name it was sent as."""

    file: BinaryIO
    filename: str | None


@dataclass
class Service:
    """The server's state (settings, job store, runner) and every action a route can take on it."""

    settings: ServeSettings
    store: JobStore
    runner: JobRunner
    _inline: threading.Lock = field(default_factory=threading.Lock)

    # --- background jobs -------------------------------------------------------------------------
    def submit_design(self, form: DesignRequest, *, example: bool, text: str | None, upload: Upload | None,
                      mirna: Upload | None = None) -> Job:
        """Check a design request (options, then target, then the miRNA FASTA if uploaded) and queue it."""
        def prepare(folder: Path) -> Job:
            design.check_one_source(example, text, upload is not None)
            target, display = None, None
            if upload is not None:
                target, display = save_upload(upload.file, folder / INPUT_DIR, upload.filename, "target.fa",
                                              self.settings.max_upload_bytes)
            elif text and text.strip():
                target, display = save_text(text, folder / INPUT_DIR, "target.fa", fasta_id="pasted"), "pasted target"
            mirna_file = None
            if mirna is not None:  # in its own folder: it may be sent under the target's name
                (folder / INPUT_DIR / "mirna").mkdir()
                mirna_file = save_upload(mirna.file, folder / INPUT_DIR / "mirna", mirna.filename, "mirna.fa",
                                         self.settings.max_upload_bytes)
            request = design.prepare(form, target, display, offered=self.settings.transcriptomes,
                                     max_nt=self.settings.max_target_nt, folder=folder, mirna=mirna_file)
            return Job(id=folder.name, kind="design", cli=design.cli_command(request), request=request)
        return self._queue(prepare)

    def submit_predict_upload(self, upload: Upload, model: str = "default") -> Job:
        """Check an uploaded competition-format table and queue its predictions."""
        def prepare(folder: Path) -> Job:
            path, display = save_upload(upload.file, folder / INPUT_DIR, upload.filename, "sirnas.csv",
                                        self.settings.max_upload_bytes)
            request = predict.prepare_upload(path, display, folder, model=model, max_rows=self.settings.max_predict_rows,
                                             max_nt=self.settings.max_target_nt)
            return Job(id=folder.name, kind="predict", cli=predict.upload_cli(request), request=request)
        return self._queue(prepare)

    def _queue(self, prepare: Callable[[Path], Job]) -> Job:
        folder = self.store.reserve()
        try:
            job = prepare(folder)
            self.runner.submit(job)
        except BaseException:
            self.store.remove(folder)
            raise
        return job

    # --- analyses within the request -------------------------------------------------------------
    def predict_inline(self, sirnas: list[predict.Sirna], options: predict.PredictOptions) -> Job:
        def work(folder: Path) -> None:
            table = predict.inline_table(sirnas, options, max_rows=self.settings.max_inline_rows,
                                         max_nt=self.settings.max_target_nt)
            threads = self.runner.threads_per_job  # it runs beside the job workers: the same share of the cores
            predict.predict_table(table, options.model_name, predict.PASTED, folder / OUTPUT_DIR, threads)
        return self._run_inline("predict", predict.inline_cli(options), {"model": options.model_name}, work)

    def hybridise_inline(self, query: str, target: str, request: HybridRequest) -> Job:
        def work(folder: Path) -> None:
            hybridise.hybridise(query, target, request, folder=folder, max_nt=self.settings.max_target_nt,
                                max_work=self.settings.max_hybrid_work)
        return self._run_inline("hybridise", hybridise.cli_command(request), request.to_dict(), work)

    def coding_inline(self, *, text: str | None = None, upload: Upload | None = None) -> Job:
        display = coding.PASTED if upload is None else safe_name(upload.filename, "transcripts.fa")

        def work(folder: Path) -> None:
            if upload is not None:
                path, _ = save_upload(upload.file, folder / INPUT_DIR, upload.filename, "transcripts.fa",
                                      self.settings.max_upload_bytes)
            else:
                path = save_text(text or "", folder / INPUT_DIR, "transcripts.fa")
            coding.coding_potential(path, display, folder / OUTPUT_DIR)
        return self._run_inline("coding", coding.cli_command(display if upload else "transcripts.fa"), {}, work)

    def _run_inline(self, kind: str, cli: str, request: dict[str, Any], work: Callable[[Path], None]) -> Job:
        folder = self.store.reserve()
        try:
            started = time.time()
            with self._inline:
                work(folder)
            job = Job(id=folder.name, kind=kind, state="done", created=started, started=started,
                      finished=time.time(), cli=cli, request=request)
            self.store.write(job)
        except BaseException:
            self.store.remove(folder)
            raise
        return job

    # --- status and results ----------------------------------------------------------------------
    def status(self, job: Job) -> dict[str, Any]:
        """The job as the API shows it (never the request, which holds server paths)."""
        base = f"/api/jobs/{job.id}"
        files = [{**f, "url": f"{base}/files/{f['name']}"} for f in self.store.files(job.id)] if job.state == "done" else []
        return {
            "id": job.id, "kind": job.kind, "state": job.state, "created": job.created, "started": job.started,
            "finished": job.finished, "progress": job.progress, "message": job.progress[-1] if job.progress else None,
            "error": job.error, "queue_position": self.runner.queue_position(job.id) if job.state == "queued" else None,
            "files": files, "status_url": base, "result_url": f"{base}/result", "page_url": f"/jobs/{job.id}",
            "cli": job.cli,
        }

    def result(self, job: Job) -> dict[str, Any]:
        """What a finished job found, per kind (see the contract); NotDone unless it is done."""
        if job.state != "done":
            detail = f": {job.error}" if job.error else ""
            raise NotDone(f"job {job.id} is {job.state}, not done{detail}")
        output = self.store.folder(job.id) / OUTPUT_DIR
        if job.kind == "design":
            found = json.loads((output / "design.json").read_text(encoding="utf-8"))
        elif job.kind == "predict":
            found = predict.read_result(output, job.request.get("model", "default"))
        elif job.kind == "hybridise":
            found = hybridise.read_result(output)
        else:
            found = coding.read_result(output)
        return json_safe(found)  # type: ignore[return-value]
