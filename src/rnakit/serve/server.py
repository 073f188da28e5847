"""Start the web app's server for given settings: what ``rnakit serve`` and ``python -m rnakit.serve`` run."""

from __future__ import annotations

from rich.console import Console

from rnakit.extras import require
from rnakit.serve.settings import ServeSettings


def run_server(settings: ServeSettings, out: Console, err: Console) -> None:
    """Index the offered transcriptomes, then serve until stopped (messages to ``out``, warnings to ``err``).

    Needs the [serve] extra (web framework and server), checked before anything else is done.
    """
    require("serve", "rnakit serve")
    import uvicorn

    from rnakit.serve.app import create_app
    from rnakit.sirna.design.offtarget import load_or_build_index

    if not settings.loopback:
        err.print(f"[bold yellow]warning:[/] listening on {settings.host} makes the server reachable from other machines; "
                  "it has no authentication", soft_wrap=True)
    for name, path in settings.transcriptomes.items():
        with err.status(f"indexing transcriptome {name} ({path.name}; cached after the first time)…"):
            load_or_build_index(path)  # so that jobs only load the cached index, within their time limit
    out.print(f"rnakit serve: http://{settings.host}:{settings.port}/ (results in {settings.results_dir}; Ctrl-C stops)",
              soft_wrap=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
