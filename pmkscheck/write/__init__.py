"""Stage ⑤ write: every file a run writes, atomically, never over an input.

* :mod:`.outputs` -- which files a table gets and where (``OUTPUTS``), ``write_outputs``;
* :mod:`.clean` -- the cleaned data (``.bersih.xlsx`` / ``.bersih.csv``) and the per-table JSON;
* :mod:`.html` -- the HTML report (:mod:`pmkscheck.report.html` renders it);
* :mod:`.annotated` -- the annotated workbook (``.catatan.xlsx``), built from
  :mod:`.findingcols` (the findings as arrays: the one adapter from ``FileReport.issues``),
  :mod:`.notes` (what goes on which cell), :mod:`.sheets` (the summary and problem list sheets),
  :mod:`.sheetpatch` (fills on the data sheet), :mod:`.styles`, :mod:`.basebook` (a workbook of the
  input's cells for CSV/ODS/XLS) and :mod:`.ooxml` (the package's XML parts);
* :mod:`.xlsx` -- the one way of writing xlsx: ``workbook``/``Book`` (xlsxwriter),
  ``save_frame`` (:mod:`.xlsxfast`, the streaming writer of large frames), ``write_package``, the
  shared styles and one atomic ``save_path``; :mod:`.template` -- the submission templates
  (``pmkscheck template``); :mod:`.province` -- ``provinsi.xlsx``.

Writers read the report model (:mod:`pmkscheck.report.model`); nothing in ``report`` imports
``write``.
"""
