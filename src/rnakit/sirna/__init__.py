"""siRNA layer: datasets and the canonical table, validation, metrics, splits."""
