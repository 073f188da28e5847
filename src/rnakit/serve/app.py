"""The web app: ``create_app(settings)`` wires the job store, the runner, the API, the pages and the limits."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from rnakit import __version__
from rnakit.errors import RnakitError
from rnakit.serve import api, pages
from rnakit.serve.apidocs import docs_html
from rnakit.serve.inputs import TooLarge
from rnakit.serve.jobs import JobStore, UnknownJob
from rnakit.serve.limits import BodySizeLimit
from rnakit.serve.runner import JobRunner, QueueFull
from rnakit.serve.service import NotDone, Service
from rnakit.serve.settings import ServeSettings

STATIC_DIR = Path(str(resources.files("rnakit.serve").joinpath("static")))
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The app for ``settings``; the job runner starts and stops with the app's lifespan."""
    settings = settings or ServeSettings()
    store = JobStore(settings.results_dir)

    def cleanup() -> None:
        store.cleanup(settings.max_result_age_s)

    runner = JobRunner(store, max_jobs=settings.max_jobs, max_queued=settings.max_queued,
                       timeout_s=settings.job_timeout_s, cleanup=cleanup, cleanup_interval_s=settings.cleanup_interval_s)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cleanup()
        runner.start()
        try:
            yield
        finally:
            runner.stop()

    # FastAPI's /docs and /redoc pages load their scripts from a CDN: replaced by an offline page.
    app = FastAPI(title="rnakit", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="siRNA design and prediction, RNA–RNA hybridisation and coding potential, "
                              "over the same Python API as the rnakit command line.")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html(app.openapi()))

    app.state.service = Service(settings, store, runner)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    if settings.loopback:
        # A web page elsewhere could reach a loopback server through a DNS name it controls (DNS
        # rebinding) and read results: answer only requests addressed to this machine by name or address.
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_NAMES, settings.host])
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _error_handlers(app)
    return app


def _error(request: Request, status: int, message: str) -> Response:
    """``{"error": message}`` for the API; a page with the message in its error box otherwise."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse({"error": message}, status_code=status)
    return HTMLResponse(pages.error_page(request, status, message), status_code=status)


def _error_handlers(app: FastAPI) -> None:
    statuses: dict[type[Exception], int] = {RnakitError: 422, TooLarge: 413, UnknownJob: 404, NotDone: 409, QueueFull: 429}
    for kind, status in statuses.items():
        def handler(request: Request, error: Exception, status: int = status) -> Response:
            response = _error(request, status, str(error.args[0]) if isinstance(error, LookupError) else str(error))
            response.headers.update(getattr(error, "headers", {}))  # QueueFull: Retry-After
            return response
        app.add_exception_handler(kind, handler)

    def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        response = _error(request, error.status_code, str(error.detail))
        response.headers.update(error.headers or {})
        return response

    def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        extra = f" (and {len(error.errors()) - 1} more)" if len(error.errors()) > 1 else ""
        return _error(request, 422, f"{where}: {first['msg']}{extra}" if where else f"{first['msg']}{extra}")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
