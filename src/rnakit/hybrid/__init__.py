"""RNA–RNA hybridisation (RNAhybrid-style): where a short RNA binds a long target, and how strongly.

    >>> from rnakit.hybrid import hybridise
    >>> hybridise("UGAGGUAGUAGGUUGUAUAGUU", "AACUAUACAACCUACUACCUCA").loc[0, "n_pairs"]
    np.int64(22)

Names are imported on first use (the search compiles with numba), so ``import rnakit.hybrid`` is quick.
``hybridise`` here is the flat, table-returning call (``rnakit.hybridise``); the one-pair search that
returns :class:`Hit` objects is :func:`rnakit.hybrid.search.hybridise`.
"""

from __future__ import annotations

from rnakit.lazy import lazy_exports

_HOMES = {
    "HybridRequest": "rnakit.hybrid.request",
    "hybridise": "rnakit.hybrid.request",
    "score_pairs": "rnakit.hybrid.pairs",
    "PAIR_COLUMNS": "rnakit.hybrid.pairs",
    "SearchOptions": "rnakit.hybrid.options",
    "Hit": "rnakit.hybrid.hit",
    "search": "rnakit.hybrid.search",
    "TSV_COLUMNS": "rnakit.hybrid.formats",
    "FORMATS": "rnakit.hybrid.formats",
    "format_rnahybrid": "rnakit.hybrid.formats",
    "write_hits": "rnakit.hybrid.formats",
    "seed_pairing": "rnakit.hybrid.seeds",
    "fixed_set_evd": "rnakit.hybrid.significance",
    "calibrated_evd": "rnakit.hybrid.significance",
    "with_p_value": "rnakit.hybrid.significance",
}

__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
