"""The registry matches the files on disk and the tables its readers produce."""

import hashlib

import pytest

from rnakit.errors import DatasetNotFoundError
from rnakit.sirna.datasets import get_info, load_dataset, registry
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


@pytest.mark.parametrize("name", list(registry()))
def test_recorded_rows_and_genes_match_the_table(name):
    data_dir = shared_data_or_skip()
    info = get_info(name)
    table = load_dataset(name, data_dir)
    assert len(table) == info.rows
    assert table["source"].notna().all()
    if info.genes is not None:
        genes = table["gene"].dropna().str.upper()
        counted = genes.nunique() if len(genes) else table["transcript_id"].dropna().nunique()
        assert counted == info.genes
