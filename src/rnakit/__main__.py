"""``python -m rnakit``: the same command line as ``rnakit``."""

from rnakit.cli import main

main()
