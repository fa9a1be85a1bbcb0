"""Stage ④ report: a report model (:mod:`.model`) and its views.

The views -- terminal, JSON, GitHub, JUnit (:mod:`.views` maps ``--format`` to them), the HTML page
(:mod:`.html`) and the annotated workbook's summary (:mod:`pmkscheck.write.annotated`) -- read the
model and the text catalogue (:mod:`.text`); files are written by :mod:`pmkscheck.write`.
This package re-exports the model, so ``from pmkscheck.report import FileReport, Report`` stays.
"""

from pmkscheck.report.model import (
    ExitCode,
    FileReport,
    Report,
    error_text,
    file_dict,
    issue_dict,
)

__all__ = ["ExitCode", "FileReport", "Report", "error_text", "file_dict", "issue_dict"]
