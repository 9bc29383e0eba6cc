#!/usr/bin/python3
"""Mutation gate: every security check must be caught by a test when it is broken.

Each mutant in tests/mutation/mutants/*.toml replaces one exact piece of source text (a
comparison, a check, a limit) with a broken version. For each mutant this script writes the
mutated file to a scratch directory (next to links to its siblings, so same-directory includes
resolve), compiles that one translation unit with its command from compile_commands.json,
relinks only the executables named in `kill` (static libraries are
copied with the member replaced), and runs the named tests against the mutated binaries.

A mutant is KILLED only when at least one of its tests ran and failed (a crash or a timeout
after a test started counts, and is reported as such). A mutant whose tests all pass
SURVIVED; a kill entry that runs no test, a `find` text that is absent or not unique, a
mutant that does not compile, a file not linked into the named executable: ERROR. Before
the mutants, every kill entry is checked against the unmutated build (the baseline): a gtest
entry must run at least one test and pass; a pytest entry must select at least one test
(collection only, as CTest runs the integration tests in full; --full-baseline runs them).
Otherwise the mutants that name it are ERROR too.
The gate exits 0 only when every mutant was killed.

The source tree and the build directory's own outputs are never written: everything goes
under <build-dir>/mutation/. The build directory must be up to date (cmake --build --preset
dev): the gate checks with a dry run of ninja and refuses a stale one.

Mutant format (every *.toml file in the mutants folder is read; ids are unique across files):

    [[mutant]]
    id = "scope-narrowing-grants-any"
    file = "src/auth/scopes.cc"        # from the repository root; a .cc/.cpp file or a header
    find = "exact source text"         # must occur exactly once in the file
    replace = "mutated text"
    why = "what security property this breaks"
    kill = ["gtest:auth_token_test:Scopes.*",
            "pytest:tests/integration/test_tokens.py::test_name"]

Kill entries:
    gtest:<executable target>:<gtest filter>
    pytest:<file>                    every test of the file
    pytest:<file>::<test>            a node id (test name, Class::test, test[param])
    pytest:<file>::<expression>      anything else after '::' is a `pytest -k` expression
pytest runs with SMLAPI_BIN pointing at the mutated server binary (as CTest does).

Usage: /usr/bin/python3 tests/mutation/run.py --build-dir build-dev [--only REGEX]
       [--jobs 2] [--timeout 180] [--list] [--keep] [--no-baseline] [--full-baseline]
       [--allow-stale]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS_DIR = Path(__file__).resolve().parent / "mutants"
SERVER_TARGET = "secure-ml-api"
PYTHON = "/usr/bin/python3"
MUTANT_KEYS = {"id", "file", "find", "replace", "why", "kill"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
TARGET_PATTERN = re.compile(r"^[A-Za-z0-9_.+-]+$")
NODE_ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*(\[[^\]]*\])?$")
SOURCE_SUFFIXES = {".cc", ".cpp", ".cxx"}
HEADER_SUFFIXES = {".h", ".hh", ".hpp"}
# Flags of a compile command that write dependency files into the build tree.
DEP_FLAGS_WITH_ARG = {"-MT", "-MF", "-MQ"}
DEP_FLAGS = {"-MD", "-MMD"}


class GateError(Exception):
    """A problem that makes a mutant (or the whole gate) an ERROR rather than a verdict."""


# ----------------------------------------------------------------------------- mutant lists


@dataclass
class Kill:
    text: str
    kind: str  # gtest | pytest
    target: str = ""  # gtest executable target, or SERVER_TARGET for pytest
    selector: str = ""  # gtest filter, or pytest node id / -k expression (may be empty)
    pytest_file: str = ""
    keyword: bool = False  # pytest: selector is a -k expression


@dataclass
class Mutant:
    id: str
    file: str
    find: str
    replace: str
    why: str
    kill_texts: list[str]
    origin: str
    kills: list[Kill] = field(default_factory=list)
    problem: str = ""  # set when the entry itself is invalid


def parse_kill(text: str) -> Kill:
    if text.startswith("gtest:"):
        parts = text.split(":", 2)
        if len(parts) != 3 or not parts[1] or not parts[2]:
            raise GateError(f"kill '{text}': expected gtest:<executable target>:<gtest filter>")
        if not TARGET_PATTERN.match(parts[1]):
            raise GateError(f"kill '{text}': bad executable target name '{parts[1]}'")
        return Kill(text, "gtest", target=parts[1], selector=parts[2])
    if text.startswith("pytest:"):
        spec = text[len("pytest:"):]
        path, _, selector = spec.partition("::")
        if not path.endswith(".py"):
            raise GateError(f"kill '{text}': expected pytest:<file.py>[::<test or -k expr>]")
        if not (ROOT / path).is_file():
            raise GateError(f"kill '{text}': no file {path}")
        keyword = bool(selector) and not NODE_ID_PATTERN.match(selector)
        return Kill(text, "pytest", target=SERVER_TARGET, selector=selector, pytest_file=path,
                    keyword=keyword)
    if text.startswith("ctest:"):
        raise GateError(f"kill '{text}': ctest entries run the unmutated build's binaries and "
                        "cannot kill a mutant; name the gtest executable or the pytest file")
    raise GateError(f"kill '{text}': must start with gtest: or pytest:")


def load_mutants(directory: Path) -> list[Mutant]:
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise GateError(f"no mutant lists (*.toml) in {directory}")
    mutants: list[Mutant] = []
    seen: dict[str, str] = {}
    for path in files:
        shown = path.relative_to(ROOT) if ROOT in path.parents else path
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise GateError(f"{shown}: {error}") from error
        unknown = set(data) - {"mutant"}
        if unknown:
            raise GateError(f"{shown}: unknown top-level keys {sorted(unknown)}")
        entries = data.get("mutant", [])
        if not isinstance(entries, list):
            raise GateError(f"{shown}: 'mutant' must be an array of tables")
        for index, entry in enumerate(entries):
            origin = f"{shown} mutant #{index + 1}"
            mutant = Mutant(id=str(entry.get("id", f"<{origin}>")), file=entry.get("file", ""),
                            find=entry.get("find", ""), replace=entry.get("replace", ""),
                            why=entry.get("why", ""), kill_texts=entry.get("kill", []),
                            origin=origin)
            mutant.problem = check_entry(entry, seen, origin)
            if not mutant.problem:
                try:
                    mutant.kills = [parse_kill(k) for k in mutant.kill_texts]
                except GateError as error:
                    mutant.problem = str(error)
            seen.setdefault(mutant.id, origin)
            mutants.append(mutant)
    return mutants


def check_entry(entry: dict, seen: dict[str, str], origin: str) -> str:
    missing = MUTANT_KEYS - set(entry)
    extra = set(entry) - MUTANT_KEYS
    if missing:
        return f"{origin}: missing keys {sorted(missing)}"
    if extra:
        return f"{origin}: unknown keys {sorted(extra)}"
    for key in ("id", "file", "find", "replace", "why"):
        if not isinstance(entry[key], str):
            return f"{origin}: '{key}' must be a string"
    if not ID_PATTERN.match(entry["id"]):
        return f"{origin}: id '{entry['id']}' must match {ID_PATTERN.pattern}"
    if entry["id"] in seen:
        return f"{origin}: id '{entry['id']}' already used by {seen[entry['id']]}"
    if not entry["find"]:
        return f"{origin}: 'find' is empty"
    if entry["find"] == entry["replace"]:
        return f"{origin}: 'replace' equals 'find'"
    if not entry["why"].strip():
        return f"{origin}: 'why' is empty"
    kill = entry["kill"]
    if not isinstance(kill, list) or not kill or not all(isinstance(k, str) for k in kill):
        return f"{origin}: 'kill' must be a non-empty array of strings"
    if len(set(kill)) != len(kill):
        return f"{origin}: 'kill' lists an entry twice"
    return ""


# ----------------------------------------------------------------------------- build graph


@dataclass
class LinkInfo:
    target: str
    output: str  # relative to the build directory
    argv: list[str]
    archives: dict[str, list[str]]  # archive (relative) -> member object paths (relative)


class BuildGraph:
    """What the gate needs of build-dev: compile commands, link commands, archive contents."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        database = build_dir / "compile_commands.json"
        if not database.is_file():
            raise GateError(f"{database} not found (configure with the dev preset first)")
        self.compile = {}
        for entry in json.loads(database.read_text()):
            argv = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
            self.compile[str(Path(entry["directory"], entry["file"]).resolve())] = (
                argv, Path(entry["directory"]))
        self._links: dict[str, LinkInfo] = {}
        self._deps: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    def ninja(self, *args: str) -> str:
        result = subprocess.run(["ninja", "-C", str(self.build_dir), *args], capture_output=True,
                                text=True, timeout=300)
        if result.returncode != 0:
            raise GateError(f"ninja {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
        return result.stdout

    def check_up_to_date(self, targets: list[str]) -> None:
        """Refuses a build older than the sources it was built from.

        `ninja -n` cannot answer this here (CMake's glob check makes every dry run stop at
        regenerating build.ninja), so each executable is compared with the sources and headers
        it was built from: their newest modification must not be later than the executable.
        """
        stale = []
        for target in targets:
            info = self.link(target)
            binary = self.build_dir / info.output
            if not binary.is_file():
                stale.append(f"{target} is not built")
                continue
            built = binary.stat().st_mtime_ns
            newer = [path for path in self.sources_of(target) if path.stat().st_mtime_ns > built]
            if newer:
                names = ", ".join(str(p.relative_to(ROOT)) for p in newer[:3])
                stale.append(f"{target} is older than {names}"
                             + (f" and {len(newer) - 3} more" if len(newer) > 3 else ""))
        if stale:
            raise GateError(f"{self.build_dir} is not up to date: {'; '.join(stale)}. Build it "
                            "first (cmake --build --preset dev): the baseline must run what the "
                            "sources say, and a mutant must not be linked with stale objects")

    def sources_of(self, target: str) -> list[Path]:
        """The repository's files an executable was built from: sources, and headers as the
        compiler recorded them."""
        inputs = [line.strip() for line in self.ninja("-t", "inputs", target).splitlines()]
        deps = self.all_deps()
        files = set()
        for item in inputs:
            files.add(item)
            files.update(deps.get(item, []))
        out = []
        for item in files:
            path = (self.build_dir / item).resolve()
            if ROOT in path.parents and self.build_dir not in path.parents and path.is_file():
                out.append(path)
        return sorted(out)

    def all_deps(self) -> dict[str, list[str]]:
        with self._lock:
            if self._deps is None:
                self._deps = {}
                current = None
                for line in self.ninja("-t", "deps").splitlines():
                    if line and not line.startswith(" "):
                        current = line.split(":")[0]
                        self._deps[current] = []
                    elif line.strip() and current is not None:
                        self._deps[current].append(line.strip())
            return self._deps

    def link(self, target: str) -> LinkInfo:
        with self._lock:
            if target in self._links:
                return self._links[target]
        try:
            lines = [line for line in self.ninja("-t", "commands", target).splitlines() if line]
        except GateError as error:
            raise GateError(f"unknown executable target '{target}': {error}") from error
        if not lines:
            raise GateError(f"ninja has no commands for target '{target}'")
        archives: dict[str, list[str]] = {}
        for line in lines:
            for command in split_chain(line):
                if len(command) >= 3 and Path(command[0]).name in ("ar", "gcc-ar") and \
                        command[1] in ("qc", "rc", "cr", "qcs", "rcs"):
                    archives[command[2]] = [a for a in command[3:] if a.endswith(".o")]
        link_argv = None
        for command in split_chain(lines[-1]):
            if "-o" in command:
                link_argv = command
        if link_argv is None:
            raise GateError(f"cannot find the link command of '{target}'")
        output = link_argv[link_argv.index("-o") + 1]
        info = LinkInfo(target, output, link_argv, archives)
        with self._lock:
            self._links[target] = info
        return info

    def dependents(self, header: Path) -> list[str]:
        """Objects (relative to the build dir) whose recorded dependencies include `header`."""
        wanted = header.resolve()
        return [obj for obj, headers in self.all_deps().items()
                if any((self.build_dir / h).resolve() == wanted for h in headers)]

    def source_of(self, obj: str) -> tuple[str, list[str], Path]:
        for source, (argv, directory) in self.compile.items():
            if output_of(argv) == obj:
                return source, argv, directory
        raise GateError(f"no compile command produces {obj}")


def split_chain(line: str) -> list[list[str]]:
    """CMake's `: && cmd1 && cmd2 && :` lines, as argv lists (no shell features needed)."""
    commands: list[list[str]] = [[]]
    for token in shlex.split(line):
        if token == "&&":
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c and c != [":"]]


