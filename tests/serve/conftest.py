"""A real ``rnakit serve`` in a subprocess on a free loopback port, for the tests that need a live server
(the browser test): the test client cannot stand in for a browser talking HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rnakit.serve.local import local_server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``rnakit serve`` on 127.0.0.1 with its results in a temporary folder."""
    scratch = tmp_path_factory.mktemp("serve")
    with local_server(scratch / "results", scratch / "server.log") as server:
        yield server.url
