"""Areas whose commands are not written yet: their help says so rather than pretending."""

from __future__ import annotations

import typer


def _planned(area: str, plan: str) -> typer.Typer:
    app = typer.Typer(
        help=f"{area} — NOT AVAILABLE YET: no commands in this version. Planned: {plan}",
        no_args_is_help=True,
    )

    @app.callback(invoke_without_command=True)
    def _empty(ctx: typer.Context) -> None:
        if ctx.invoked_subcommand is None:
            typer.echo(f"{area}: no commands in this version yet. Planned: {plan}")

    return app


lncrna_app = _planned(
    "lincRNA identification",
    "transcript filters, ORFs, coding potential, protein domains, intergenic location.",
)
