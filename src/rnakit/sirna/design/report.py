"""Design outputs: candidates.tsv, top.fasta, sites.bed, design.json, efficacy.png, a self-contained report.html
and, with a modification pattern, order.tsv."""

from __future__ import annotations

import html
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit import __version__
from rnakit.files import json_safe
from rnakit.report.plots import png_data_uri  # light: matplotlib loads only for drawing there
from rnakit.sirna.design.design import Design
from rnakit.sirna.design.filters import filter_rules
from rnakit.sirna.design.genome import bed12_line
from rnakit.sirna.design.ordering import order_table
from rnakit.sirna.design.ranking import __doc__ as RANKING_DOC
from rnakit.sirna.design.tsv import write_tsv

# The top table's columns, in the order shown: efficacy and the off-target counts first, so that a
# reader sees both without scrolling sideways; the sequences and the rule columns after them.
TOP_COLUMNS = ["rank", "candidate", "start", "end", "predicted_remaining_pct", "guide_mm0", "guide_mm1", "guide_mm2",
               "specific", "guide_seed_matches", "composite", "guide", "passenger", "predicted_remaining_pct_raw",
               "asymmetry", "duplex_dg", "seed_tm", "accessibility", "ui_tei_class"]


def top_columns(candidates: pd.DataFrame) -> list[str]:
    """TOP_COLUMNS that this run has (the off-target ones only with a transcriptome)."""
    return [c for c in TOP_COLUMNS if c in candidates.columns]


def rank_note(design: Design) -> str:
    """What the rank column means, with this run's numbers."""
    spacing = max(design.settings.lengths) if design.settings.spacing is None else design.settings.spacing
    return (f"rank: place among all {int(design.candidates['passed'].sum()):,} candidates that pass the filters "
            f"(of {len(design.candidates):,}), by composite score, 1 = best. The {len(design.top)} shown skip any "
            f"candidate within {spacing} nt of a better one, so ranks can jump. predicted_remaining_pct is "
            f"the predicted % mRNA remaining, floored at 0; predicted_remaining_pct_raw is the model's value.")


def write_design(design: Design, folder: Path) -> None:
    """Write the outputs of one target into ``folder`` (which must exist); efficacy.png is the report's
    efficacy plot on its own, for slides and for the web app's result page; order.tsv only with a pattern."""
    write_tsv(design.candidates, folder / "candidates.tsv", float_format="%.4g")
    top = design.top
    with open(folder / "top.fasta", "w") as handle:
        for row in top.itertuples():
            note = f"rank={row.rank} target={design.target.record} site={row.start}-{row.end} predicted_remaining_pct={row.predicted_remaining_pct:.1f}"
            handle.write(f">{row.candidate}|guide {note}\n{row.guide}\n>{row.candidate}|passenger {note}\n{row.passenger}\n")
    (folder / "sites.bed").write_text(sites_bed(design))
    if design.settings.pattern:
        order_table(top, design.settings.pattern).to_csv(folder / "order.tsv", sep="\t", index=False)
    (folder / "design.json").write_text(json.dumps(json_safe(summary(design)), indent=1))
    efficacy = efficacy_plot_png(design)
    (folder / "efficacy.png").write_bytes(efficacy)
    (folder / "report.html").write_text(report_html(design, efficacy))


def sites_bed(design: Design) -> str:
    """The chosen candidates' sites for a genome browser, in transcript order: the stretch the guide
    pairs with, the candidate as name, its rank as score (1 = best; BED scores are 0–1000). BED6 on the
    transcript (0-based start, end exclusive, + strand), or with the target's GTF exons BED12 on the
    genome, the GTF's strand, one block per exon piece of the site."""
    rows = design.top.sort_values("start", kind="stable").itertuples()
    if design.exons is not None:
        return "".join(bed12_line(design.exons, row.start - 1, row.end, row.candidate, min(int(row.rank), 1000))
                       for row in rows)
    return "".join(f"{design.target.record}\t{row.start - 1}\t{row.end}\t{row.candidate}\t{min(int(row.rank), 1000)}\t+\n"
                   for row in rows)


def _filter_summary(filters) -> dict:
    """The filter settings for design.json; the miRNA seeds as their count (thousands in miRBase)."""
    shown = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in vars(filters).items()}
    shown["mirna_seeds"] = len(filters.mirna_seeds)
    return shown


