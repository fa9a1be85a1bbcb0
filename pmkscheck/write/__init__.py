"""Stage ⑤ write: every file a run writes, atomically, never over an input.

* :mod:`.outputs` -- which files a table gets and where (``OUTPUTS``), ``write_outputs``;
* :mod:`.clean` -- the cleaned data (``.bersih.xlsx`` / ``.bersih.csv``) and the per-table JSON;
* :mod:`.html` -- the HTML report (:mod:`pmkscheck.report.html` renders it);
* :mod:`.annotated` -- the annotated workbook (``.catatan.xlsx``), built from
  :mod:`.notes` (what goes on which cell), :mod:`.sheets` (the summary and problem list sheets),
  :mod:`.sheetpatch` (fills on the data sheet), :mod:`.styles`, :mod:`.basebook` (a workbook of the
  input's cells for CSV/ODS/XLS) and :mod:`.ooxml` (the package's XML parts);
* :mod:`.xlsxfast` -- the streaming xlsx writer of large frames; :mod:`.template` -- the
  submission templates (``pmkscheck template``).

Writers read the report model (:mod:`pmkscheck.report.model`); nothing in ``report`` imports
``write``.
"""
