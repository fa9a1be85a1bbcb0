"""The rules catalogue is complete: every code documented in both languages, params consistent.

Mirrors sqlfluff's docstring test and ruff's check_docs_formatted: a code without its what / why /
fix, or without an Indonesian or English message, fails the build.
"""

from __future__ import annotations

import re

import pytest

from pmkscheck.checks import registry
from pmkscheck.rules import LANGS, SECTIONS, catalogue, codes, format_text, rule

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


@pytest.mark.parametrize("code", [c for c in codes()  # a fuzzy match always names its match
                                  if {"suggestion", "suggestions"} & rule(c).placeholders
                                  and c != "WILAYAH_FUZZY_MATCH"])
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("nothing", ["-", ""])
def test_no_suggestion_reads_as_a_whole_sentence(code, lang, nothing):
    """With nothing to suggest, the clause goes: never "Perhaps: -." or "(closest: )"."""
    params = {"suggestion": nothing, "suggestions": nothing, "value": "Xyz", "level": "desa"}
    for section in ("message", "fix"):
        text = format_text(rule(code).t(section, lang), params)
        assert "[[" not in text and "]]" not in text, text
        assert not re.search(r"[:(]\s*[-\"]*\s*[).]|\"-\"|: -", text), (section, text)
    with_one = format_text(rule(code).t("message", lang),
                           {**params, "suggestion": "Fakir Miskin", "suggestions": "Fakir Miskin"})
    if "{suggestion" in rule(code).t("message", lang):
        assert "Fakir Miskin" in with_one, with_one


def test_optional_clause_marks_are_balanced_and_never_shown_as_documentation():
    for c in codes():
        r = rule(c)
        for lang in ("id", "en"):
            for section in ("title", "message", "what", "why", "fix"):
                raw = r.t(section, lang)
                assert raw.count("[[") == raw.count("]]"), (c, section)
                assert "[[" not in r.doc(section, lang)
