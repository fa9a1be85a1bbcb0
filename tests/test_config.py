"""Config file: discovery, precedence (CLI > config > defaults), unknown keys, invalid values."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from pmkscheck.config import KEYS, find_config, load_settings, read_config, unknown_keys
from pmkscheck.errors import UsageError
from pmkscheck.settings import Limits, Settings


@pytest.fixture(autouse=True)
def _no_env_lang(monkeypatch):
    monkeypatch.delenv("PMKSCHECK_LANG", raising=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(cli=None, cwd=None, **kw):
    warnings: list[str] = []
    settings = load_settings(cli or {}, cwd=cwd, warn=warnings.append, **kw)
    return settings, warnings


def test_found_upward_and_stops_at_git(tmp_path):
    repo = tmp_path / "repo"
    deep = repo / "data" / "2025"
    deep.mkdir(parents=True)
    (repo / ".git").mkdir()
    assert find_config(deep) is None
    cfg = write(repo / "pmkscheck.toml", 'district = "6408"\n')
    assert find_config(deep) == cfg.resolve()
    # a config above the repository is not used: the search stops at .git
    (repo / "pmkscheck.toml").unlink()
    write(tmp_path / "pmkscheck.toml", 'district = "6401"\n')
    assert find_config(deep) is None
    assert find_config(tmp_path) == (tmp_path / "pmkscheck.toml").resolve()


def test_pyproject_table_and_precedence_of_files(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None  # no [tool.pmkscheck]: not a config
    write(tmp_path / "pyproject.toml", '[tool.pmkscheck]\nfail-on = "warning"\nlang = "en"\n')
    assert find_config(tmp_path).name == "pyproject.toml"
    settings, _ = load(cwd=tmp_path)
    assert (settings.fail_on, settings.lang) == ("warning", "en")
    write(tmp_path / "pmkscheck.toml", 'fail-on = "never"\n')
    assert find_config(tmp_path).name == "pmkscheck.toml"
    assert load(cwd=tmp_path)[0].fail_on == "never"
    assert load(cwd=tmp_path)[0].lang == "id"  # the pyproject table is not merged in


def test_every_option_from_config(tmp_path):
    write(tmp_path / "pmkscheck.toml", """
