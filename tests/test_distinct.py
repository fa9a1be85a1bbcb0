"""pmkscheck.distinct: distinct values without pandas' NUL trap (strings compared as C strings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pmkscheck.distinct import factorize, unique

NUL = chr(0)
texts = st.lists(st.one_of(st.none(), st.text(alphabet=["a", "b", NUL, " "], max_size=4)),
                 max_size=30)


def reference(values: list) -> tuple[list[int], list]:
    seen: dict = {}
    codes = []
    for v in values:
        if v is None:
            codes.append(-1)
            continue
        codes.append(seen.setdefault(v, len(seen)))
    return codes, list(seen)


def test_pandas_still_has_the_trap_this_module_avoids() -> None:
    # if pandas ever fixes it, the wrappers become a (cheap) no-op; this test tells us when
    values = np.array(["a" + NUL + "b", "a" + NUL + "c", "a"], dtype=object)
    assert len(pd.unique(values)) in (1, 3)
    assert len(unique(values)) == 3


@given(texts)
def test_factorize_matches_a_plain_dict(values: list) -> None:
    codes, uniques = factorize(values)
    want_codes, want_uniques = reference(values)
    assert codes.tolist() == want_codes
    assert uniques.tolist() == want_uniques


@given(texts)
def test_factorize_without_sentinel_and_unique(values: list) -> None:
    codes, uniques = factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    assert [None if pd.isna(u) else u for u in uniques.take(codes)] == values
    expected = list(dict.fromkeys(values))  # first appearance, None kept like pd.unique
    assert unique(values).tolist() == expected