def summary(design: Design) -> dict:
    """What design.json holds: target, settings, model, funnel, transcriptome and the top candidates."""
    target, settings = design.target, design.settings
    rules = filter_rules(settings.filters)
    return {
        "rnakit_version": __version__,
        "target": {"record": target.record, "header": target.header, "length": len(target.sequence),
                   "gene": target.gene, "cds": list(target.cds) if target.cds else None, "cds_source": target.cds_source},
        "settings": {"lengths": list(settings.lengths), "overhang": settings.overhang, "top": settings.top, "spacing": settings.spacing,
                     "pattern": settings.pattern, "variants_file": str(settings.variants_file) if settings.variants_file else None, "model": settings.model,
                     "gtf_file": str(settings.gtf_file) if settings.gtf_file else None,
                     "aligner": settings.aligner, "score_rejected": settings.score_rejected,
                     "conditions": vars(settings.conditions) if settings.pattern else None,
                     "filters": _filter_summary(settings.filters)},
        "candidates": len(design.candidates), "passed": int(design.candidates["passed"].sum()),
        "scored": int(design.candidates["predicted_remaining_pct"].notna().sum()),
        "funnel": [{**row, "rule": rules[row["filter"]]} for row in design.funnel],
        "rank_note": rank_note(design), "transcriptome": design.transcriptome,
        "sites_bed": ({"coordinates": "genome", "chrom": design.exons.chrom, "strand": design.exons.strand,
                       "gtf_transcript": design.exons.id} if design.exons else {"coordinates": "transcript"}),
        "top": design.top[top_columns(design.candidates)].to_dict(orient="records"),
    }


# The efficacy plot, drawn with Pillow: matplotlib's import and layout machinery cost more than the
# rest of the report for one scatter plot. Size and colours as the former matplotlib figure (10 × 3.6 in).
PLOT_SIZE = (1000, 360)
PLOT_BOX = (72, 34, 830, 300)  # the axes: left, top, right, bottom (pixels)
PASSED, REJECTED, CHOSEN, CDS_SHADE = (31, 119, 180), (166, 166, 166), (214, 39, 40), (235, 235, 235)


def nice_ticks(low: float, high: float, most: int = 9) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) covering ``low``..``high``, at most ``most`` of them."""
    span = max(high - low, 1e-9)
    step = next(m * 10.0 ** e for e in range(-3, 12) for m in (1, 2, 5) if span / (m * 10.0 ** e) <= most - 1)
    first = math.ceil(low / step - 1e-9)
    return [i * step for i in range(first, math.floor(high / step + 1e-9) + 1)]


def efficacy_plot_png(design: Design) -> bytes:
    """PNG of the predicted % mRNA remaining (floored at 0, as in the tables) of every scored candidate
    along the transcript, chosen ones marked (filtered-out candidates appear when they were scored)."""
    from PIL import Image, ImageDraw, ImageFont

    c, top, target = design.candidates, design.top, design.target
    image = Image.new("RGB", PLOT_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.load_default(size=13), ImageFont.load_default(size=11)
    left, upper, right, lower = PLOT_BOX
    y_values = c["predicted_remaining_pct"].dropna()
    y_high = max(10.0, math.ceil(float(y_values.max()) / 10) * 10) if len(y_values) else 100.0
    x_high = float(len(target.sequence))

    def px(x: np.ndarray | float) -> np.ndarray:
        return left + (np.asarray(x, dtype=float) / x_high) * (right - left)

    def py(y: np.ndarray | float) -> np.ndarray:
        return lower - (np.asarray(y, dtype=float) / y_high) * (lower - upper)

    legend = []
    if target.cds:
        draw.rectangle([float(px(target.cds[0] + 1)), upper, float(px(target.cds[1])), lower], fill=CDS_SHADE)
        legend.append(("square", CDS_SHADE, f"CDS ({target.cds_source})"))
    for rows, colour, radius, label in ((c[~c["passed"]], REJECTED, 1.0, "filtered out"),
                                        (c[c["passed"]], PASSED, 1.5, "passed")):
        rows = rows[rows["predicted_remaining_pct"].notna()]
        if label == "passed" or len(rows):
            for x, y in zip(px(rows["start"]), py(rows["predicted_remaining_pct"])):
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
            legend.append(("dot", colour, label))
    for x, y in zip(px(top["start"]), py(top["predicted_remaining_pct"])):
        draw.polygon([(x - 6, y - 5), (x + 6, y - 5), (x, y + 6)], fill=CHOSEN)
    legend.append(("triangle", CHOSEN, "chosen"))
    draw.rectangle([left, upper, right, lower], outline="black")
    for x in nice_ticks(0, x_high):
        draw.line([float(px(x)), lower, float(px(x)), lower + 4], fill="black")
        draw.text((float(px(x)), lower + 6), f"{x:g}", fill="black", font=small, anchor="mt")
    for y in nice_ticks(0, y_high):
        draw.line([left - 4, float(py(y)), left, float(py(y))], fill="black")
        draw.text((left - 6, float(py(y))), f"{y:g}", fill="black", font=small, anchor="rm")
    draw.text(((left + right) / 2, 8), "Predicted efficacy along the transcript", fill="black", font=font, anchor="mt")
    draw.text(((left + right) / 2, PLOT_SIZE[1] - 22), f"site start in {target.record} (nt)", fill="black", font=font,
              anchor="mt")
    label = Image.new("RGB", (lower - upper, 20), "white")  # the y label, drawn flat and turned upright
    ImageDraw.Draw(label).text(((lower - upper) / 2, 10), "predicted % mRNA remaining", fill="black", font=font,
                               anchor="mm")
    image.paste(label.rotate(90, expand=True), (8, upper))
    x0, y0 = right + 12, upper  # the legend beside the axes: no point hidden
    draw.rectangle([x0, y0, PLOT_SIZE[0] - 8, y0 + 8 + 18 * len(legend)], outline=(204, 204, 204))
    for i, (shape, colour, text) in enumerate(legend):
        cx, cy = x0 + 14, y0 + 13 + 18 * i
        if shape == "square":
            draw.rectangle([cx - 7, cy - 4, cx + 7, cy + 4], fill=colour)
        elif shape == "dot":
            draw.ellipse([cx - 2.5, cy - 2.5, cx + 2.5, cy + 2.5], fill=colour)
        else:
            draw.polygon([(cx - 6, cy - 5), (cx + 6, cy - 5), (cx, cy + 6)], fill=colour)
        draw.text((cx + 14, cy), text, fill="black", font=small, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _funnel_rows(design: Design) -> str:
    """The funnel table's rows, each with a bar of the candidates left (HTML, no figure to draw)."""
    rules = filter_rules(design.settings.filters)
    total = max(_windows(design), 1)
    return "".join(
        f"<tr><td>{r['filter']}</td><td>{html.escape(rules[r['filter']])}</td><td>{r['rejects']}</td>"
        f"<td>{r['rejects_first']}</td><td>{r['left']}</td>"
        f"<td class=\"bar\"><span style=\"width:{100 * r['left'] / total:.1f}%\"></span></td></tr>"
        for r in design.funnel)


