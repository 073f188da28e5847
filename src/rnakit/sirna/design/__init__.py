"""siRNA design for a target transcript: candidates, filters, predicted efficacy, off-targets, ranking, report.

``rnakit.design`` is the one call; here are its parts. Names are imported on first use.

    >>> from rnakit.sirna.design import DesignRequest
    >>> DesignRequest(example=True, top=5).cli_command(out="OUT")
    'rnakit sirna design --example -o OUT --top 5'
"""

from __future__ import annotations

from rnakit.lazy import lazy_exports

_HOMES = {
    "DesignRequest": "rnakit.sirna.design.request",
    "run": "rnakit.sirna.design.job",
    "targets_from": "rnakit.sirna.design.targets",
    "Design": "rnakit.sirna.design.design",
    "DesignSettings": "rnakit.sirna.design.design",
    "design_target": "rnakit.sirna.design.design",
    "Target": "rnakit.sirna.design.targets",
    "make_target": "rnakit.sirna.design.targets",
    "read_targets": "rnakit.sirna.design.targets",
    "design_settings": "rnakit.sirna.design.options",
    "example_target": "rnakit.sirna.design.options",
    "write_design": "rnakit.sirna.design.report",
}

__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
