"""Errors that stop a file from being checked: they become one sentence and exit status 2.

``InputError`` carries a catalogue code and parameters, like an ``Issue``; the CLI renders it in
the user's language. Nothing here ever holds a cell value (personal data stays out of messages).
"""

from __future__ import annotations

from collections.abc import Mapping


class PmkscheckError(Exception):
    """Base class of every error pmkscheck raises on purpose."""


class InputError(PmkscheckError):
    """The input could not be read or checked (exit status 2).

    Args:
        code: a catalogue code of group ``INPUT`` (e.g. ``INPUT_NOT_FOUND``).
        path: the file concerned.
        **params: values for the message template.
    """

    def __init__(self, code: str, path: object = None, **params: object) -> None:
        self.code = code
        self.path = None if path is None else str(path)
        self.params: Mapping[str, object] = {"path": self.path, **params}
        super().__init__(f"{code}: {self.path}")


class UsageError(PmkscheckError):
    """The command was used wrongly (exit status 2): bad option value, unknown schema, …."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params
        super().__init__(code)