def _windows(design: Design) -> int:
    """Every window enumerated: the candidates and the ones dropped as ambiguous."""
    return len(design.candidates) + sum(int(r["rejects"]) for r in design.funnel if r["filter"] == "ambiguous")


def scored_note(design: Design) -> str:
    """Which candidates have a predicted efficacy."""
    scored = int(design.candidates["predicted_remaining_pct"].notna().sum())
    if design.settings.score_rejected:
        return f"Efficacy predicted for all {scored:,} candidates, filtered-out ones included."
    return (f"Efficacy predicted for the {scored:,} candidates that pass the filters (the ones ranked); "
            "filtered-out candidates keep their filter columns (--score-rejected scores them too).")


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=lambda v: f"{v:.2f}", border=0, classes="top")


def report_html(design: Design, efficacy_png: bytes | None = None) -> str:
    """A single HTML file (plots embedded) a biologist can open or mail; ``efficacy_png`` saves
    drawing the efficacy plot again when the caller has it."""
    efficacy_png = efficacy_plot_png(design) if efficacy_png is None else efficacy_png
    target, top = design.target, design.top
    offtarget = (f"<p>Off-targets screened against {design.transcriptome['transcripts']} transcripts "
                 f"({design.transcriptome['excluded_as_target_or_isoform']} excluded as the target or its isoforms; "
                 f"near-perfect matches by {html.escape(design.transcriptome['near_perfect_search'])}).</p>"
                 if design.transcriptome else "<p>No transcriptome given: off-targets were not screened.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rnakit siRNA design: {html.escape(target.record)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}} table{{border-collapse:collapse;font-size:12px}}
td,th{{padding:2px 6px;border-bottom:1px solid #ddd;text-align:right}} code{{font-size:12px}}
.scroll{{overflow-x:auto}} table.top th:first-child,table.top td:first-child{{position:sticky;left:0;background:#fff}}
pre{{background:#f6f6f6;padding:1em;font-size:12px}}
td.bar{{width:240px;text-align:left}} td.bar span{{display:inline-block;height:10px;background:#1f77b4}}</style></head><body>
<h1>siRNA design for {html.escape(target.record)}</h1>
<p>{html.escape(target.header)}<br>{len(target.sequence)} nt; gene {html.escape(target.gene or 'not given')};
CDS {f'{target.cds[0] + 1}–{target.cds[1]} ({target.cds_source})' if target.cds else 'unknown'}.
Guide length(s) {', '.join(map(str, design.settings.lengths))} nt with {design.settings.overhang}-nt 3′ overhangs;
efficacy from the shipped <code>{design.settings.model}</code> model{'' if not design.settings.pattern else ' with pattern <code>' + html.escape(design.settings.pattern) + '</code>'}.
{len(design.candidates)} candidates, {int(design.candidates['passed'].sum())} pass the filters.
{html.escape(scored_note(design))}</p>
{offtarget}
<h2>Top {len(top)} candidates</h2>
<div class="scroll">{_table(top[top_columns(design.candidates)])}</div>
<p>{html.escape(rank_note(design))}</p>
<h2>Predicted efficacy along the transcript</h2>
<img alt="predicted efficacy along the transcript" src="{png_data_uri(efficacy_png)}">
<h2>Filter funnel</h2>
<p>{_windows(design):,} windows; each filter's rejects, those it rejects first, and the candidates left after it.</p>
<table><tr><th>filter</th><th>rule</th><th>rejects</th><th>rejects first</th><th>left</th><th></th></tr>{_funnel_rows(design)}</table>
<h2>Ranking</h2><pre>{html.escape(RANKING_DOC or '')}</pre>
<p>rnakit {__version__}</p></body></html>
"""
