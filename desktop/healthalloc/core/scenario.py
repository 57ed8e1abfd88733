"""Calculator scenarios: a small JSON file (``.healthalloc-scenario``) naming a calculator, its inputs and a title.

Instructors prepare them before class and open them with one key; students pass them around. A file from someone
else is untrusted, so reading one checks everything before anything is used: the size (at most
:data:`MAX_BYTES`), that it is JSON without duplicate keys or NaN, the envelope (format, version, calculator,
title) and the shape of the inputs (names, JSON scalars or short lists, no deep nesting). The calculator then
validates the values against its declared inputs (``InputSpec.validate``) before it changes anything.

Example::

    {"format": "healthalloc-scenario", "version": 1, "calculator": "capitation",
     "title": "Two practices, same size", "inputs": {"tab": "panel", "preset": "two-practices"}}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthalloc.core.files import atomic_write_text, read_limited
from healthalloc.core.inputs import InputSpec, validate_inputs

SUFFIX = ".healthalloc-scenario"
FORMAT = "healthalloc-scenario"
VERSION = 1
MAX_BYTES = 64 * 1024
MAX_TITLE = 200
MAX_STRING = 2_000
MAX_LIST = 500
MAX_VALUES = 2_000
MAX_DEPTH = 3
KEYS = ("format", "version", "calculator", "title", "inputs", "saved_with")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says why in words a student can act on."""


@dataclass(frozen=True)
class Scenario:
    calculator: str
    title: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    saved_with: str = ""

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "calculator": self.calculator,
            "title": self.title,
            "inputs": _plain(self.inputs),
        }
        if self.saved_with:
            data["saved_with"] = self.saved_with
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _plain(value: Any) -> Any:
    """Tuples become lists so the file is ordinary JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def save_scenario(path: str | Path, scenario: Scenario, *, calculators: Collection[str] | None = None) -> Path:
    """Check ``scenario`` as if it had been read from a file, then write it atomically. Returns the path written."""
    text = scenario.to_json()
    parse_scenario(text, calculators=calculators)  # never write a file the app would refuse to open
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ScenarioError(f"this scenario is larger than {MAX_BYTES // 1024} KiB and cannot be saved")
    target = Path(path)
    if not target.name.endswith(SUFFIX) and target.suffix.lower() != ".json":
        target = target.with_name(target.name + SUFFIX)
    atomic_write_text(target, text)
    return target


def load_scenario(path: str | Path, *, calculators: Collection[str] | None = None) -> Scenario:
    """Read and check a scenario file. Raises :class:`ScenarioError` naming the file and the problem."""
    target = Path(path)
    try:
        raw = read_limited(target, MAX_BYTES)
    except FileNotFoundError:
        raise ScenarioError(f"{target.name}: the file does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"{target.name}: this is a folder, not a scenario file") from None
    except ValueError as error:
        raise ScenarioError(f"{error}; this does not look like a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"{target.name}: cannot be read ({error.strerror or error})") from None
    try:
        return parse_scenario(raw, calculators=calculators)
    except ScenarioError as error:
        raise ScenarioError(f"{target.name}: {error}") from None


def parse_scenario(data: bytes | str, *, calculators: Collection[str] | None = None) -> Scenario:
    """Check the text of a scenario file; ``calculators`` are the ids the app can open (None: any id)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ScenarioError(f"larger than {MAX_BYTES // 1024} KiB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError("not a text file (a scenario is UTF-8 JSON)") from None
    else:
        text = data
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise ScenarioError("nested too deeply") from None
    except ScenarioError:
        raise
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        raise ScenarioError("a number in it is far too long") from None
    if not isinstance(document, dict):
        raise ScenarioError("a scenario file holds one JSON object { ... }")
    unknown = sorted(set(document) - set(KEYS))
    if unknown:
        raise ScenarioError(f"unknown key(s) {', '.join(map(repr, unknown))}; expected {', '.join(KEYS)}")
    if document.get("format") != FORMAT:
        raise ScenarioError(f'not a healthalloc scenario ("format" must be "{FORMAT}")')
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError('"version" must be a whole number')
    if version > VERSION:
        raise ScenarioError(f"made by a newer version of healthalloc (scenario version {version}); please update")
    if version < 1:
        raise ScenarioError(f"unknown scenario version {version}; expected {VERSION}")
    calculator = document.get("calculator")
    if not isinstance(calculator, str) or not calculator:
        raise ScenarioError('"calculator" must name a calculator, e.g. "capitation"')
    if calculators is not None and calculator not in calculators:
        known = ", ".join(sorted(calculators))
        raise ScenarioError(f'no calculator called "{calculator[:60]}" (this app has: {known})')
    title = document.get("title", "")
    if not isinstance(title, str):
        raise ScenarioError('"title" must be text')
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise ScenarioError(f'"title" is longer than {MAX_TITLE} characters')
    saved_with = document.get("saved_with", "")
    if not isinstance(saved_with, str) or len(saved_with) > 100:
        raise ScenarioError('"saved_with" must be a short piece of text')
    inputs = document.get("inputs")
    if not isinstance(inputs, dict):
        raise ScenarioError('"inputs" must be an object of input names and values')
    _check_values(inputs, "inputs", depth=1, budget=[MAX_VALUES])
    return Scenario(calculator, title, inputs, saved_with)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ScenarioError(f'the key "{key[:60]}" appears twice')
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ScenarioError(f"{name} is not a number a calculator can use")


def _check_values(value: Any, where: str, *, depth: int, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError(f"too many values (more than {MAX_VALUES})")
    if isinstance(value, dict):
        if depth > MAX_DEPTH:
            raise ScenarioError(f"{where} is nested too deeply")
        for key, item in value.items():
            if not NAME.match(key):
                raise ScenarioError(f"{where}: {key[:60]!r} is not an input name")
            _check_values(item, f"{where}.{key}", depth=depth + 1, budget=budget)
    elif isinstance(value, list):
        if len(value) > MAX_LIST:
            raise ScenarioError(f"{where} has more than {MAX_LIST} items")
        for item in value:
            if isinstance(item, (dict, list)):
                raise ScenarioError(f"{where}: a list holds plain values only")
            _check_values(item, where, depth=depth, budget=budget)
    elif isinstance(value, str):
        if len(value) > MAX_STRING:
            raise ScenarioError(f"{where} is longer than {MAX_STRING} characters")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ScenarioError(f"{where} is not a finite number")
    elif value is not None and not isinstance(value, (bool, int)):
        raise ScenarioError(f"{where} has a value of an unsupported type")


def check_inputs(specs: Iterable[InputSpec], inputs: Mapping[str, Any]) -> dict[str, object]:
    """Validate a flat set of inputs against a calculator's declared inputs (missing ones take defaults).

    Raises :class:`ScenarioError` with the input's own message (e.g. "Age must be between 0 and 120; got 200").
    """
    try:
        return validate_inputs(specs, inputs)
    except ValueError as error:
        raise ScenarioError(str(error)) from None


def suggested_file_name(title: str, calculator: str) -> str:
    """``"Two practices, same size"`` → ``"two-practices-same-size.healthalloc-scenario"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or calculator
    return slug + SUFFIX
