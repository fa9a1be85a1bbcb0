"""Load a schema from YAML (built-in name or a user's file).

Stage: schema. Problems in a schema file raise :class:`UsageError` with the file and line.
YAML is read with 1.2 booleans only (``true``/``false``): a header alias ``no`` stays the text
"no" instead of becoming ``False`` (the "Norway problem" of YAML 1.1).
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import yaml

from pmkscheck.errors import UsageError
from pmkscheck.schema.model import FIELD_TYPES, FieldSpec, Schema


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml's when installed: ~10x faster) with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_FIELD_KEYS = {"name", "type", "required", "recommended", "aliases", "derived", "sheet_level",
               "description"}
_TOP_KEYS = {"name", "kind", "title", "min_fields", "fields", "key_fields"}


@functools.cache
def builtin_schemas() -> dict[str, Path]:
    """Built-in schema name -> YAML path (from the ``schemas/`` folder shipped as package data)."""
    root = resources.files("pmkscheck.schemas")
    return {
        p.name[: -len(".yaml")]: Path(str(p))
        for p in root.iterdir()
        if p.name.endswith(".yaml")
    }


def load_schema(name_or_path: str) -> Schema:
    """Load a built-in schema by name, or a YAML schema file by path (cached per file state)."""
    builtins = builtin_schemas()
    if name_or_path in builtins:
        return _load_builtin(name_or_path)
    path = Path(name_or_path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load_file(str(path), stamp)


@functools.cache
def _load_builtin(name: str) -> Schema:
    return _parse(builtin_schemas()[name].read_text(encoding="utf-8"), name)


@functools.lru_cache(maxsize=16)
def _load_file(name_or_path: str, _stamp: int | None) -> Schema:
    builtins = builtin_schemas()
    path = Path(name_or_path)
    if not path.is_file():
        raise UsageError("USAGE_UNKNOWN_SCHEMA", value=name_or_path,
                         choices=", ".join(sorted(builtins)))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("SCHEMA_INVALID", path=str(path), line=0,
                         problem=type(exc).__name__) from None
    return _parse(text, str(path))


def _fail(source: str, line: int, problem: str) -> UsageError:
    return UsageError("SCHEMA_INVALID", path=source, line=line, problem=problem)


def _parse(text: str, source: str) -> Schema:
    try:
        node = yaml.compose(text, Loader=_Loader)
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise _fail(source, line, str(getattr(exc, "problem", None) or exc)) from None
    if not isinstance(doc, dict):
        raise _fail(source, 1, "the file must be a mapping with 'name' and 'fields'")
    lines = _field_lines(node)
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise _fail(source, 1, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    if not isinstance(doc.get("fields"), list) or not doc["fields"]:
        raise _fail(source, 1, "'fields' must be a non-empty list")
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(doc["fields"]):
        line = lines[i] if i < len(lines) else 0
        if not isinstance(item, dict) or "name" not in item:
            raise _fail(source, line, "each field needs a 'name'")
        bad = set(item) - _FIELD_KEYS
        if bad:
            raise _fail(source, line, f"unknown field key(s): {', '.join(sorted(map(str, bad)))}")
        name = str(item["name"])
        if name in seen:
            raise _fail(source, line, f"field '{name}' is declared twice")
        seen.add(name)
        ftype = str(item.get("type", "text"))
        if ftype not in FIELD_TYPES:
            raise _fail(source, line, f"field '{name}': unknown type '{ftype}' "
                                      f"(known: {', '.join(FIELD_TYPES)})")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise _fail(source, line, f"field '{name}': 'aliases' must be a list")
        fields.append(FieldSpec(
            name=name, type=ftype,
            required=bool(item.get("required", False)),
            recommended=bool(item.get("recommended", False)),
            aliases=tuple(str(a) for a in aliases),
            derived=tuple(str(a) for a in item.get("derived") or ()),
            sheet_level=bool(item.get("sheet_level", False)),
            description={str(k): str(v) for k, v in (item.get("description") or {}).items()},
        ))
    key_fields = doc.get("key_fields") or []
    if not isinstance(key_fields, list) or not set(map(str, key_fields)) <= seen:
        raise _fail(source, 1, "'key_fields' must be a list of the schema's field names")
    return Schema(
        name=str(doc.get("name") or Path(source).stem),
        kind=str(doc.get("kind", "individu")),
        fields=tuple(fields),
        title={str(k): str(v) for k, v in (doc.get("title") or {}).items()},
        min_fields=int(doc.get("min_fields", 3)),
        source=source,
        key_fields=tuple(str(k) for k in key_fields),
    )


def _field_lines(node: yaml.Node | None) -> list[int]:
    """1-based line of each item of the top-level ``fields`` list (for error messages)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "fields" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []
