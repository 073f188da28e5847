"""The HTML pages: Design, Predict, Hybridise, Coding potential, and the job/result page.

Server-rendered (Jinja2); a form posts, the server checks it and redirects to ``/jobs/{id}``, whose
page is rendered from the job folder (so it survives reloads) and polls the API while the job runs.
A rejected form is shown again with the inputs kept and the CLI's one-line message in ``#error``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from rnakit import __version__
from rnakit.errors import RnakitError, ValueRangeError
from rnakit.serve import design, hybridise, predict
from rnakit.serve.inputs import TooLarge
from rnakit.serve.jobs import Job
from rnakit.serve.runner import QueueFull
from rnakit.serve.service import Service, Upload
from rnakit.sirna.design.request import FILTERS, PATTERN_NAMES, DesignRequest

TEMPLATES_DIR = Path(str(resources.files("rnakit.serve").joinpath("templates")))
templates = Jinja2Templates(directory=TEMPLATES_DIR)
router = APIRouter(include_in_schema=False)

#: The command each page stands for (the result page shows the exact one for the job).
CLI = {
    "design": "rnakit sirna design TARGET.fa -o OUT [--length 21] [--top 20] [--transcriptome T.fa]",
    "predict": "rnakit sirna predict --model default --data FILE.csv -o predictions.csv",
    "hybridise": "rnakit hybrid search --query QUERY.fa --target TARGET.fa [--helix 2,8] [--hits 1] [--p-values 3utr_human]",
    "coding": "rnakit lncrna coding-potential FASTA -o coding.tsv",
}
TITLES = {"design": "siRNA design", "predict": "Predict efficacy", "hybridise": "Hybridise",
          "coding": "Coding potential", "job": "Job"}
#: What the forms show in an empty field: the request's defaults, spelt as typed (conditions: the design's,
#: which prediction shares).
DEFAULTS = {name: DesignRequest.spelt_default(name) for name in DesignRequest.defaults()}
#: Rows of a long result table shown on the page (the download has them all).
SHOWN_ROWS = 500


def _service(request: Request) -> Service:
    return request.app.state.service


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


templates.env.filters["cell"] = _cell
templates.env.globals["hybrid"] = hybridise.form_defaults()  # the Hybridise form's defaults and p-value menu


def _context(request: Request, page: str, **values: Any) -> dict[str, Any]:
    settings = _service(request).settings
    return {"page": page, "title": TITLES[page], "cli": CLI.get(page), "version": __version__,
            "limits": settings.public_limits(), "transcriptomes": sorted(settings.transcriptomes),
            "filters": FILTERS[:4], "patterns": list(PATTERN_NAMES), "values": {}, "error": None,
            "defaults": DEFAULTS, **values}


def render(request: Request, page: str, status: int = 200, template: str | None = None, **values: Any) -> Response:
    return templates.TemplateResponse(request, template or f"{page}.html", _context(request, page, **values),
                                      status_code=status)


def error_page(request: Request, status: int, message: str) -> str:
    """A plain page showing ``message`` in the error box (unknown job, too large, …)."""
    context = _context(request, "job", error=message, status=status)
    return templates.get_template("error.html").render(context)


# --- form helpers ----------------------------------------------------------------------------------

def _text(values: Mapping[str, Any], name: str) -> str | None:
    value = values.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(values: Mapping[str, Any], name: str, default: Any, kind: Callable[[str], Any], option: str) -> Any:
    text = _text(values, name)
    if text is None:
        return default
    try:
        return kind(text)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise ValueRangeError(f"{text!r} is not {noun}", column=option) from None


def _upload(form: FormData, name: str) -> Upload | None:
    """The uploaded file of field ``name``, or None when none was chosen (browsers send an empty part)."""
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename:
        return Upload(value.file, value.filename)
    return None


async def _handle(request: Request, page: str, submit: Callable[[FormData], Job]) -> Response:
    """Read the form, run ``submit`` off the event loop; redirect to the job, or show the form again."""
    try:
        form = await request.form()
    except HTTPException as error:  # too large (the body was refused, not read)
        return render(request, page, status=error.status_code, error=str(error.detail))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    values["skip_filters"] = [v for v in form.getlist("skip_filters") if isinstance(v, str)]
    try:
        job = await run_in_threadpool(submit, form)
    except TooLarge as error:
        return render(request, page, status=413, error=str(error), values=values)
    except RnakitError as error:
        return render(request, page, status=422, error=str(error), values=values)
    except QueueFull as error:
        response = render(request, page, status=429, error=str(error), values=values)
        response.headers.update(error.headers)
        return response
    finally:
        await form.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


# --- pages -----------------------------------------------------------------------------------------

@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/design", status_code=307)


@router.get("/design", response_class=HTMLResponse)
def design_page(request: Request) -> Response:
    return render(request, "design")


@router.post("/design")
async def design_submit(request: Request) -> Response:
    def submit(form: FormData) -> Job:
        fields = design.form_request({**{k: v for k, v in form.items() if isinstance(v, str)},
                                      "skip_filters": [v for v in form.getlist("skip_filters") if isinstance(v, str)],
                                      "immune_motifs": form.get("immune_motifs") == "1",
                                      "score_rejected": form.get("score_rejected") == "1"})
        return _service(request).submit_design(fields, example=form.get("example") == "1",
                                               text=_text(form, "target_text"), upload=_upload(form, "target_file"),
                                               mirna=_upload(form, "mirna_file"))
    return await _handle(request, "design", submit)


@router.get("/predict", response_class=HTMLResponse)
def predict_page(request: Request) -> Response:
    return render(request, "predict")


@router.post("/predict")
async def predict_submit(request: Request) -> Response:
    def submit(form: FormData) -> Job:
        server = _service(request)
        upload = _upload(form, "file")
        if upload is not None:
            return server.submit_predict_upload(upload, _text(form, "upload_model") or "default")
        options = predict.PredictOptions.from_form(form)
        return server.predict_inline(predict.sirnas_from_lines(_text(form, "pairs") or ""), options)
    return await _handle(request, "predict", submit)


@router.get("/hybridise", response_class=HTMLResponse)
def hybridise_page(request: Request) -> Response:
    return render(request, "hybridise")


@router.post("/hybridise")
async def hybridise_submit(request: Request) -> Response:
    def submit(form: FormData) -> Job:
        fields = hybridise.request_from({k: v.strip() for k, v in form.items() if isinstance(v, str)})
        return _service(request).hybridise_inline(_text(form, "query") or "", _text(form, "target") or "", fields)
    return await _handle(request, "hybridise", submit)


@router.get("/coding", response_class=HTMLResponse)
def coding_page(request: Request) -> Response:
    return render(request, "coding")


@router.post("/coding")
async def coding_submit(request: Request) -> Response:
    def submit(form: FormData) -> Job:
        upload = _upload(form, "file")
        if upload is not None:
            return _service(request).coding_inline(upload=upload)
        return _service(request).coding_inline(text=_text(form, "fasta") or "")
    return await _handle(request, "coding", submit)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> Response:
    server = _service(request)
    job = server.store.read(job_id)
    status = server.status(job)
    result = server.result(job) if job.state == "done" else None
    files = {f["name"]: f["url"] for f in status["files"]}
    return render(request, "job", job=status, result=result, files=files, cli=job.cli or CLI.get(job.kind),
                  shown_rows=SHOWN_ROWS, error=job.error)
