"""Schemas: which fields a kind of spreadsheet has (``schemas/*.yaml``) and how they are checked."""

from pmkscheck.schema.load import builtin_schemas, load_schema
from pmkscheck.schema.model import FieldSpec, Schema

__all__ = ["FieldSpec", "Schema", "builtin_schemas", "load_schema"]
