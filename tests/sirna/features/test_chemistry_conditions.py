import math

import pandas as pd

from rnakit.sirna.features.chemistry import modifications
from rnakit.sirna.features.conditions import conditions, normalise_cell_line
from rnakit.sirna.modifications import parse_mod_tokens
from rnakit.sirna.schema import canonical_frame


def test_modification_classes_links_and_terminal_groups():
    guide_tokens = parse_mod_tokens("VP u s Gf s a dT c (Agn) a")  # 7 nucleotides, links after 1 and 2
    passenger_tokens = parse_mod_tokens("g s a s u Cf Af L96")
    table = canonical_frame({
        "id": ["1", "2"], "guide": ["UGAUCAA", "UGAUCAA"], "passenger": ["GAUCA", "GAUCA"],
        "guide_mods": [guide_tokens, None], "passenger_mods": [passenger_tokens, None],
    }, 2)
    frame = modifications(table)
    modified, plain = frame.iloc[0], frame.iloc[1]
    assert modified["guide_p1_ome"] == 1 and modified["guide_p2_f"] == 1 and modified["guide_p4_dna"] == 1
    assert modified["guide_p6_other"] == 1  # glycol nucleic acid
    assert modified["guide_5prime_vp"] == 1 and modified["guide_5prime_phosphate"] == 0
    assert modified["guide_ps_5prime"] == 2 and modified["guide_ps_3prime"] == 0
    # 2'-OMe: u, a, c, a → 4 of 7 nucleotides; 2'-F: Gf → 1 of 7.
    assert modified["guide_frac_ome"] == 4 / 7 and modified["guide_frac_f"] == 1 / 7
    assert modified["passenger_galnac"] == 1 and modified["passenger_ps_5prime"] == 2
    assert modified["guide_p8_unmod"] == 0  # past the end: all zero
    # No token list: every position unmodified, no links, no conjugates.
    assert plain["guide_p1_unmod"] == 1 and plain["guide_frac_ome"] == 0 and plain["passenger_galnac"] == 0


def test_cell_line_normalisation():
    assert normalise_cell_line("Hep3B Cells") == "hep3b"
    assert normalise_cell_line("BE(2)-C Cells") == "be2c"
    assert normalise_cell_line("Primary Human Hepatocytes") == "primaryhumanhepatocytes"
    assert normalise_cell_line(None) is None


def test_conditions():
    table = canonical_frame({
        "id": ["1", "2", "3"], "guide": ["A"] * 3, "concentration_nm": [10.0, 0.0, math.nan],
        "hours": [24.0, 48.0, math.nan], "cell_line": ["Hep3B Cells", "Primary Mouse Hepatocytes", None],
        "transfection": ["Lipofectamine", "Free uptake", None], "species": ["Homo sapiens", None, None],
    }, 3)
    frame = conditions(table)
    assert frame["log10_concentration_nm"].iloc[0] == 1.0
    assert frame["log10_concentration_nm"].iloc[1:].isna().all()  # 0 nM and unknown: NaN, not −inf
    assert frame["primary_cells"].tolist()[:2] == [0.0, 1.0] and pd.isna(frame["primary_cells"].iloc[2])
    assert frame["cell_line"].iloc[0] == "hep3b" and frame["transfection"].iloc[1] == "free_uptake"
    assert isinstance(frame["cell_line"].dtype, pd.CategoricalDtype)


def test_identity_merges_orthologs_and_keeps_missing_missing():
    from rnakit.sirna.features.identity import identity

    table = canonical_frame({
        "id": ["1", "2", "3"], "guide": ["A"] * 3, "gene": ["HAO1", "Hao1", None],
        "publication": ["P1", None, "P2"],
    }, 3)
    frame = identity(table)
    assert frame["gene"].tolist()[:2] == ["HAO1", "HAO1"] and pd.isna(frame["gene"].iloc[2])
    assert frame["publication"].iloc[0] == "P1" and pd.isna(frame["publication"].iloc[1])
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in frame.columns)
