"""``python -m rnakit.serve [OPTIONS]``: the same as ``rnakit serve [OPTIONS]``.

The guard matters: job worker processes import the main module, which must not start a server.
"""

import sys

from rnakit.cli import app

if __name__ == "__main__":
    app(["serve", *sys.argv[1:]], prog_name="python -m rnakit.serve")
