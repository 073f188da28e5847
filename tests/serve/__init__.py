"""Tests of ``rnakit serve``: shared helpers in ``helpers``, stand-in jobs in ``standins``.

This package is imported by every job worker that runs a stand-in job, so it imports nothing itself.
"""
