"""Housekeeping ncRNAs (rRNA, tRNA, sn/snoRNA, miRNA …): a candidate sharing exons with one is rejected.

A transcript assembled over a snoRNA or a miRNA host locus is that small RNA's precursor or
fragment, not a lincRNA. The small RNAs are found by the annotation's biotype attributes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import pandas as pd

from rnakit.lncrna.gtf import Transcript
from rnakit.lncrna.location import exonic_overlaps
from rnakit.lncrna.settings import HOUSEKEEPING_BIOTYPES  # noqa: F401  (re-exported: its home is light)

log = logging.getLogger(__name__)



def housekeeping_transcripts(annotation: Mapping[str, Transcript], biotypes: Iterable[str]) -> list[Transcript] | None:
    """Reference transcripts whose biotype is in ``biotypes``; None (with a warning) when the
    annotation has no biotype attributes at all, so the filter cannot apply."""
    if not any(t.biotype for t in annotation.values()):
        log.warning("the annotation has no biotype attributes (gene_biotype, gene_type, transcript_biotype, "
                    "transcript_type): the housekeeping ncRNA filter cannot apply")
        return None
    wanted = set(biotypes)
    return [t for t in annotation.values() if t.biotype in wanted]


def housekeeping_overlaps(candidates: Iterable[Transcript], housekeeping: Iterable[Transcript]) -> pd.Series:
    """Per candidate id, the housekeeping transcripts it shares exons with on its strand, as
    ``id(biotype)`` joined by commas; ``""`` when none."""
    candidates = list(candidates)
    housekeeping = list(housekeeping)
    biotype = {t.id: t.biotype for t in housekeeping}
    pairs = exonic_overlaps(candidates, housekeeping)
    pairs = pairs[pairs["same_strand"]]
    labels = pairs.groupby("id", sort=False)["other"].agg(lambda ids: ",".join(f"{i}({biotype[i]})" for i in sorted(ids)))
    return pd.Series([labels.get(t.id, "") for t in candidates], index=pd.Index([t.id for t in candidates], name="id"),
                     name="housekeeping_overlap", dtype=object)
