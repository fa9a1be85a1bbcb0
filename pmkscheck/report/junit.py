"""``--format junit``: JUnit XML that GitLab (``artifacts:reports:junit``) and Jenkins display.

Stage ④ report. Layout::

    <testsuites name="pmkscheck" tests=… failures=… errors=…>
      <testsuite name="data/kutim.xlsx [PMKS 2024]" tests=… failures=… errors=0 skipped=0>
        <testcase classname="pmkscheck.kutim_xlsx.PMKS_2024" name="NIK_LENGTH" file=…>
          <failure type="error" message="12 x NIK_LENGTH: NIK tidak 16 digit">
    B15 (N I K): NIK berisi 12 digit, seharusnya 16. [647203******]
    …</failure>
        </testcase>

- one ``testsuite`` per table (file + sheet); an unreadable file is a suite with one ``<error>``;
- one ``testcase`` per check code with findings, listing every finding (cell or row, masked
  message and value);
- a code fails (``<failure>``) when its severity is at or above ``--fail-on`` (errors always
  fail the test case, since ``--fail-on never`` only changes the exit status); infos and the
  warnings under ``--fail-on error`` are passing test cases whose findings are in
  ``<system-out>``;
- a table without findings has one passing test case ``pmkscheck`` so it shows up as green.

Control characters that XML 1.0 forbids (they do occur in spreadsheet cells) are replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any, TextIO

from pmkscheck.issues import Severity
from pmkscheck.report.model import file_dict, finding_line, issue_dicts
from pmkscheck.rules import rule
from pmkscheck.text import section

if TYPE_CHECKING:
    from pmkscheck.report.model import FileReport, Report
    from pmkscheck.settings import Settings

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: object) -> str:
    """Text with characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", str(text))


def failure_threshold(settings: Settings) -> Severity:
    """The lowest severity shown as a failing test case."""
    if settings.fail_on == "warning":
        return Severity.WARNING
    return Severity.ERROR


def suite_name(f: FileReport) -> str:
    """``data/kutim.xlsx [PMKS 2024]``."""
    return f.path.as_posix() + (f" [{f.sheet}]" if f.sheet else "")


def class_name(f: FileReport) -> str:
    """Jenkins splits class names on dots: ``pmkscheck.<file>.<sheet>`` with dots replaced."""
    parts = [f.path.name] + ([f.sheet] if f.sheet else [])
    return "pmkscheck." + ".".join(re.sub(r"[^0-9A-Za-z]+", "_", p).strip("_") or "_"
                                   for p in parts)


def _line(d: dict[str, Any], settings: Settings) -> str:
    return finding_line(d, section("junit", settings.lang)["row"])


def build(report: Report, settings: Settings) -> ET.Element:
    """The ``<testsuites>`` element of the report."""
    threshold = failure_threshold(settings)
    root = ET.Element("testsuites", name="pmkscheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for f in report.files:
        suite = ET.SubElement(root, "testsuite", name=xml_text(suite_name(f)))
        path = f.path.as_posix()
        if f.error:
            err = file_dict(f, settings)["error"]
            case = ET.SubElement(suite, "testcase", classname=class_name(f), name=f.error,
                                 file=xml_text(path), time="0")
            node = ET.SubElement(case, "error", type=f.error,
                                 message=xml_text(err["message"]))
            node.text = xml_text(f"{err['message']} {err['fix']}")
            counts = {"tests": 1, "failures": 0, "errors": 1}
        else:
            groups = f.issues.positions_by_code()
            counts = {"tests": max(len(groups), 1), "failures": 0, "errors": 0}
            if not groups:
                ET.SubElement(suite, "testcase", classname=class_name(f), name="pmkscheck",
                              file=xml_text(path), time="0")
            for code in sorted(groups):
                items = f.issues.take(groups[code])
                worst = items.worst
                case = ET.SubElement(suite, "testcase", classname=class_name(f), name=code,
                                     file=xml_text(path), time="0")
                body = xml_text("\n".join(_line(d, settings)
                                           for d in issue_dicts(f, settings, groups[code])))
                title = rule(code).t("title", settings.lang)
                if worst >= threshold:
                    counts["failures"] += 1
                    node = ET.SubElement(case, "failure", type=worst.label,
                                         message=xml_text(f"{len(items)} x {code}: {title}"))
                    node.text = body
                else:
                    ET.SubElement(case, "system-out").text = body
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", str(counts["errors"]))
        suite.set("skipped", "0")
        suite.set("time", f"{sum(f.timings.values()):.3f}")
        for k in totals:
            totals[k] += counts[k]
    for k, v in totals.items():
        root.set(k, str(v))
    return root


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """Write the JUnit XML document."""
    root = build(report, settings)
    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
