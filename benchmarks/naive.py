"""The naive stack, end to end, run as its own process by run.py (10k/100k rows only).

    python benchmarks/naive.py FILE.xlsx HEADER_ROW OUTDIR

What a first version of such a tool does: ``pandas.read_excel`` (openpyxl engine, all text),
a pandera schema with the Table Schema's checks (``lazy=True``: every failure collected), then
openpyxl writes a cleaned copy (with the failures listed per row) and an annotated copy of the
input with a comment on every failing cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import openpyxl
    import pandas as pd
    import pandera.pandas as pa
    from openpyxl.comments import Comment

    path, header_row, outdir = Path(argv[0]), int(argv[1]), Path(argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    spec = json.loads((Path(__file__).parent / "pmks-individu.tableschema.json").read_text())
    df = pd.read_excel(path, engine="openpyxl", header=header_row - 1, dtype=str)
    columns = {}
    for fld in spec["fields"]:
        c = fld.get("constraints", {})
        checks = []
        if "pattern" in c:
            checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "minLength" in c:
            checks.append(pa.Check.str_length(min_value=c["minLength"]))
        columns[fld["name"]] = pa.Column(str, checks=checks, nullable=not c.get("required"),
                                         unique=bool(c.get("unique")), required=False,
                                         coerce=True)
    schema = pa.DataFrameSchema(columns)
    try:
        schema.validate(df, lazy=True)
        failures = pd.DataFrame(columns=["index", "column", "check"])
    except pa.errors.SchemaErrors as err:
        failures = err.failure_cases
    failures = failures[failures["index"].notna()]
    # cleaned copy: the frame plus the failed checks of each row
    per_row = failures.groupby("index")["check"].agg(lambda s: "; ".join(map(str, s)))
    clean = df.copy()
    clean["issues"] = clean.index.map(per_row).fillna("")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(clean.columns))
    for row in clean.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and v != v) else v for v in row])
    wb.save(outdir / "clean.xlsx")
    # annotated copy of the input: a comment on each failing cell
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col_index = {name: i + 1 for i, name in enumerate(df.columns)}
    for rec in failures.itertuples(index=False):
        col = col_index.get(rec.column)
        if col is None:
            continue
        cell = ws.cell(row=int(rec.index) + header_row + 1, column=col)
        cell.comment = Comment(str(rec.check), "naive")
    wb.save(outdir / "annotated.xlsx")
    print(len(df), len(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
