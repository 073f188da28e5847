"""siRNA feature groups (see :func:`groups`) and the function that assembles a feature matrix.

Names are imported on first use (:mod:`rnakit.lazy`), and the group modules when groups are first asked
for (:func:`~rnakit.sirna.features.registry.groups`): importing a light part of the package, as design's
filters and model loading do, does not load numba and ViennaRNA (a design's processes that compute
features load them in parallel).
"""

from rnakit.lazy import lazy_exports

_HOMES = {
    "FeatureGroup": "rnakit.sirna.features.registry",
    "feature_group": "rnakit.sirna.features.registry",
    "groups": "rnakit.sirna.features.registry",
    "resolve_groups": "rnakit.sirna.features.registry",
    "compute_features": "rnakit.sirna.features.matrix",
    "default_cache_dir": "rnakit.sirna.features.matrix",
}
__all__ = sorted(_HOMES)
__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
