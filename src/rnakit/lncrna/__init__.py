"""lincRNA identification: the transcript filter, CPAT-style coding potential, the RNA-seq workflow.

    >>> from rnakit.lncrna import coding_potential
    >>> coding_potential("AUG" + "GCC" * 200 + "UAA").loc[0, "label"]
    'coding'

Names are imported on first use, so ``import rnakit.lncrna`` stays quick.
"""

from __future__ import annotations

from rnakit.lazy import lazy_exports

_HOMES = {
    "coding_potential": "rnakit.lncrna.request",
    "CodingRequest": "rnakit.lncrna.request",
    "LncrnaFilterRequest": "rnakit.lncrna.request",
    "FilterSettings": "rnakit.lncrna.settings",
    "CodingModel": "rnakit.lncrna.coding",
    "train_coding_model": "rnakit.lncrna.coding",
    "FilterInputs": "rnakit.lncrna.result",
    "FilterResult": "rnakit.lncrna.result",
    "filter_transcripts": "rnakit.lncrna.pipeline",
    "run_filter": "rnakit.lncrna.pipeline",
    "read_gtf": "rnakit.lncrna.gtf",
}

__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
