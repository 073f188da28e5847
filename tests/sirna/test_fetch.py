"""Dataset download against an HTTP server on loopback (this machine has no internet)."""

import functools
import hashlib
import http.server
import threading

import pytest

from rnakit.errors import DatasetNotFoundError, MismatchError
from rnakit.sirna.datasets.fetch import fetch_dataset
from rnakit.sirna.datasets.registry import DatasetInfo


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 for the duration of one test."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def info_for(files: dict[str, bytes], base_url: str, **overrides) -> DatasetInfo:
    fields = dict(
        name="toy", reader="sais", folder="toy", description="", label_kind="remaining", licence="",
        origin="example", rows=0,
        files={name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        urls={name: f"{base_url}/{name}" for name in files},
    )
    fields.update(overrides)
    return DatasetInfo(**fields)


def test_fetch_downloads_and_verifies(server, tmp_path):
    root, url = server
    files = {"a.csv": b"x,y\n1,2\n", "b.fa": b">r\nACGU\n"}
    for name, data in files.items():
        (root / name).write_bytes(data)
    paths = fetch_dataset(info_for(files, url), tmp_path / "data")
    assert [p.read_bytes() for p in paths] == list(files.values())
    # A second fetch finds verified files and downloads nothing: the server can go.
    for name in files:
        (root / name).unlink()
    assert fetch_dataset(info_for(files, url), tmp_path / "data") == paths


def test_checksum_mismatch_leaves_no_file(server, tmp_path):
    root, url = server
    (root / "a.csv").write_bytes(b"tampered\n")
    info = info_for({"a.csv": b"original\n"}, url)
    with pytest.raises(MismatchError, match="checksum mismatch"):
        fetch_dataset(info, tmp_path / "data")
    folder = tmp_path / "data" / "toy"
    assert not any(folder.iterdir())


def test_missing_remote_file_is_a_clear_error(server, tmp_path):
    _, url = server
    with pytest.raises(DatasetNotFoundError, match="download failed"):
        fetch_dataset(info_for({"gone.csv": b"x"}, url), tmp_path / "data")


def test_dataset_without_addresses_says_where_to_get_it(tmp_path):
    info = info_for({"a.csv": b"x"}, "http://unused", urls={}, origin="the paper's supplement")
    with pytest.raises(DatasetNotFoundError, match="the paper's supplement"):
        fetch_dataset(info, tmp_path)
