#!/usr/bin/python3
"""Sums the JUnit reports CTest writes (`ctest --output-junit FILE`) into the test
command's one summary line, "N passed, N failed, N skipped", lists every skipped test
with its reason, and fails when a test skipped that must not skip.

Why a gate on skips: CTest's own line ("100% tests passed") counts a skipped test as
passed, so a machine without redis-server would report the whole Redis suite green.
`scripts/install-deps.sh --test` installs every tool the suites use, so on a machine it
prepared the only acceptable skips are tests that read data kept outside the repository
(../shared, see tests/allowed-skips.txt), and only while that data is absent.

Usage: scripts/test-summary.py [--allow-skips] REPORT.xml...
  --allow-skips   report skips but do not fail on them (partial runs by hand)
Exit status: 0 when nothing failed and no skip broke the rules, 1 otherwise.
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_SKIPS = ROOT / "tests" / "allowed-skips.txt"
SHARED_DATA = ROOT.parent / "shared" / "vader"


def read_allowed_skips():
    """Name patterns of tests that may skip while ../shared is absent."""
    patterns = []
    for line in ALLOWED_SKIPS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            patterns.append(re.compile(line))
    return patterns


def read_report(path):
    """(name, status, skip message) for every test case of one CTest JUnit report."""
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        skipped = case.find("skipped")
        failed = case.find("failure") is not None or case.find("error") is not None
        if skipped is not None:
            cases.append((case.get("name"), "skipped", skipped.get("message", "")))
        elif failed or case.get("status") not in ("run",):
            cases.append((case.get("name"), "failed", ""))
        else:
            cases.append((case.get("name"), "passed", ""))
    return cases


def forbidden_skips(skipped, allowed, shared_present):
    """Skipped test names that the rules above do not allow."""
    if shared_present:
        return list(skipped)
    return [name for name in skipped if not any(p.search(name) for p in allowed)]


def main(argv):
    allow_all = "--allow-skips" in argv
    reports = [arg for arg in argv if arg != "--allow-skips"]
    cases = []
    for report in reports:
        if not Path(report).exists():
            print(f"test-summary: {report} is missing (the stage did not run)", file=sys.stderr)
            cases.append((report, "failed", ""))
            continue
        cases.extend(read_report(report))

    counts = {status: sum(1 for _, s, _ in cases if s == status)
              for status in ("passed", "failed", "skipped")}
    skipped = [name for name, status, _ in cases if status == "skipped"]
    for name, status, message in cases:
        if status == "skipped":
            print(f"skipped: {name} ({message})")

    bad = [] if allow_all else forbidden_skips(skipped, read_allowed_skips(),
                                               SHARED_DATA.is_dir())
    for name in bad:
        print(f"test-summary: {name} skipped, but every tool it needs is installed by "
              f"scripts/install-deps.sh --test: a skip here hides a broken suite", file=sys.stderr)
    if skipped and not SHARED_DATA.is_dir():
        print(f"test-summary: {SHARED_DATA} is absent: tests reading it were skipped")

    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 0 if counts["failed"] == 0 and not bad else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
