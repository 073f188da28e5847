"""rnakit: machine learning on RNA, centred on siRNA knockdown-efficacy prediction.

The jobs as Python functions, each returning a DataFrame with the CLI's column names::

    import rnakit
    top = rnakit.design("NM_002046.fa", top=10)           # or a sequence, a SeqRecord, a list of them
    scores = rnakit.predict("sirnas.csv", model="default")
    oof = rnakit.train(rnakit.load_table("mine.csv", guide_col="antisense", label_col="left"), cv="gene")
    hits = rnakit.hybridise("miR.fa", "utr.fa")
    coding = rnakit.coding_potential("transcripts.fa")

They are imported on first use, so ``import rnakit`` (and ``rnakit --help``) stays fast.
"""

from __future__ import annotations

from rnakit.lazy import lazy_exports

__version__ = "0.1.0"

#: Public name → the module defining it (imported when the name is first used).
_HOMES = {
    "design": "rnakit.sirna.api",
    "predict": "rnakit.sirna.api",
    "train": "rnakit.sirna.api",
    "load_table": "rnakit.sirna.api",
    "hybridise": "rnakit.hybrid.request",
    "coding_potential": "rnakit.lncrna.request",
}

__all__ = ["__version__", *sorted(_HOMES)]
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
