"""The CLI as a user meets it: usage errors are one sentence and exit 2, never a traceback;
``rules`` and ``schemas`` explain themselves; a broken schema file names its line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def one_sentence(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 6, stderr


@pytest.mark.parametrize("args, needle", [
    (["validate", "nothere.xlsx"], "nothere.xlsx"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--format", "xml"], "--format"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--fail-on", "errors"], "--fail-on"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--mask", "half"], "--mask"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--district", "64.08"], "64.08"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--schema", "nope"], "nope"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--select", "NIK_LENGHT"], "NIK_LENGHT"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--sheet", "Tidak Ada"], "Tidak Ada"),
    (["validate", "sample_data/kutim_pmks_2025.xlsx", "--no-such-option"], "no-such-option"),
    (["rules", "NOT_A_CODE"], "NOT_A_CODE"),
])
def test_usage_errors_exit_2_with_one_sentence(args, needle):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    one_sentence(r.stderr)
    assert needle in r.stderr


def test_unknown_option_is_the_parser_sentence_not_an_internal_error():
    r = run("validate", "sample_data/kutim_pmks_2025.xlsx", "--no-such-option")
    assert r.returncode == 2
    assert "No such option" in r.stderr and "internal" not in r.stderr


def test_english_messages():
    r = run("validate", "nothere.xlsx", "--lang", "en")
    assert r.returncode == 2 and "not found" in r.stderr


def test_rules_lists_every_code_and_explains_one():
    from pmkscheck.rules import codes

    listing = run("rules").stdout
    for code in codes():
        assert code in listing
    one = run("rules", "NIK_EXCEL_NUMBER", "--lang", "en").stdout
    for section in ("What it checks", "Why it matters", "How to fix", "Bad example"):
        assert section in one
    data = json.loads(run("rules", "NIK", "--format", "json").stdout)
    assert data and all(r["group"] == "NIK" for r in data)


def test_schemas_lists_builtins():
    out = run("schemas").stdout
    assert "pmks-individu" in out and "nik" in out


def test_broken_schema_file_names_its_line(tmp_path):
    bad = tmp_path / "skema.yaml"
    bad.write_text("name: x\nfields:\n  - name: nik\n    type: nomor\n", encoding="utf-8")
    r = run("validate", "sample_data/kutim_pmks_2025.xlsx", "--schema", str(bad), "--no-write")
    assert r.returncode == 2
    one_sentence(r.stderr)
    assert "3" in r.stderr and "nomor" in r.stderr
    bad.write_text("name: x\nfields:\n  - name: nik\n   type: [\n", encoding="utf-8")
    r = run("validate", "sample_data/kutim_pmks_2025.xlsx", "--schema", str(bad), "--no-write")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_user_schema_file_is_used(tmp_path):
    import yaml

    from pmkscheck.schema import builtin_schemas

    doc = yaml.safe_load(builtin_schemas()["pmks-individu"].read_text(encoding="utf-8"))
    doc["name"] = "kutim-custom"
    custom = tmp_path / "custom.yaml"
    custom.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = run("validate", "sample_data/kutim_pmks_2025.xlsx", "--schema", str(custom),
            "--no-write", "--format", "json")
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["files"][0]["schema"] == "kutim-custom"


def test_yaml_no_stays_text():
    from pmkscheck.schema import load_schema

    schema = load_schema("pmks-individu")
    assert schema.field("no") is not None
    assert "no" in schema.field("no").aliases


def test_scrub_masks_identifiers_but_not_dates():
    from pmkscheck.mask import scrub

    text = scrub("lahir 2031-05-05, 17/08/1975; NIK 6472035708750001 / 6472 0357 0875 0001")
    assert "2031-05-05" in text and "17/08/1975" in text
    assert "6472035708750001" not in text and "6472 0357 0875 0001" not in text
    assert "647203******0001" in text


def test_atomic_write_refuses_the_input(tmp_path):
    from pmkscheck.atomic import atomic_open

    src = tmp_path / "in.csv"
    src.write_text("asli", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    for target in (src, link, tmp_path / "." / "in.csv"):
        with pytest.raises(PermissionError), atomic_open(target, "w", protect=(src,)) as fh:
            fh.write("baru")
    assert src.read_text(encoding="utf-8") == "asli"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "link.csv"]


COMMANDS = ["validate", "baseline", "history", "template", "serve", "rules", "schemas"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_help_reads_like_a_typer_tool_in_one_language_at_80_columns(lang):
    import os

    env = {**os.environ, "COLUMNS": "80", "PMKSCHECK_LANG": lang}
    shown = {"": run("--help", env=env).stdout}
    shown.update({c: run(c, "--help", env=env).stdout for c in COMMANDS})
    usage = {"id": "Cara pakai: pmkscheck", "en": "Usage: pmkscheck"}[lang]
    options = {"id": "[OPSI]", "en": "[OPTIONS]"}[lang]
    for command, text in shown.items():
        assert text.startswith(usage), (command, text)
        for bad in ("<list[", "<str>", "<path>", "<int>", "{paths}", "default:"):
            assert bad not in text, (command, bad, text)
        too_wide = [line for line in text.splitlines() if len(line) > 80]
        assert not too_wide, (command, too_wide)
        other = ("Show this message and exit.", "Usage:", "Options:", "[required]", "[OPTIONS]",
                 "Arguments:", "Commands:") if lang == "id" else (
                 "Tampilkan pesan ini", "Cara pakai", "Opsi:", "[wajib]", "[OPSI]")
        for word in other:  # click's own words too: one language per help page
            assert word not in text, (command, word, text)
    assert shown["validate"].splitlines()[0] == f"{usage} validate {options} FILE..."
    assert "--as-of YYYY-MM-DD" in shown["validate"]
    assert "--district DISTRICT" in shown["validate"]
    words = {"id": "Periksa berkas PMKS", "en": "Check PMKS files"}
    assert words[lang] in shown[""] and words[lang] in shown["validate"]


def test_help_follows_lang_on_the_command_line():
    r = run("validate", "--help", "--lang", "en", env={**__import__("os").environ,
                                                      "PMKSCHECK_LANG": "id"})
    assert "Check PMKS files" in r.stdout and "Periksa berkas" not in r.stdout
