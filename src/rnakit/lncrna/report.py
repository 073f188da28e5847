"""report.html of the lincRNA filter: inputs, settings, the filter funnel (table and chart), classes."""

from __future__ import annotations

import html
import io
from dataclasses import asdict

import pandas as pd

from rnakit import __version__
from rnakit.lncrna.location import LOCATION_CLASSES
from rnakit.lncrna.result import FilterResult
from rnakit.report.plots import bars, png_data_uri

KEPT_SHOWN = 100
_KEPT_COLUMNS = ["id", "source", "chrom", "strand", "start", "end", "exons", "length", "class", "nearest_coding_gene",
                 "coding_distance", "longest_orf_aa", "coding_probability"]


def _funnel_png(result: FilterResult) -> str:
    """The transcripts left after each filter, a PNG bar chart as a data URI."""
    buffer = io.BytesIO()
    bars([row["filter"] for row in result.funnel], [row["left"] for row in result.funnel], buffer,  # type: ignore[arg-type]
         title="Filter funnel: transcripts left after each filter", ylabel="transcripts left")
    return png_data_uri(buffer.getvalue())


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, na_rep="NA", float_format=lambda v: f"{v:.3f}", escape=True)


def _class_counts(result: FilterResult) -> pd.DataFrame:
    table = result.table
    kept = table["first_rejected_by"] == ""
    return pd.DataFrame([
        {"class": code, "meaning": meaning, "transcripts": int((table["class"] == code).sum()),
         "kept as lincRNA": int((kept & (table["class"] == code)).sum())}
        for code, meaning in LOCATION_CLASSES.items()])


def report_html(result: FilterResult) -> str:
    """A single self-contained HTML page (the chart is embedded) summarising one filter run."""
    inputs = {k: str(v) for k, v in asdict(result.inputs).items() if v is not None}
    if result.inputs.model is None:
        inputs["model"] = "shipped default (human)"
    settings = {k: ", ".join(v) if isinstance(v, tuple) else str(v) for k, v in asdict(result.settings).items()}
    listing = "".join(f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>"
                      for k, v in [*inputs.items(), *settings.items()])
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in result.notes)
    funnel = pd.DataFrame(result.funnel).rename(columns={
        "fail": "fail the test", "rejected": "rejected first here", "left": "left"})
    kept = result.table[result.table["first_rejected_by"] == ""][_KEPT_COLUMNS]
    shown = f" (first {KEPT_SHOWN}; all are in transcripts.tsv)" if len(kept) > KEPT_SHOWN else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rnakit lincRNA filter</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}} table{{border-collapse:collapse;font-size:12px}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}} code{{font-size:12px}}</style></head><body>
<h1>lincRNA candidates</h1>
<p>{len(result.table)} transcripts after merging, <b>{len(result.kept)}</b> kept as lincRNA candidates.</p>
{f'<ul>{notes}</ul>' if notes else ''}
<h2>Filter funnel</h2>
<p>Each transcript is tested by every filter; it is rejected by the first one it fails (column
<code>first_rejected_by</code> of transcripts.tsv).</p>
{_html_table(funnel)}
<img alt="filter funnel" src="{_funnel_png(result)}">
<h2>Location classes</h2>
<p>Against the reference's protein-coding transcripts (gffcompare-style codes; the first that applies wins).</p>
{_html_table(_class_counts(result))}
<h2>Kept transcripts{shown}</h2>
{_html_table(kept.head(KEPT_SHOWN))}
<h2>Inputs and settings</h2>
<table>{listing}</table>
<p>rnakit {__version__}</p></body></html>
"""
