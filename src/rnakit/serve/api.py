"""The JSON API under ``/api``: one route per page, plus job status, results and downloads.

Errors are ``{"error": "<one line>"}`` with 422 (bad input: the CLI's message), 413 (too large),
404 (unknown job or file), 409 (result of an unfinished job) or 429 (queue full, with ``Retry-After`` in
seconds); see ``app.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from rnakit import __version__
from rnakit.hybrid.options import MAX_QUERY_LENGTH
from rnakit.hybrid.request import HybridRequest
from rnakit.serve import design, hybridise, predict
from rnakit.serve.service import Service, Upload
from rnakit.sirna.design.request import DesignRequest

router = APIRouter(prefix="/api", tags=["api"])


def service(request: Request) -> Service:
    return request.app.state.service


class SirnaIn(BaseModel):
    guide: str = Field(description="Guide (antisense) strand, 5'→3' (RNA or DNA letters).")
    passenger: str | None = Field(None, description="Passenger (sense) strand, 5'→3'.")
    id: str | None = Field(None, description="Row id (default: the row number).")


class PredictIn(BaseModel):
    rows: list[SirnaIn]
    pattern: str | None = Field(None, description="Modification pattern 'GUIDE ; PASSENGER' in competition tokens with N for the base.")
    conc_nm: float = Field(predict.PredictOptions.default("conc_nm"), description="Concentration (nM).")
    hours: float = Field(predict.PredictOptions.default("hours"), description="Hours after transfection.")
    cell_line: str = predict.PredictOptions.default("cell_line")
    transcript: str | None = Field(None, description="Target mRNA of the siRNAs (for site features).")
    model: Literal["auto", "default", "unmodified"] = Field(
        "auto", description="auto: the competition model (default) with a pattern, else the unmodified one.")


H = HybridRequest.default  # each hybridisation field's default, as the request defines it


class HybridIn(BaseModel):
    query: str = Field(description=f"FASTA or one bare sequence; each query ≤ {MAX_QUERY_LENGTH} nt.")
    target: str = Field(description="FASTA or one bare sequence.")
    energy_cutoff: float | None = Field(H("energy_cutoff"), description="Report only hits with mfe ≤ this (kcal/mol), as -e.")
    helix: str | list[int] | None = Field(H("helix"), description="FROM,TO: query positions that must pair as one helix, as -f (e.g. 2,8 or [2, 8]).")
    hits: int = Field(H("hits"), description="Hits per target and query, as -b.")
    max_internal: int = Field(H("max_internal"), description="Longest interior-loop side, as -u.")
    max_bulge: int = Field(H("max_bulge"), description="Longest bulge, as -v.")
    p_values: str = Field(H("p_values"), description="none, or a shipped parameter set (3utr_human), as -s.")
    evd: str | list[float] | None = Field(H("evd"), description="LOCATION,SCALE of the extreme-value law instead, as -d.")
    p_cutoff: float | None = Field(H("p_cutoff"), description="Report only hits with p-value ≤ this, as -p.")


class CodingIn(BaseModel):
    fasta: str = Field(description="Transcripts as FASTA text.")


def _upload(file: UploadFile | None) -> Upload | None:
    return Upload(file.file, file.filename) if file is not None and file.filename else None


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/limits")
def limits(request: Request) -> dict[str, Any]:
    return {**service(request).settings.public_limits(), "max_query_nt": MAX_QUERY_LENGTH}


@router.get("/transcriptomes")
def transcriptomes(request: Request) -> dict[str, list[str]]:
    return {"transcriptomes": sorted(service(request).settings.transcriptomes)}


D = DesignRequest.default  # each design field's default, as the request defines it


@router.post("/design", status_code=202)
def submit_design(
    request: Request,
    target_text: Annotated[str | None, Form(description="Pasted FASTA (a bare sequence is accepted).")] = None,
    target_file: Annotated[UploadFile | None, File(description="Uploaded FASTA (.gz allowed).")] = None,
    example: Annotated[bool, Form(description="Design for the bundled example (human GAPDH mRNA).")] = False,
    record: Annotated[str | None, Form()] = None,
    length: Annotated[str, Form(description="21, 19..23 or 19,21.")] = DesignRequest.spelt_default("length"),
    overhang: Annotated[int, Form()] = D("overhang"),
    top: Annotated[int, Form()] = D("top"),
    spacing: Annotated[int | None, Form()] = None,
    gc: Annotated[str, Form(description="GC range of guide 1–19, percent.")] = DesignRequest.spelt_default("gc"),
    skip_filters: Annotated[list[str], Form(description="Filters to switch off (repeat, or comma-separated).")] = [],  # noqa: B006
    pattern: Annotated[str | None, Form()] = None,
    conc_nm: Annotated[float, Form()] = D("conc_nm"),
    hours: Annotated[float, Form()] = D("hours"),
    cell_line: Annotated[str, Form()] = D("cell_line"),
    same_gene: Annotated[str | None, Form()] = None,
    transcriptome: Annotated[str | None, Form(description="A name from /api/transcriptomes.")] = None,
    max_seed_tm: Annotated[float | None, Form(description="Reject guides whose seed duplex Tm (°C) is not below this.")] = None,
    immune_motifs: Annotated[bool, Form(description="Reject candidates with an immunostimulatory motif.")] = False,
    score_rejected: Annotated[bool, Form(description="Predict the efficacy of filtered-out candidates too (default: passing ones only).")] = False,
    mirna_file: Annotated[UploadFile | None, File(description="FASTA of mature miRNAs: reject guides with their seeds.")] = None,
) -> dict[str, Any]:
    """Queue an siRNA design (rnakit sirna design); poll the returned status_url. ``pattern`` is
    --modification-pattern: a name (unmodified-dTdT, esc-sais, esc) or 'GUIDE ; PASSENGER'."""
    fields = design.form_request(locals())
    server = service(request)
    job = server.submit_design(fields, example=example, text=target_text, upload=_upload(target_file),
                               mirna=_upload(mirna_file))
    return server.status(job)


@router.post("/predict")
def predict_json(request: Request, body: PredictIn) -> dict[str, Any]:
    """Predict % mRNA remaining for a few siRNAs within the request (rnakit sirna predict)."""
    server = service(request)
    options = predict.PredictOptions.from_dict(body.model_dump(exclude={"rows"}), check=False)
    sirnas = [predict.Sirna(guide=r.guide, passenger=r.passenger, id=r.id) for r in body.rows]
    job = server.predict_inline(sirnas, options)
    return {**server.status(job), "result": server.result(job)}


@router.post("/predict/upload", status_code=202)
def predict_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="Competition-format CSV (.csv or .csv.gz).")],
    model: Annotated[Literal["default", "unmodified"], Form()] = "default",
) -> dict[str, Any]:
    """Queue predictions for an uploaded competition-format table; poll the returned status_url."""
    server = service(request)
    return server.status(server.submit_predict_upload(Upload(file.file, file.filename), model))


@router.post("/hybridise")
def hybridise_json(request: Request, body: HybridIn) -> dict[str, Any]:
    """RNAhybrid-style hits of each query on each target (rnakit hybrid search)."""
    server = service(request)
    job = server.hybridise_inline(body.query, body.target, hybridise.request_from(body.model_dump()))
    return {**server.status(job), "result": server.result(job)}


@router.post("/coding-potential")
def coding_json(request: Request, body: CodingIn) -> dict[str, Any]:
    """Coding potential of each transcript (rnakit lncrna coding-potential)."""
    server = service(request)
    job = server.coding_inline(text=body.fasta)
    return {**server.status(job), "result": server.result(job)}


@router.post("/coding-potential/upload")
def coding_upload(request: Request, file: Annotated[UploadFile, File(description="FASTA (.gz allowed).")]) -> dict[str, Any]:
    """Coding potential of each transcript of an uploaded FASTA."""
    server = service(request)
    job = server.coding_inline(upload=Upload(file.file, file.filename))
    return {**server.status(job), "result": server.result(job)}


@router.get("/jobs/{job_id}")
def job_status(request: Request, job_id: str) -> dict[str, Any]:
    server = service(request)
    return server.status(server.store.read(job_id))


@router.get("/jobs/{job_id}/result")
def job_result(request: Request, job_id: str) -> dict[str, Any]:
    server = service(request)
    return server.result(server.store.read(job_id))


@router.get("/jobs/{job_id}/files/{name}")
def job_file(request: Request, job_id: str, name: str) -> FileResponse:
    """A file of the job's results, by name (only files listed in its status)."""
    path = service(request).store.output_file(job_id, name)
    return FileResponse(path, filename=name, headers={"X-Content-Type-Options": "nosniff"})