def output_of(argv: list[str]) -> str:
    return argv[argv.index("-o") + 1] if "-o" in argv else ""


# ----------------------------------------------------------------------------- processes


@dataclass
class RunOutcome:
    ran: int = 0
    failed: int = 0
    verdict: str = ""  # killed | passed | error
    detail: str = ""


class Runner:
    """Runs commands in their own process group so a timeout can stop everything they started."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.active: set[subprocess.Popen] = set()
        self.lock = threading.Lock()

    def run(self, argv: list[str], cwd: Path, env: dict | None = None, log: Path | None = None,
            timeout: float | None = None) -> tuple[int | None, str]:
        """(exit code, or None on timeout; combined output)."""
        out = open(log, "w+b") if log else subprocess.PIPE  # noqa: SIM115 - closed below
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        with self.lock:
            self.active.add(proc)
        try:
            try:
                stdout, _ = proc.communicate(timeout=timeout or self.timeout)
                code: int | None = proc.returncode
            except subprocess.TimeoutExpired:
                stop_group(proc)
                stdout, _ = proc.communicate()
                code = None
        finally:
            with self.lock:
                self.active.discard(proc)
        if log:
            out.seek(0)
            text = out.read().decode(errors="replace")
            out.close()
        else:
            text = (stdout or b"").decode(errors="replace")
        return code, text

    def stop_all(self) -> None:
        with self.lock:
            procs = list(self.active)
        for proc in procs:
            stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGINT first (pytest then runs its teardown and stops the servers), then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            # The leader is gone; children of the group may linger: kill them too.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return
        except subprocess.TimeoutExpired:
            continue


def test_env(server_binary: Path | None) -> dict:
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if server_binary is not None:
        env["SMLAPI_BIN"] = str(server_binary)
    return env


def run_gtest(runner: Runner, kill: Kill, binary: Path, cwd: Path, scratch: Path) -> RunOutcome:
    report = scratch / f"gtest-{abs(hash(kill.text))}.xml"
    report.unlink(missing_ok=True)
    argv = [str(binary), f"--gtest_filter={kill.selector}", f"--gtest_output=xml:{report}",
            "--gtest_color=no"]
    code, output = runner.run(argv, cwd, env=test_env(None))
    started = len(re.findall(r"^\[ RUN      \]", output, re.M))
    if code is None:
        if started:
            return RunOutcome(started, 1, "killed", f"timeout after {runner.timeout:.0f} s")
        return RunOutcome(0, 0, "error", "timeout before any test started")
    if report.is_file():
        try:
            ran, failed, skipped = parse_gtest_xml(report)
        except ET.ParseError:
            ran, failed, skipped = started, 0, 0
    else:
        ran, failed, skipped = started, 0, 0
    if ran == 0:
        if code != 0 and not report.is_file():
            return RunOutcome(0, 0, "error", f"exit {code} before any test ran: {tail(output)}")
        what = f"all {skipped} skipped" if skipped else "the filter matches no test"
        return RunOutcome(0, 0, "error", f"no test ran ({what})")
    if not report.is_file() and code != 0:
        return RunOutcome(ran, 1, "killed", f"crash ({describe_exit(code)}) in a test: "
                                            f"{tail(output)}")
    if failed:
        names = re.findall(r"^\[  FAILED  \] (\S+)", output, re.M)
        return RunOutcome(ran, failed, "killed",
                          f"{failed} of {ran} failed ({', '.join(dict.fromkeys(names))[:120]})")
    if code != 0:
        return RunOutcome(ran, 1, "killed", f"{ran} ran, then {describe_exit(code)}: "
                                            f"{tail(output)}")
    return RunOutcome(ran, 0, "passed", f"{ran} passed")


def parse_gtest_xml(path: Path) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()
    ran = failed = skipped = 0
    for case in root.iter("testcase"):
        if case.get("status", "run") != "run":
            continue
        if case.get("result") == "skipped" or case.find("skipped") is not None:
            skipped += 1
            continue
        ran += 1
        if case.find("failure") is not None:
            failed += 1
    return ran, failed, skipped


def run_pytest(runner: Runner, kill: Kill, server: Path, scratch: Path) -> RunOutcome:
    report = scratch / f"pytest-{abs(hash(kill.text))}.xml"
    report.unlink(missing_ok=True)
    argv = [PYTHON, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", f"--junitxml={report}"]
    if kill.selector and not kill.keyword:
        argv.append(f"{kill.pytest_file}::{kill.selector}")
    else:
        argv.append(kill.pytest_file)
        if kill.selector:
            argv += ["-k", kill.selector]
    code, output = runner.run(argv, ROOT, env=test_env(server))
    if code is None:
        return RunOutcome(1, 1, "killed", f"timeout after {runner.timeout:.0f} s")
    if code == 5:
        return RunOutcome(0, 0, "error", "pytest collected no test (exit 5)")
    if code in (2, 3, 4) or not report.is_file():
        return RunOutcome(0, 0, "error", f"pytest exit {code}: {tail(output)}")
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failures = sum(int(s.get("failures", 0)) for s in suites)
    errors = sum(int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    ran = tests - skipped
    if failures or errors:
        names = [c.get("name") for c in root.iter("testcase")
                 if c.find("failure") is not None or c.find("error") is not None]
        what = f"{failures} failed" + (f", {errors} errors (setup/teardown: e.g. the server "
                                       f"crashed or did not start)" if errors else "")
        return RunOutcome(max(ran, 1), failures + errors, "killed",
                          f"{what} of {ran} ({', '.join(names)[:120]})")
    if ran <= 0:
        return RunOutcome(0, 0, "error", f"no test ran ({skipped} skipped)")
    return RunOutcome(ran, 0, "passed", f"{ran} passed")


def collect_pytest(runner: Runner, kill: Kill) -> RunOutcome:
    """Baseline of a pytest entry: it must select at least one test (collection only; CTest
    runs the integration tests in full, with the unmutated server)."""
    argv = [PYTHON, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider"]
    if kill.selector and not kill.keyword:
        argv.append(f"{kill.pytest_file}::{kill.selector}")
    else:
        argv.append(kill.pytest_file)
        if kill.selector:
            argv += ["-k", kill.selector]
    code, output = runner.run(argv, ROOT, env=test_env(None))
    if code == 5:
        return RunOutcome(0, 0, "error", "pytest collected no test (exit 5)")
    if code != 0:
        return RunOutcome(0, 0, "error", f"pytest collection failed (exit {code}): {tail(output)}")
    selected = len([line for line in output.splitlines() if "::" in line])
    if selected == 0:
        return RunOutcome(0, 0, "error", "pytest selected no test")
    return RunOutcome(selected, 0, "passed", f"{selected} collected")


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def tail(text: str, lines: int = 3) -> str:
    interesting = [line for line in text.splitlines() if line.strip()]
    return " | ".join(interesting[-lines:])[-300:]


# ----------------------------------------------------------------------------- one mutant


@dataclass
class Result:
    mutant: Mutant
    verdict: str  # KILLED | SURVIVED | ERROR
    seconds: float
    detail: str


class Gate:
    def __init__(self, args: argparse.Namespace):
        self.full_baseline = args.full_baseline
        self.build_dir = Path(args.build_dir).resolve()
        self.scratch_root = self.build_dir / "mutation"
        self.graph = BuildGraph(self.build_dir)
        self.runner = Runner(args.timeout)
        self.keep = args.keep
        self.baseline: dict[str, RunOutcome] = {}
        self.stopping = threading.Event()

    # --- baseline: every kill entry on the unmutated build
    def run_baseline(self, kills: list[Kill], jobs: int) -> None:
        scratch = self.scratch_root / "_baseline"
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(parents=True)

        def one(kill: Kill) -> tuple[str, RunOutcome]:
            try:
                info = self.graph.link(kill.target)
                binary = self.build_dir / info.output
                if not binary.is_file():
                    return kill.text, RunOutcome(0, 0, "error", f"{binary} not built")
                if kill.kind == "gtest":
                    return kill.text, run_gtest(self.runner, kill, binary, binary.parent, scratch)
                if not self.full_baseline:
                    return kill.text, collect_pytest(self.runner, kill)
                return kill.text, run_pytest(self.runner, kill, binary, scratch)
            except GateError as error:
                return kill.text, RunOutcome(0, 0, "error", str(error))

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            for text, outcome in pool.map(one, kills):
                self.baseline[text] = outcome

    def baseline_problem(self, mutant: Mutant) -> str:
        for kill in mutant.kills:
            outcome = self.baseline.get(kill.text)
            if outcome is None:
                continue
            if outcome.verdict == "error":
                return f"{kill.text}: {outcome.detail} (on the unmutated build)"
            if outcome.verdict != "passed":
                return f"{kill.text} fails on the unmutated build: {outcome.detail}"
        return ""

    # --- mutants
    def run_mutant(self, mutant: Mutant) -> Result:
        started = time.monotonic()
        if self.stopping.is_set():
            return Result(mutant, "ERROR", 0.0, "not run (interrupted)")
        scratch = self.scratch_root / mutant.id
        verdict, detail = "ERROR", ""
        try:
            if mutant.problem:
                raise GateError(mutant.problem)
            if problem := self.baseline_problem(mutant):
                raise GateError(problem)
            if scratch.exists():
                shutil.rmtree(scratch)
            scratch.mkdir(parents=True)
            binaries = self.build_mutant(mutant, scratch)
            built = time.monotonic() - started
            verdict, detail = self.run_kills(mutant, binaries, scratch)
            detail = f"[build {built:.0f} s] {detail}"
        except GateError as error:
            verdict, detail = "ERROR", str(error)
        except Exception as error:  # noqa: BLE001 - reported as the mutant's ERROR
            verdict, detail = "ERROR", f"{type(error).__name__}: {error}"
        if verdict == "KILLED" and not self.keep and scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
        return Result(mutant, verdict, time.monotonic() - started, detail)

    def mutated_text(self, mutant: Mutant) -> tuple[Path, str]:
        path = (ROOT / mutant.file).resolve()
        if ROOT not in path.parents or not path.is_file():
            raise GateError(f"no file {mutant.file}")
        text = path.read_text(encoding="utf-8")
        count = text.count(mutant.find)
        if count != 1:
            raise GateError(f"'find' text occurs {count} times in {mutant.file} (must be once)")
        return path, text.replace(mutant.find, mutant.replace, 1)

    def build_mutant(self, mutant: Mutant, scratch: Path) -> dict[str, Path]:
        path, text = self.mutated_text(mutant)
        targets = list(dict.fromkeys(k.target for k in mutant.kills))
        links = {t: self.graph.link(t) for t in targets}
        if path.suffix in SOURCE_SUFFIXES:
            if str(path) not in self.graph.compile:
                raise GateError(f"{mutant.file} has no entry in compile_commands.json")
            source = self.shim_directory(path, scratch / "src") / path.name
            source.write_text(text, encoding="utf-8")
            argv, directory = self.graph.compile[str(path)]
            objects = {output_of(argv): self.compile(argv, directory, path, source, None, scratch)}
        elif path.suffix in HEADER_SUFFIXES:
            objects = self.build_header_mutant(path, text, links, scratch)
        else:
            raise GateError(f"{mutant.file}: only C++ sources and headers can be mutated")
        binaries = {}
        for target, info in links.items():
            binaries[target] = self.relink(info, objects, scratch)
        return binaries

    @staticmethod
    def shim_directory(original: Path, shim: Path) -> Path:
        """A directory standing in for the mutated file's own: its siblings as symbolic links,
        so `#include "sibling.h"` resolves as it does next to the original. (An -iquote of the
        original directory would do that too, but a header there named like a system header,
        such as src/http/limits.h, would then capture libstdc++'s #include_next <limits.h>.)"""
        shim.mkdir(parents=True)
        for sibling in original.parent.iterdir():
            if sibling.name != original.name:
                (shim / sibling.name).symlink_to(sibling)
        return shim

    def build_header_mutant(self, header: Path, text: str, links: dict[str, LinkInfo],
                            scratch: Path) -> dict[str, Path]:
        # The mutated header shadows the original through an -iquote/-I directory searched
        # first, at the same relative path as under the include root that holds it.
        include_root = None
        for candidate in (ROOT / "src", ROOT / "tests" / "unit", ROOT):
            if candidate in header.parents:
                include_root = candidate
                break
        assert include_root is not None
        relative = header.relative_to(include_root)
        shadow_root = scratch / "include"
        shadow = shadow_root / relative
        shadow.parent.mkdir(parents=True)
        shadow.write_text(text, encoding="utf-8")
        linked = set()
        for info in links.values():
            linked.update(a for a in info.argv if a.endswith(".o"))
            for archive in info.argv:
                linked.update(info.archives.get(archive, []))
        users = [obj for obj in self.graph.dependents(header) if obj in linked]
        if not users:
            raise GateError(f"no object linked into {', '.join(links)} includes {header.name}")
        objects = {}
        for obj in users:
            source, argv, directory = self.graph.source_of(obj)
            objects[obj] = self.compile(argv, directory, Path(source), Path(source),
                                        (shadow_root, header, shadow), scratch)
        return objects

    def compile(self, argv: list[str], directory: Path, original: Path, source: Path,
                shadow: tuple[Path, Path, Path] | None, scratch: Path) -> Path:
        obj_rel = output_of(argv)
        if not obj_rel:
            raise GateError(f"compile command of {original} has no -o")
        out_dir = scratch / "obj" / str(abs(hash(obj_rel)))
        out_dir.mkdir(parents=True, exist_ok=True)
        obj = out_dir / Path(obj_rel).name  # same member name inside the archive
        depfile = out_dir / "deps.d"
        command = [argv[0]]
        if shadow:
            # Searched before every -I: the mutated header shadows the original. Project headers
            # are included with quotes and a directory ("http/limits.h"), so nothing else moves.
            command += ["-iquote", str(shadow[0])]
        skip = False
        for i, arg in enumerate(argv[1:], start=1):
            if skip:
                skip = False
                continue
            if arg in DEP_FLAGS_WITH_ARG or arg == "-o":
                skip = True
                continue
            if arg in DEP_FLAGS:
                continue
            if arg == str(original) or (argv[i - 1] == "-c" and Path(directory, arg).resolve()
                                        == original.resolve()):
                command.append(str(source))
                continue
            command.append(arg)
        # No debug information: the mutant is compiled and thrown away, and DWARF is a good part
        # of an -O1 compile's time. -Og (last -O wins): compiling mutated translation units is
        # most of the gate's time and -Og compiles them faster than -O1 while still defining
        # __OPTIMIZE__ (headers that choose code by it, as simdjson's do, see the same value as
        # in the objects the mutant is linked with); the sanitizers stay on.
        # -Wno-error: a mutant may well leave a parameter or variable unused; it only has to
        # compile (warnings are the unmutated code's business, checked by the real build).
        command += ["-g0", "-Og", "-Wno-error", "-o", str(obj), "-MD", "-MF", str(depfile)]
        code, output = self.runner.run(command, directory, timeout=max(self.runner.timeout, 600))
        if code != 0:
            raise GateError(f"does not compile ({original.name}): {tail(output, 4)}")
        if shadow:
            deps = depfile.read_text()
            if str(shadow[2]) not in deps or str(shadow[1]) in deps:
                raise GateError(f"{original.name} did not pick up the mutated "
                                f"{shadow[1].name} (included by another path?)")
        return obj

    def relink(self, info: LinkInfo, objects: dict[str, Path], scratch: Path) -> Path:
        argv = list(info.argv)
        used = False
        for i, arg in enumerate(argv):
            if arg in objects:
                argv[i] = str(objects[arg])
                used = True
        for archive, members in info.archives.items():
            replaced = [obj for obj in objects if obj in members]
            if not replaced or archive not in argv:
                continue
            copy = scratch / "lib" / archive.replace("/", "__")
            if not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.build_dir / archive, copy)
                for obj in replaced:
                    self.replace_member(copy, objects[obj], members)
            argv = [str(copy) if a == archive else a for a in argv]
            used = True
        if not used:
            raise GateError(f"the mutated code is not linked into '{info.target}' "
                            "(this kill entry could never see the mutant)")
        binary = scratch / "bin" / info.target / Path(info.output).name
        binary.parent.mkdir(parents=True, exist_ok=True)
        argv[argv.index("-o") + 1] = str(binary)
        argv.insert(argv.index("-o"), "-Wl,--strip-debug")  # faster link; nothing is debugged
        code, output = self.runner.run(argv, self.build_dir, timeout=max(self.runner.timeout, 600))
        if code != 0:
            raise GateError(f"link of {info.target} failed: {tail(output, 4)}")
        return binary

    def replace_member(self, archive: Path, obj: Path, members: list[str]) -> None:
        name = obj.name
        if sum(1 for m in members if Path(m).name == name) != 1:
            raise GateError(f"{archive.name}: member name {name} is not unique")
        with open(archive, "rb") as handle:
            if handle.read(8) != b"!<arch>\n":
                raise GateError(f"{archive.name} is not a regular ar archive (thin?)")
        code, output = self.runner.run(["ar", "r", str(archive), str(obj)], archive.parent)
        if code != 0:
            raise GateError(f"ar r {archive.name} failed: {tail(output)}")
        code, output = self.runner.run(["ranlib", str(archive)], archive.parent)
        if code != 0:
            raise GateError(f"ranlib {archive.name} failed: {tail(output)}")

    def run_kills(self, mutant: Mutant, binaries: dict[str, Path],
                  scratch: Path) -> tuple[str, str]:
        # Unit tests first (fast); stop at the first kill.
        ordered = sorted(mutant.kills, key=lambda k: k.kind != "gtest")
        notes = []
        for kill in ordered:
            if self.stopping.is_set():
                return "ERROR", "interrupted"
            binary = binaries[kill.target]
            if kill.kind == "gtest":
                cwd = self.build_dir / Path(self.graph.link(kill.target).output).parent
                outcome = run_gtest(self.runner, kill, binary, cwd, scratch)
            else:
                outcome = run_pytest(self.runner, kill, binary, scratch)
            if outcome.verdict == "killed":
                return "KILLED", f"{kill.text}: {outcome.detail}"
            if outcome.verdict == "error":
                return "ERROR", f"{kill.text}: {outcome.detail}"
            notes.append(f"{kill.text}: {outcome.detail}")
        return "SURVIVED", "; ".join(notes)


