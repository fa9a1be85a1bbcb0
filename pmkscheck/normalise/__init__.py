"""Stage ② normalise: grid -> typed columns. Pure, vectorised steps from raw text to clean values.

``NORMALISERS`` maps a field type to its normaliser (one module per kind of value, the knowledge
itself in :mod:`pmkscheck.domain`); a type without its own normaliser gets
:func:`~pmkscheck.normalise.base.normalise_text`. ``POST`` lists the post-normalisers, which see
the whole clean frame (age from tanggal_lahir, else from the NIK), in the order they run.
:func:`normalise_table` runs them all on one table. Both lists are explicit (like
``checks.REGISTRY``): no module registers itself by being imported.
"""

from __future__ import annotations

import pandas as pd

from pmkscheck.cleantext import text_clean
from pmkscheck.findings import IssueTable, findings_to_issues
from pmkscheck.issues import Issue
from pmkscheck.normalise import dates, jenis, keluarga, nik, nokk, person, sex, wilayah
from pmkscheck.normalise.base import (
    Normaliser,
    NormContext,
    NormResult,
    PostNormaliser,
    drop_case_only,
    normalise_text,
)
from pmkscheck.normalise.records import Derived
from pmkscheck.schema import Schema
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

NORMALISERS: dict[str, Normaliser] = {
    "nik": nik.normalise_nik,
    "no_kk": nokk.normalise_no_kk,
    "date": dates.normalise_date,
    "sex": sex.normalise_sex,
    "name": person.normalise_name,
    "rt_rw": person.normalise_rt_rw,
    "integer": person.normalise_integer,
    "jenis_pmks": jenis.normalise_jenis,
    "kecamatan": wilayah.normalise_kecamatan,
    "kabupaten": wilayah.normalise_kabupaten,
    "desa": wilayah.normalise_desa,
    "member_count": keluarga.normalise_member_count,
}

POST: list[PostNormaliser] = [
    person.rt_rw_from_alamat,
    person.derive_age,  # before map_by_age: the jenis of a child depends on the age
    jenis.map_by_age,
]


def normaliser_for(type_name: str) -> Normaliser:
    """The normaliser of a field type (``normalise_text`` when it has none)."""
    return NORMALISERS.get(type_name, normalise_text)


def post_normalisers() -> list[PostNormaliser]:
    """The post-normalisers, in the order they run."""
    return POST


def normalise_table(table: SourceTable, settings: Settings, schema: Schema
                    ) -> tuple[pd.DataFrame, Derived, IssueTable]:
    """Run each field's normaliser; returns clean frame, derived columns, auto-fix findings."""
    clean: dict[str, pd.Series] = {}
    derived: Derived = {}
    issues: list[IssueTable] = []
    for name in table.fields:
        spec = schema.field(name)
        raw = table.data[name]
        if spec is None:
            clean[name] = text_clean(raw)
            continue
        ctx = NormContext(table=table, settings=settings, field=spec,
                          district_hint=settings.district)
        result = normaliser_for(spec.type)(raw, table.kinds.get(name), ctx)
        clean[name] = result.values
        derived.update(result.derived)
        found = drop_case_only(result.findings, raw, result.values)
        issues.append(findings_to_issues(found, table, None, (name,)))
    frame = pd.DataFrame(clean, index=table.data.index)
    # Derived values that need several fields (age from date *or* NIK): post-normalisers.
    for post in POST:
        result = post(frame, derived, table, settings)
        if result is not None:
            derived.update(result.derived)
            issues.append(findings_to_issues(result.findings, table, None, ()))
    return frame, derived, IssueTable.concat(issues)


__all__ = ["NORMALISERS", "POST", "NormContext", "NormResult", "normalise_table",
           "normalise_text", "normaliser_for", "post_normalisers", "Issue"]
