"""One request object per job: its defaults, parsing, checks, JSON form and equivalent command line.

The CLI, the web app and the Python API all fill a request's fields and hand it to one library
function, so a default or a check is written once, here or in the request's own module. A request is
a frozen dataclass; this module gives the shared machinery and imports nothing heavy (the CLI builds
its options from these defaults while ``rnakit --help`` must stay fast).

Example (a request defined for this docstring; the real ones live beside their jobs)::

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Demo(Request):
    ...     COMMAND = ("demo",)
    ...     FLAGS = {"top": "--top", "lengths": "--length"}
    ...     PARSERS = {"lengths": parse_ints}
    ...     top: int = 20
    ...     lengths: tuple[int, ...] = (21,)
    ...     def _check(self) -> None:
    ...         if self.top < 1:
    ...             raise RequestError(f"{self.top} must be ≥ 1", name="top")
    >>> request = Demo.from_dict({"top": "5", "lengths": "19..21"})
    >>> request
    Demo(top=5, lengths=(19, 20, 21))
    >>> Demo.from_json(request.to_json()) == request
    True
    >>> request.cli_command()
    'rnakit demo --top 5 --length 19,20,21'
    >>> Demo(top=0).check()
    Traceback (most recent call last):
    ...
    rnakit.requests.RequestError: field 'top': 0 must be ≥ 1
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shlex
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rnakit.errors import RnakitError

R = TypeVar("R", bound="Request")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class RequestError(RnakitError):
    """A request field holds a bad value; the message names the field (the CLI shows its flag instead)."""

    def __init__(self, message: str, *, name: str, flags: Mapping[str, str] | None = None,
                 file: str | None = None, row: int | str | None = None) -> None:
        self.name = name
        self.flags = dict(flags or {})
        super().__init__(message, file=file, row=row)

    def _compose(self) -> str:
        return self.labelled(f"field '{self.name}'")

    def labelled(self, label: str) -> str:
        """The message with ``label`` where the field's name would be."""
        where = [] if self.file is None else [str(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}" if isinstance(self.row, int) else f"record {self.row}")
        return ": ".join([*where, label, self.detail])

    def for_cli(self) -> str:
        """The message as the command line shows it: the field's flag instead of its name."""
        return self.labelled(f"option '{self.flags.get(self.name, flag_of(self.name))}'")


def flag_of(name: str) -> str:
    """The flag a field gets unless its request says otherwise: ``max_af`` → ``--max-af``."""
    return "--" + name.replace("_", "-")


def parse_ints(text: str) -> tuple[int, ...]:
    """``21``, ``19..23`` or ``19,21`` → sorted distinct whole numbers."""
    if ".." in text:
        low, high = (int(v) for v in text.split(".."))
        return tuple(range(low, high + 1))
    return tuple(sorted({int(v) for v in text.split(",") if v.strip()}))


def parse_range(text: str) -> tuple[float, float]:
    """``30-64`` → (30.0, 64.0): two numbers separated by a dash."""
    low, high = (float(v) for v in text.split("-"))
    return low, high


def spell_range(value: tuple[float, float]) -> str:
    """(30.0, 64.0) → ``30-64``, the spelling ``parse_range`` reads."""
    return f"{value[0]:g}-{value[1]:g}"


@dataclasses.dataclass(frozen=True)
class Request:
    """Base of every job's request: subclasses are frozen dataclasses whose fields are the job's options.

    ``COMMAND`` is the CLI command's words after ``rnakit``; ``POSITIONAL`` the fields given as
    arguments (in order); ``FLAGS`` each other field's flag (fields in neither are not on the command
    line); ``PARSERS`` field → function reading the field's string form (else the field's type reads
    it), ``HINTS`` what such a field's string should look like (for the error); ``SPELLERS`` field →
    function writing it back for the command line.
    """

    COMMAND: ClassVar[tuple[str, ...]] = ()
    POSITIONAL: ClassVar[tuple[str, ...]] = ()
    FLAGS: ClassVar[Mapping[str, str]] = {}
    PARSERS: ClassVar[Mapping[str, Callable[[str], Any]]] = {}
    HINTS: ClassVar[Mapping[str, str]] = {}
    SPELLERS: ClassVar[Mapping[str, Callable[[Any], str]]] = {}

    # --- construction --------------------------------------------------------------------------

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every field's default (the one place each is written)."""
        return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}

    @classmethod
    def default(cls, name: str) -> Any:
        """One field's default."""
        return cls.defaults()[name]

    @classmethod
    def spelt_default(cls, name: str) -> str:
        """A field's default as a form or the command line spells it ('' for none)."""
        value = cls.default(name)
        return "" if value is None else cls._spell(name, value)

    @classmethod
    def from_dict(cls: type[R], data: Mapping[str, Any], *, check: bool = True) -> R:
        """A request from field values, strings parsed (``"19..23"``, ``"30-64"``, ``"5"``); unset fields
        take their defaults, an unknown field or a value that does not parse is a RequestError."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise RequestError(f"unknown field (known: {', '.join(known)})", name=unknown[0], flags=cls.FLAGS)
        values = {name: cls._parse(name, known[name].type, value) for name, value in data.items()}
        request = cls(**values)
        return request.check() if check else request

    @classmethod
    def from_json(cls: type[R], text: str) -> R:
        """The request ``to_json`` wrote."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise RequestError(f"not JSON ({error})", name="request") from None
        if not isinstance(data, dict):
            raise RequestError("expected a JSON object of fields", name="request")
        return cls.from_dict(data)

    @classmethod
    def _parse(cls, name: str, annotation: Any, value: Any) -> Any:
        kind = _resolve(cls, name) if isinstance(annotation, str) else annotation
        try:
            if isinstance(value, str) and name in cls.PARSERS:
                return cls.PARSERS[name](value.strip())
            return _coerce(kind, value)
        except (ValueError, TypeError):
            noun = cls.HINTS.get(name) or _noun(kind)
            raise RequestError(f"{value!r} is not {noun}", name=name, flags=cls.FLAGS) from None

    # --- checks --------------------------------------------------------------------------------

    def check(self: R) -> R:
        """This request after its checks (itself); a bad field raises RequestError naming it."""
        try:
            self._check()
        except RequestError as error:
            error.flags = {**self.FLAGS, **error.flags}
            raise
        return self

    def _check(self) -> None:
        """Subclasses raise ``RequestError(..., name=field)`` for a bad field."""

    def error(self, message: str, name: str, **where: Any) -> RequestError:
        """A RequestError about field ``name`` of this request."""
        return RequestError(message, name=name, flags=self.FLAGS, **where)

    @contextlib.contextmanager
    def about(self, name: str) -> Iterator[None]:
        """Inside, a library check's error that names no file becomes a RequestError about field ``name``
        (the library's own wording kept; where the value is, the field says)."""
        try:
            yield
        except RequestError:
            raise
        except RnakitError as error:
            if error.file is not None:
                raise
            # A check shared by several fields names the one it blames by field or flag.
            named = {flag: field for field, flag in self.FLAGS.items()}.get(error.column, error.column) \
                if error.column else None
            fields = {f.name for f in dataclasses.fields(self)}
            raise self.error(error.detail, named if named in fields else name) from None

    # --- writing -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON values (paths as strings, tuples as lists)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self) -> str:
        """The request as one JSON object; ``from_json`` reads it back."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def changed(self) -> dict[str, Any]:
        """The fields whose values differ from their defaults."""
        defaults = self.defaults()
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in defaults or getattr(self, f.name) != defaults[f.name]}

    def cli_command(self, **shown: str) -> str:
        """The ``rnakit …`` command line doing the same (options left at their defaults omitted);
        ``shown`` gives a field the text to show instead of its value (an uploaded file's name), and
        shows it even when at its default."""
        words = ["rnakit", *self.COMMAND]
        for name in self.POSITIONAL:
            value = getattr(self, name)
            if name in shown or value is not None:
                words.append(shown.get(name) or self._spell(name, value))
        changed = self.changed()
        for f in dataclasses.fields(self):
            name, value = f.name, getattr(self, f.name)
            on_cli = name in self.FLAGS or dataclasses.is_dataclass(value)  # a group's members have their own flags
            if name in self.POSITIONAL or not on_cli or (name not in changed and name not in shown):
                continue
            if name in shown:
                words += [self.FLAGS[name], shown[name]]
            elif dataclasses.is_dataclass(value):  # a group of options (the column names): each its own flag
                default = type(value)()
                words += [w for f in dataclasses.fields(value) if getattr(value, f.name) != getattr(default, f.name)
                          for w in (flag_of(f.name), str(getattr(value, f.name)))]
            elif isinstance(value, bool):
                words += [self.FLAGS[name]] if value else []
            elif value is not None:
                words += [self.FLAGS[name], self._spell(name, value)]
        return shlex.join(words)

    @classmethod
    def _spell(cls, name: str, value: Any) -> str:
        if name in cls.SPELLERS:
            return cls.SPELLERS[name](value)
        if isinstance(value, (tuple, list)):
            return ",".join(cls._spell("", v) for v in value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)


# --- type coercion ---------------------------------------------------------------------------------

def _resolve(cls: type, name: str) -> Any:
    return typing.get_type_hints(cls)[name]


def _coerce(kind: Any, value: Any) -> Any:
    """``value`` (a string from a form or the command line, or a JSON value) as type ``kind``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and not value.strip() and type(None) in args):
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        items = [i.strip() if isinstance(i, str) else i for i in items]
        item = args[0] if args else str
        return tuple(_coerce(item, i) for i in items if i != "")
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if isinstance(value, kind):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(value)
        return kind(**value)
    if kind is bool:
        if isinstance(value, str):
            if value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise ValueError(value)
        return bool(value)
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    if kind is float:
        return float(value)
    if kind is Path:
        return Path(value)
    if kind is str:
        if not isinstance(value, str):
            raise TypeError(value)
        return value
    return value  # anything else (a DataFrame, a list of records) is taken as given


def _noun(kind: Any) -> str:
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if len(args) == 1 and typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = args[0]
    if typing.get_origin(kind) is tuple:
        return "a comma-separated list"
    return {int: "a whole number", float: "a number", bool: "true or false", str: "text"}.get(kind, "a valid value")


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value
