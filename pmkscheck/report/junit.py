"""``--format junit``: JUnit XML (a test suite per file, a test case per check code).

GitLab and Jenkins show it as test results; each failing code lists its rows (masked values).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, TextIO
from xml.sax.saxutils import escape, quoteattr

from pmkscheck.issues import Severity
from pmkscheck.report import issue_dict

if TYPE_CHECKING:
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """Write the JUnit XML document."""
    threshold = (Severity.parse(settings.fail_on) if settings.fail_on != "never"
                 else Severity.ERROR + 1)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pmkscheck">\n')
    for f in report.files:
        name = str(f.path) + (f" [{f.sheet}]" if f.sheet else "")
        if f.error:
            out.write(f'  <testsuite name={quoteattr(name)} tests="1" failures="0" errors="1">\n'
                      f'    <testcase classname="pmkscheck" name={quoteattr(f.error)}>'
                      f'<error type={quoteattr(f.error)}/></testcase>\n  </testsuite>\n')
            continue
        groups = defaultdict(list)
        for i in f.issues:
            groups[i.code].append(i)
        failures = sum(1 for items in groups.values() if items[0].severity >= threshold)
        out.write(f'  <testsuite name={quoteattr(name)} tests="{max(len(groups), 1)}" '
                  f'failures="{failures}" errors="0">\n')
        if not groups:
            out.write('    <testcase classname="pmkscheck" name="all-checks"/>\n')
        for code in sorted(groups):
            items = groups[code]
            sev = items[0].severity
            out.write(f'    <testcase classname={quoteattr("pmkscheck." + code.split("_")[0])} '
                      f'name={quoteattr(code)}>')
            lines = []
            for i in items:
                d = issue_dict(i, settings, f.format in ("csv", "tsv"))
                where = d["cell"] or (f"row {d['row']}" if d["row"] else "file")
                lines.append(f"{where}: {d['message']}" + (f" [{d['value']}]" if d["value"] else ""))
            body = escape("\n".join(lines))
            tag = "failure" if sev >= threshold else "system-out"
            if tag == "failure":
                out.write(f'<failure type={quoteattr(sev.label)} '
                          f'message={quoteattr(f"{len(items)} x {code}")}>{body}</failure>')
            else:
                out.write(f"<system-out>{body}</system-out>")
            out.write("</testcase>\n")
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")