# ----------------------------------------------------------------------------- main


def print_table(results: list[Result]) -> None:
    width = max([len(r.mutant.id) for r in results] + [6])
    print(f"\n{'mutant':<{width}}  {'result':<8}  {'seconds':>7}  detail")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 7}  {'-' * 40}")
    for r in results:
        print(f"{r.mutant.id:<{width}}  {r.verdict:<8}  {r.seconds:7.1f}  {r.detail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default="build-dev",
                        help="the dev preset's build tree (default: build-dev)")
    parser.add_argument("--only", metavar="ID_REGEX", help="run the mutants whose id matches")
    parser.add_argument("--jobs", type=int, default=2, help="mutants at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=180,
                        help="seconds per test run; a timeout counts as a kill (default 180)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--keep", action="store_true",
                        help="keep every scratch directory (default: only those not killed)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the run of every kill entry against the unmutated build")
    parser.add_argument("--full-baseline", action="store_true",
                        help="run the pytest entries in the baseline too (default: collect "
                             "them only; CTest runs the integration tests in full)")
    parser.add_argument("--allow-stale", action="store_true",
                        help="only warn when build-dir is older than its sources (the results "
                             "then describe the build, not the sources)")
    parser.add_argument("--mutants-dir", default=str(MUTANTS_DIR), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)

    try:
        mutants = load_mutants(Path(args.mutants_dir))
    except GateError as error:
        print(f"mutation gate: ERROR: {error}", file=sys.stderr)
        return 1
    if args.only:
        pattern = re.compile(args.only)
        mutants = [m for m in mutants if pattern.search(m.id)]
        if not mutants:
            print(f"mutation gate: ERROR: no mutant id matches '{args.only}'", file=sys.stderr)
            return 1

    if args.list:
        for m in mutants:
            status = f"  INVALID: {m.problem}" if m.problem else ""
            print(f"{m.id}\n    {m.file}: {m.why}\n    kill: {', '.join(m.kill_texts)}{status}")
        print(f"{len(mutants)} mutants")
        return 1 if any(m.problem for m in mutants) else 0

    started = time.monotonic()
    try:
        gate = Gate(args)
        targets = sorted({k.target for m in mutants for k in m.kills})
        if targets:
            try:
                gate.graph.check_up_to_date(targets)
            except GateError as error:
                if not args.allow_stale:
                    raise
                print(f"mutation gate: WARNING: {error}", file=sys.stderr)
    except GateError as error:
        print(f"mutation gate: ERROR: {error}", file=sys.stderr)
        return 1

    def interrupted(signum, frame):  # noqa: ARG001
        gate.stopping.set()
        gate.runner.stop_all()

    signal.signal(signal.SIGTERM, interrupted)
    jobs = max(1, args.jobs)
    if not args.no_baseline:
        kills = list({k.text: k for m in mutants for k in m.kills}.values())
        print(f"mutation gate: baseline: {len(kills)} kill entries on the unmutated build",
              flush=True)
        try:
            gate.run_baseline(kills, jobs)
        except KeyboardInterrupt:
            gate.stopping.set()
            gate.runner.stop_all()
            return 130
    print(f"mutation gate: {len(mutants)} mutants, {jobs} at a time", flush=True)
    results: list[Result] = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            # Longest first, so the last minutes are not one slow mutant alone: pytest kills
            # (a server start), then big translation units (compile time).
            def cost(m: Mutant) -> tuple[bool, int]:
                path = ROOT / m.file
                size = path.stat().st_size if path.is_file() else 0
                return (any(k.kind == "pytest" for k in m.kills), size)

            futures = {pool.submit(gate.run_mutant, m): m
                       for m in sorted(mutants, key=cost, reverse=True)}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results.append(result)
                print(f"  [{len(results)}/{len(mutants)}] {result.verdict:<8} "
                      f"{result.seconds:6.1f}s  {result.mutant.id}", flush=True)
    except KeyboardInterrupt:
        gate.stopping.set()
        gate.runner.stop_all()
        return 130

    order = {m.id: i for i, m in enumerate(mutants)}
    results.sort(key=lambda r: order[r.mutant.id])
    print_table(results)
    counts = {v: sum(1 for r in results if r.verdict == v) for v in ("KILLED", "SURVIVED", "ERROR")}
    elapsed = time.monotonic() - started
    print(f"\nmutation gate: {counts['KILLED']}/{len(results)} killed, {counts['SURVIVED']} "
          f"survived, {counts['ERROR']} errors in {elapsed:.0f} s")
    for r in results:
        if r.verdict != "KILLED":
            print(f"  {r.verdict}: {r.mutant.id} ({r.mutant.file}): {r.mutant.why}")
    return 0 if counts["KILLED"] == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