district = 6408
schema = "schemas/custom.yaml"
sheet = "PMKS 2025"
fail_on = "warning"
lang = "en"
mask = "full"
select = ["nik", "DATE_FUTURE,kk"]
ignore = "COLUMN_UNKNOWN"
age-preset = "dinsos-kaltim-legacy"
format = "json"
output-dir = "hasil"
no-write = true
baseline = "ci/baseline.json"
quiet = true
as-of = 2024-12-31
history = "riwayat/h.sqlite3"
no-history = true
split = "desa"
[limits]
max-rows = 1000
max_cells = 5000
isolate = false
""")
    s, warnings = load(cwd=tmp_path)
    assert warnings == []
    assert s.district == "6408" and s.sheet == "PMKS 2025"
    assert s.schema == str(tmp_path / "schemas/custom.yaml")  # relative to the config file
    assert (s.fail_on, s.lang, s.mask, s.format) == ("warning", "en", "full", "json")
    assert s.select == ("NIK", "DATE_FUTURE", "KK") and s.ignore == ("COLUMN_UNKNOWN",)
    assert s.age_preset == "dinsos-kaltim-legacy"
    assert s.output_dir == tmp_path / "hasil" and s.baseline == tmp_path / "ci/baseline.json"
    assert s.write is False and s.progress is False
    assert s.limits == Limits(max_rows=1000, max_cells=5000, isolate=False)
    assert (s.as_of, s.as_of_source) == (dt.date(2024, 12, 31), "config")
    assert s.history == tmp_path / "riwayat/h.sqlite3" and s.use_history is False
    assert s.split == "desa"
    # every documented key is exercised above
    assert {k.replace("_", "-") for k in KEYS} <= {
        "district", "schema", "sheet", "fail-on", "lang", "mask", "select", "ignore",
        "age-preset", "format", "output-dir", "no-write", "baseline", "quiet", "as-of",
        "history", "no-history", "split"}


def test_cli_overrides_only_what_was_typed(tmp_path):
    write(tmp_path / "pmkscheck.toml",
          'fail-on = "warning"\nmask = "full"\nno-write = true\nschema = "pmks-individu"\n')
    s, _ = load({"fail_on": "never", "mask": None, "no_write": False}, cwd=tmp_path)
    assert s.fail_on == "never"  # typed: wins
    assert s.mask == "full"  # not typed (None): the config value stays
    assert s.write is True  # --write beats no-write = true
    assert s.schema == "pmks-individu"  # a built-in name stays a name
    (tmp_path / "other" / ".git").mkdir(parents=True)
    d, _ = load({}, cwd=tmp_path / "other")  # no config up to the repository root: defaults
    assert (d.fail_on, d.mask, d.write) == (Settings().fail_on, "partial", True)


def test_env_lang_between_cli_and_config(tmp_path, monkeypatch):
    write(tmp_path / "pmkscheck.toml", 'lang = "en"\n')
    assert load(cwd=tmp_path)[0].lang == "en"
    monkeypatch.setenv("PMKSCHECK_LANG", "id")
    assert load(cwd=tmp_path)[0].lang == "id"
    assert load({"lang": "en"}, cwd=tmp_path)[0].lang == "en"


def test_unknown_keys_named_with_closest(tmp_path):
    write(tmp_path / "pmkscheck.toml",
          'fail_onn = "warning"\ndistrik = "6408"\nignor = ["NIK"]\n[limits]\nmax-rowz = 5\n')
    s, warnings = load({"lang": "en"}, cwd=tmp_path)
    assert s.fail_on == "error" and s.district is None  # ignored, not guessed
    assert len(warnings) == 4
    for key, near in [("fail_onn", "fail-on"), ("distrik", "district"), ("ignor", "ignore"),
                      ("limits.max-rowz", "limits.max-rows")]:
        assert any(f'"{key}"' in w and f'"{near}"' in w for w in warnings), (key, warnings)
    assert unknown_keys(read_config(tmp_path / "pmkscheck.toml"))[0] == ("fail_onn", "fail-on")


@pytest.mark.parametrize("text,key", [
    ('fail-on = "errors"', "fail-on"),
    ('lang = "jawa"', "lang"),
    ('district = "64.08"', "district"),
    ("district = true", "district"),
    ("no-write = 1", "no-write"),
    ("select = [1, 2]", "select"),
    ('output-dir = ""', "output-dir"),
    ("limits = 5", "limits"),
    ("[limits]\nmax-rows = -3", "limits.max-rows"),
    ('[limits]\nisolate = "yes"', "limits.isolate"),
])
def test_invalid_value_is_a_usage_error(tmp_path, text, key):
    write(tmp_path / "pmkscheck.toml", text + "\n")
    with pytest.raises(UsageError) as err:
        load(cwd=tmp_path)
    assert err.value.code == "CONFIG_INVALID_VALUE"
    assert err.value.params["key"] == key


def test_broken_or_missing_config(tmp_path):
    write(tmp_path / "pmkscheck.toml", "fail-on = warning\n")
    with pytest.raises(UsageError) as err:
        load(cwd=tmp_path)
    assert err.value.code == "CONFIG_SYNTAX"
    with pytest.raises(UsageError) as err:
        load(config=tmp_path / "missing.toml")
    assert err.value.code == "CONFIG_NOT_FOUND"


def test_explicit_config_and_no_config(tmp_path):
    write(tmp_path / "pmkscheck.toml", 'fail-on = "never"\n')
    other = write(tmp_path / "ci" / "strict.toml", 'fail-on = "warning"\n')
    assert load(cwd=tmp_path, config=other)[0].fail_on == "warning"
    assert load(cwd=tmp_path, use_config=False)[0].fail_on == "error"


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pmkscheck", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_reports_config_problems(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pmkscheck.toml", 'mask = "sebagian"\n')
    r = run_cli("validate", "x.csv", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "mask" in lines[0] and "pmkscheck.toml" in lines[0]
    assert "Traceback" not in r.stderr
    # the CLI value does not rescue an invalid config value: the file must be fixed
    write(tmp_path / "pmkscheck.toml", 'select = ["NIKK"]\n')
    r = run_cli("validate", "x.csv", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 2 and "NIKK" in r.stderr  # unknown code from the config file


def test_cli_uses_config_and_overrides_it(tmp_path):
    from test_ci_support import run_main

    (tmp_path / ".git").mkdir()
    write(tmp_path / "pmkscheck.toml", 'format = "json"\nno-write = true\nfail-on = "never"\n'
          'lagn = "en"\n')
    write(tmp_path / "kutim.csv",
          "No,NIK,Nama,Jenis Kelamin,Tanggal Lahir,Desa,Kecamatan,Jenis PMKS\n"
          "1,647203170880,Budi,L,1980-08-17,Sungai Pinang Dalam,Sungai Pinang,Fakir Miskin\n")
    code, out, err = run_main("validate", "kutim.csv", cwd=tmp_path)
    assert code == 0, err  # fail-on never from the config
    assert out.lstrip().startswith("{")  # format json from the config
    assert '"lagn"' in err and '"lang"' in err  # unknown key, closest named
    assert not (tmp_path / "kutim_pmkscheck").exists()  # no-write from the config
    code, out, err = run_main("validate", "kutim.csv", "--fail-on", "error", "--format",
                              "github", cwd=tmp_path)
    assert code == 1 and out.startswith("::")
