"""One frozen ``Settings`` object carries every option from the CLI, a config file or the API.

Precedence (issue 8): command line, then ``pmkscheck.toml`` / ``[tool.pmkscheck]``, then the
defaults below. Stage: shared by every stage; imports nothing heavy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from pmkscheck.errors import UsageError

FORMATS = ("text", "json", "github", "junit")
FAIL_ON = ("error", "warning", "never")
LANGS = ("id", "en")
MASKS = ("partial", "full", "none")
AGE_PRESETS = ("permensos-2012", "dinsos-kaltim-legacy")
SPLITS = ("kecamatan", "desa")


@dataclass(frozen=True)
class Limits:
    """Guards against hostile or broken input (issue 5). All sizes in bytes."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_inflated_bytes: int = 4 * 1024 * 1024 * 1024
    max_zip_entries: int = 10_000  # entries in an xlsx/ods zip (real workbooks: < 100)
    max_cells: int = 60_000_000
    max_rows: int = 1_100_000
    max_columns: int = 300
    max_cell_chars: int = 32_767
    memory_mb: int = 6_144
    timeout_s: int = 1_800
    isolate: bool = True


def _default_lang() -> str:
    lang = os.environ.get("PMKSCHECK_LANG", "id").strip().lower()
    return lang if lang in LANGS else "id"


@dataclass(frozen=True)
class DataDate:
    """The date a table's ages are measured at, and where it came from (issue 17).

    ``source`` is ``option`` (``--as-of``), ``config`` (the config key ``as-of``), ``title``,
    ``file_name`` or ``today``; see :mod:`pmkscheck.domain.datadate`.
    """

    date: date
    source: str


@dataclass(frozen=True)
class Settings:
    """Every option of ``pmkscheck validate``; see CONTRACT.md and the README."""

    schema: str | None = None
    sheet: str | None = None
    district: str | None = None
    format: str = "text"
    output_dir: Path | None = None
    write: bool = True
    fail_on: str = "error"
    lang: str = field(default_factory=_default_lang)
    mask: str = "partial"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    age_preset: str = "permensos-2012"
    reference_date: date | None = None  # the day of the check (fixed in tests); None: today
    as_of: date | None = None  # --as-of / config "as-of": the data date of every table
    as_of_source: str = "option"  # "option" or "config"
    data_date: DataDate | None = None  # set per table by the pipeline (pmkscheck.domain.datadate)
    baseline: Path | None = None
    compare_with: Path | None = None
    history: Path | None = None  # issue 14: the submission store (None = per-user default)
    use_history: bool = True  # --no-history
    previous: Path | None = None  # --previous FILE
    split: str | None = None  # --split kecamatan|desa
    verbose: int = 0
    progress: bool = True
    limits: Limits = field(default_factory=Limits)

    @property
    def today(self) -> date:
        """The data date: ages, DATE_FUTURE and the 120-year limit are measured at it.

        The table's data date once the pipeline has set it, else ``--as-of``, else the day of
        the check.
        """
        if self.data_date is not None:
            return self.data_date.date
        return self.as_of or self.check_date

    @property
    def check_date(self) -> date:
        """The day of the check (``reference_date`` in tests): nothing can be born after it."""
        return self.reference_date or date.today()

    def validate(self) -> Settings:
        """Raise :class:`pmkscheck.errors.UsageError` for a value outside its choices."""
        for name, choices in (
            ("format", FORMATS),
            ("fail_on", FAIL_ON),
            ("lang", LANGS),
            ("mask", MASKS),
            ("age_preset", AGE_PRESETS),
        ):
            value = getattr(self, name)
            if value not in choices:
                raise UsageError(
                    "USAGE_BAD_CHOICE", option=name.replace("_", "-"), value=value,
                    choices=", ".join(choices),
                )
        if self.split is not None and self.split not in SPLITS:
            raise UsageError("USAGE_BAD_CHOICE", option="split", value=self.split,
                             choices=", ".join(SPLITS))
        if self.district is not None and not is_district_code(self.district):
            raise UsageError("USAGE_BAD_DISTRICT", value=self.district)
        if self.as_of is not None and not date(1900, 1, 1) <= self.as_of <= self.check_date:
            raise UsageError("USAGE_BAD_DATE", value=self.as_of.isoformat(),
                             today=self.check_date.isoformat())
        return self


def is_district_code(value: object) -> bool:
    """The form of a ``--district`` (or config ``district``) value: four digits, e.g. ``6408``.

    Whether it is a kab/kota of Kaltim is decided with the data
    (:func:`pmkscheck.domain.district.option_code`, DISTRICT_OPTION_UNKNOWN).
    """
    return isinstance(value, str) and len(value) == 4 and value.isdigit()


def parse_as_of(text: object) -> date:
    """``--as-of`` text (``YYYY-MM-DD``) -> date; :class:`UsageError` ``USAGE_BAD_DATE`` if not."""
    if isinstance(text, date):
        return text
    value = str(text).strip()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("USAGE_BAD_DATE", value=value[:40],
                         today=date.today().isoformat()) from None


SETTING_NAMES = tuple(f.name for f in fields(Settings))
