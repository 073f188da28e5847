"""A saved model's constructor parameters, read back whichever rnakit version wrote them."""

from __future__ import annotations

from typing import Any

#: Parameters that older versions saved under another name → today's name (scikit-learn's), so that
#: models saved before the rename (the shipped ones among them, and users' run folders) still load.
RENAMED = {"seed": "random_state", "threads": "n_jobs"}


def saved_params(estimator: type, params: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments to rebuild ``estimator`` from the ``params`` a saved model stored: old names
    renamed (:data:`RENAMED`), parameters this version no longer has left out."""
    known = estimator().get_params(deep=False)
    renamed = {RENAMED.get(name, name): value for name, value in params.items()}
    return {name: value for name, value in renamed.items() if name in known}
