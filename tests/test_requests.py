"""The request base: parsing string inputs, defaults, JSON round trip, field-named errors, command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rnakit.requests import Request, RequestError, parse_ints, parse_range, spell_range


@dataclass(frozen=True)
class Job(Request):
    COMMAND = ("job", "run")
    POSITIONAL = ("target",)
    FLAGS = {"top": "--top", "lengths": "--length", "gc": "--gc", "note": "--note", "fast": "--fast",
             "limit": "--max-limit"}
    PARSERS = {"lengths": parse_ints, "gc": parse_range}
    HINTS = {"gc": "a range like 30-64"}
    SPELLERS = {"gc": spell_range}

    target: Path | None = None
    top: int = 20
    lengths: tuple[int, ...] = (21,)
    gc: tuple[float, float] = (30.0, 64.0)
    note: str | None = None
    fast: bool = False
    limit: float | None = None

    def _check(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise RequestError(f"{self.limit:g} must be ≥ 0", name="limit")


def test_strings_parse_to_the_field_types() -> None:
    request = Job.from_dict({"target": "a.fa", "top": "5", "lengths": "19..21", "gc": "25-60", "fast": "true",
                             "limit": "2.5", "note": ""})
    assert request == Job(target=Path("a.fa"), top=5, lengths=(19, 20, 21), gc=(25.0, 60.0), fast=True, limit=2.5)
    assert Job.from_dict({"lengths": "21,19,21"}).lengths == (19, 21)


def test_json_round_trip_keeps_every_field() -> None:
    request = Job(target=Path("x/a.fa"), top=3, lengths=(19, 23), gc=(20.0, 70.5), note="hi", fast=True, limit=1.0)
    assert request.to_dict()["lengths"] == [19, 23]
    assert Job.from_json(request.to_json()) == request


def test_defaults_are_the_dataclass_defaults() -> None:
    assert Job.default("gc") == (30.0, 64.0)
    assert Job.spelt_default("gc") == "30-64"
    assert Job.spelt_default("limit") == ""


def test_errors_name_the_field_and_the_cli_shows_the_flag() -> None:
    with pytest.raises(RequestError) as caught:
        Job(limit=-1.0).check()
    assert str(caught.value) == "field 'limit': -1 must be ≥ 0"
    assert caught.value.for_cli() == "option '--max-limit': -1 must be ≥ 0"
    with pytest.raises(RequestError, match=r"^field 'top': 'many' is not a whole number$"):
        Job.from_dict({"top": "many"})
    with pytest.raises(RequestError, match=r"^field 'colour': unknown field"):
        Job.from_dict({"colour": "red"})
    with pytest.raises(RequestError, match=r"^field 'gc': '30' is not a range like 30-64$"):
        Job.from_dict({"gc": "30"})


def test_cli_command_spells_only_what_differs_from_the_defaults() -> None:
    assert Job(target=Path("a b.fa")).cli_command() == "rnakit job run 'a b.fa'"
    request = Job(target=Path("a.fa"), top=5, lengths=(19, 21), gc=(25.0, 60.0), fast=True, limit=0.5)
    assert request.cli_command() == "rnakit job run a.fa --top 5 --length 19,21 --gc 25-60 --fast --max-limit 0.5"
    assert request.cli_command(target="upload.fa").startswith("rnakit job run upload.fa --top")
