"""The registry matches the files on disk (its row and gene counts are checked in test_shared_datasets)."""

import hashlib

import pytest

from rnakit.errors import DatasetNotFoundError
from rnakit.sirna.datasets import get_info, registry
from tests.conftest import shared_data_or_skip


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(DatasetNotFoundError, match="known: sais_sirna_2024"):
        get_info("nope")


@pytest.mark.parametrize("name", list(registry()))
def test_files_match_their_recorded_sha256(name):
    folder = shared_data_or_skip() / get_info(name).folder
    for file, expected in get_info(name).files.items():
        digest = hashlib.sha256((folder / file).read_bytes()).hexdigest()
        assert digest == expected, f"{name}: {file} changed on disk"
