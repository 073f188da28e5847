import os
import stat

import pytest

from rnakit.files import atomic_directory, atomic_write


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_atomic_write_gives_the_permissions_open_would(tmp_path, umask_022):
    target = tmp_path / "out.tsv"
    with atomic_write(target) as handle:
        handle.write("a\n")
    assert target.read_text() == "a\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # 0o666 less the umask, not mkstemp's 0o600


def test_atomic_directory_gives_the_permissions_mkdir_would_and_replaces_whole(tmp_path, umask_022):
    target = tmp_path / "run"
    target.mkdir()
    (target / "stale.txt").write_text("old")
    with atomic_directory(target) as folder:
        (folder / "new.txt").write_text("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no scratch left beside it


def test_a_failed_block_leaves_nothing(tmp_path):
    target = tmp_path / "out.tsv"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("boom")
    with pytest.raises(RuntimeError):
        with atomic_directory(tmp_path / "run"):
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_every_cache_lives_under_one_folder(tmp_path, monkeypatch):
    from rnakit.files import cache_folder
    from rnakit.hybrid.stats import default_hybrid_cache_dir
    from rnakit.lncrna.gtf import default_genome_index_dir
    from rnakit.serve.settings import default_results_dir
    from rnakit.sirna.design.offtarget import default_index_dir
    from rnakit.sirna.features.matrix import default_cache_dir

    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path))
    assert cache_folder("x") == tmp_path / "x"
    folders = [default_cache_dir(), default_hybrid_cache_dir(), default_index_dir(), default_genome_index_dir(),
               default_results_dir()]
    assert [f.parent for f in folders] == [tmp_path] * 5 and len(set(folders)) == 5


def test_json_safe_gives_standard_json_from_numpy_values():
    import json

    import numpy as np

    from rnakit.files import json_safe

    value = {"a": np.float32(1.5), "b": [np.nan, float("inf"), np.int64(3), True, np.bool_(False), None, "x"],
             2: (np.float64(-np.inf), 0.25)}
    text = json.dumps(json_safe(value), allow_nan=False)  # raises on NaN / Infinity
    assert json.loads(text) == {"a": 1.5, "b": [None, None, 3, True, False, None, "x"], "2": [None, 0.25]}
