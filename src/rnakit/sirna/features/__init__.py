"""siRNA feature groups (see :func:`groups`) and the function that assembles a feature matrix."""

from rnakit.sirna.features.registry import FeatureGroup, feature_group, groups, resolve_groups

# Importing the group modules registers them, in this order.
from rnakit.sirna.features import sequence, energy, rules, chemistry, target, conditions, identity, transcript  # noqa: E402,F401  isort:skip
from rnakit.sirna.features.matrix import compute_features, default_cache_dir  # noqa: E402  isort:skip

__all__ = ["FeatureGroup", "compute_features", "default_cache_dir", "feature_group", "groups", "resolve_groups"]
