"""``rnakit lncrna``: lincRNA identification from assembled transcripts, coding potential, the RNA-seq workflow."""

from __future__ import annotations

import typer

lncrna_app = typer.Typer(
    help="lincRNA identification: filter assembled transcripts (location, length, ORF, coding potential, "
    "housekeeping ncRNAs, protein domains), score coding potential, train a coding-potential model, "
    "run the RNA-seq workflow.",
    no_args_is_help=True,
)
