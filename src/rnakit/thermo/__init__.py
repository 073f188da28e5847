"""Thermodynamics: nearest-neighbour stacking energies and ViennaRNA wrappers."""
