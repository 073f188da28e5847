import csv

import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.modifications import MOD_TOKENS, bases_of, parse_mod_tokens
from tests.conftest import shared_data_or_skip


def test_classes_of_the_notation():
    assert MOD_TOKENS["a"].sugar == "2'-OMe" and MOD_TOKENS["a"].base == "A"
    assert MOD_TOKENS["Gf"].sugar == "2'-F" and MOD_TOKENS["Gf"].base == "G"
    assert MOD_TOKENS["dT"].sugar == "DNA" and MOD_TOKENS["dT"].base == "U"
    assert MOD_TOKENS["s"].kind == "linkage"
    assert MOD_TOKENS["VP"].kind == "terminal"
    assert MOD_TOKENS["L96"].kind == "conjugate"


def test_parse_and_spell():
    tokens = parse_mod_tokens("VP u Gf s dT L96")
    assert tokens == ("VP", "u", "Gf", "s", "dT", "L96")
    assert bases_of(tokens) == "UGU"


def test_missing_list_is_none():
    assert parse_mod_tokens(None) is None
    assert parse_mod_tokens(float("nan")) is None
    assert parse_mod_tokens("  ") is None


def test_unknown_token_is_an_error_naming_it_and_the_row():
    with pytest.raises(ValueRangeError, match=r"row 7: column 'mods': unknown modification token 'Xq' at token 2"):
        parse_mod_tokens("a Xq", file="f.csv", row=7, column="mods")
    assert parse_mod_tokens("a Xq", allow_unknown=True) == ("a", "Xq")


def test_token_table_covers_exactly_the_competition_vocabulary():
    folder = shared_data_or_skip() / "sais_sirna_2024"
    with (folder / "vocab.csv").open(newline="") as handle:
        codes = {row["Abbreviation"] for row in csv.DictReader(handle)}
    assert codes == set(MOD_TOKENS)
