"""``rnakit serve``: a local web app (and JSON API) over the same Python API as the CLI.

Long analyses (siRNA design, predictions for an uploaded table) run as background jobs in worker
processes with a time limit; short ones (a few predictions, hybridisation, coding potential) run in
the request under size limits. Every result lives in its own folder under the results directory.
"""
