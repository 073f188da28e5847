"""Sequence graphs (De Bruijn, k-mer graphs) and graph neural networks."""
