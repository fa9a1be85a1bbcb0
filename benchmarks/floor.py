"""The floor: the fastest raw read of a benchmark file, run as its own process by run.py.

    python benchmarks/floor.py calamine FILE.xlsx      # python-calamine to_python() of the sheet
    python benchmarks/floor.py polars FILE.xlsx        # polars.read_excel (calamine engine), text
    python benchmarks/floor.py fastexcel FILE.xlsx     # fastexcel, every column as text
    python benchmarks/floor.py polars FILE.csv SKIP    # polars.read_csv, all text, SKIP title lines
    python benchmarks/floor.py pyarrow FILE.csv SKIP   # pyarrow.csv (types inferred)

No checks, no normalising: just the cells in memory. Prints the number of rows read.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    how, path = argv[0], argv[1]
    skip = int(argv[2]) if len(argv) > 2 else 0
    if how == "calamine":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        n = len(rows)
    elif how == "polars" and path.endswith(".xlsx"):
        import polars as pl

        df = pl.read_excel(path, engine="calamine", has_header=False, infer_schema_length=0)
        n = df.height
    elif how == "fastexcel":
        import fastexcel

        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string")
        n = sheet.height
    elif how == "polars":
        import polars as pl

        df = pl.read_csv(path, separator=";", skip_rows=skip, infer_schema=False,
                         encoding="utf8-lossy", truncate_ragged_lines=True)
        n = df.height
    elif how == "pyarrow":
        import pyarrow.csv as pacsv

        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(skip_rows=skip, encoding="cp1252"),
            parse_options=pacsv.ParseOptions(delimiter=";"),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
        n = table.num_rows
    else:
        raise SystemExit(f"unknown reader {how!r}")
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
