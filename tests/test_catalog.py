"""The rules catalogue is complete: every code documented in both languages, params consistent.

Mirrors sqlfluff's docstring test and ruff's check_docs_formatted: a code without its what / why /
fix, or without an Indonesian or English message, fails the build.
"""

from __future__ import annotations

import re

import pytest

from pmkscheck.checks import registry
from pmkscheck.rules import LANGS, SECTIONS, catalogue, codes, rule

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


@pytest.mark.parametrize("code", codes())
def test_rule_is_documented(code):
    r = rule(code)
    assert CODE_RE.match(code), code
    assert r.group == code.split("_")[0]
    for lang in LANGS:
        for section in SECTIONS:
            text = r.text.get(lang, {}).get(section, "")
            assert text.strip(), f"{code}: missing {lang}.{section}"
    assert r.example.get("bad") and r.example.get("good"), f"{code}: examples missing"


@pytest.mark.parametrize("code", codes())
def test_placeholders_agree_between_languages(code):
    import string

    r = rule(code)
    per_lang = []
    for lang in LANGS:
        names = set()
        for key in ("message", "fix"):
            for _, name, _, _ in string.Formatter().parse(r.text[lang][key]):
                if name:
                    names.add(name)
        per_lang.append(names)
    assert per_lang[0] == per_lang[1], f"{code}: id uses {per_lang[0]}, en uses {per_lang[1]}"


def test_every_registered_check_code_is_catalogued():
    known = catalogue()
    for chk in registry():
        for code in chk.codes:
            assert code in known, f"{chk.name} emits undocumented {code}"


def test_aliases_never_reuse_a_current_code():
    current = set(codes())
    for code in current:
        for alias in rule(code).aliases:
            assert alias not in current, f"alias {alias} of {code} is also a current code"
