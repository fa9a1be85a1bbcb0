"""The built-in schemas (YAML), installed as the ``pmkscheck.schemas`` package data."""
