"""`scaffolder check --format junit`: the check's results as JUnit XML, for GitLab, Jenkins and CI dashboards.

One <testsuite> per exercise (named by its number and slug, with its status as a property),
one <testcase> per test, and for a test that does not pass the plain-words message `check`
prints. The statuses are results_json's: a test that failed is <failure>, one that could
not run to its end (a fixture raised, a hang stopped it) is <error>, a skipped one <skipped>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from scaffolder.report import likely_cause
from scaffolder.results_json import outcome_status

ALL_SUITES = "scaffolder check"
# Characters XML 1.0 cannot hold at all (what a test printed may have them: a NUL, a terminal's escape codes).
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NOT_PASSING = "A skipped test does not count as passing: remove the skip to finish this exercise."


def error_report(message: str) -> str:
    """The report of a run that judged nothing (the code does not import, ...): one test in error."""
    suites = ET.Element("testsuites", name=ALL_SUITES, tests="1", failures="0", errors="1", skipped="0")
    suite = ET.SubElement(suites, "testsuite", name="the test run", tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", name="the test run", classname="scaffolder")
    ET.SubElement(case, "error", message=_first_line(message), type="run").text = message
    return _serialize(suites)


def results_report(result) -> str:
    """The report of a finished check (a verdicts.CheckResult): the exercises in order, their tests in each."""
    hung = (result.stopped or {}).get("nodeid")
    suites = ET.Element("testsuites", name=ALL_SUITES)
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for exercise_result in result.exercises:
        exercise = exercise_result.exercise
        suite = ET.SubElement(suites, "testsuite", name=f"{exercise.number:02d} {exercise.slug}")
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="title", value=exercise.title)
        ET.SubElement(properties, "property", name="status", value=exercise_result.status)
        counts = dict.fromkeys(totals, 0)
        for test in exercise_result.tests:
            counts["tests"] += 1
            file, _, name = test.nodeid.partition("::")
            classname = file.removesuffix(".py").replace("/", ".")
            case = ET.SubElement(suite, "testcase", name=name or test.name, classname=classname, file=file)
            status = outcome_status(test, hung)
            if test.outcome == "skipped":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_first_line(test.message or "skipped")).text = NOT_PASSING
            elif status != "pass":
                kind = "failure" if status == "fail" else "error"
                counts["failures" if kind == "failure" else "errors"] += 1
                message = test.message or test.outcome
                element = ET.SubElement(case, kind, message=_first_line(message), type=test.kind or test.outcome)
                element.text = _explained(test, message)
            if test.printed:
                ET.SubElement(case, "system-out").text = test.printed
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    return _serialize(suites)


def _explained(test, message: str) -> str:
    """What `check` says of a failure: the message, its likely cause, where it happened."""
    lines = [message]
    cause = likely_cause(message)
    if cause:
        lines.append(f"Likely cause: {cause}")
    where = [f"in your code: {test.location}"] if test.location else []
    if test.test_location:
        where.append(f"test: {test.test_location}")
    if where:
        lines.append(f"({'; '.join(where)})")
    return "\n".join(lines)


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _serialize(root: ET.Element) -> str:
    for element in root.iter():
        if element.text:
            element.text = NOT_XML.sub("\ufffd", element.text)
        for key, value in element.attrib.items():
            element.set(key, NOT_XML.sub("\ufffd", value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
