"""Docs that are true (issue 19): every shell block a reader would copy from README.md and
docs/*.md is run against a fresh start of the real binary, and the outputs the docs show are
compared with what the service answers.

A fresh start is what `scripts/run.sh` makes: `scripts/demo-account.sh` creates the demo account
in `.local/` of a scratch directory, and the service is started with run.sh's own arguments, on a
free port instead of 8000. Each document's blocks run in order in one bash session (so `TOKEN`
set by one block is there for the next), in a directory of its own, with `secure-ml-api` and `build/secure-ml-api` being
the binary under test.

What a block may assume, besides the demo account, is listed in DOC_SETUP (e.g. docs/api.md's
user `alice` with her password in `/run/secrets/alice`); REWRITES lists the only textual changes
made before running (the port, and /run/secrets/ into the scratch directory).

Expected outputs are written two ways in the docs, and both are checked:
- comment lines right after a command: `# {"json": ...}` or `# 422 {...}` (status, then body),
  continued on lines starting with `#  `;
- a ```json block right after a shell block: the output of that block's last command.
An expected output that is valid JSON must equal the answer (volatile fields aside); one that
elides parts with `...` must have each of its `"key":value` pairs in the answer.

A block that cannot run here (AWS, a cluster, a registry, production paths) says why in an HTML
comment on the line before its fence: `<!-- doc-test: not run: <reason> -->`. Any other block
is run, so a new example is tested by default.
"""
import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BIN, ROOT, start_service

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
EXCUSE = re.compile(r"<!--\s*doc-test:\s*not run:\s*(\S.*?)\s*-->")
FENCE = re.compile(r"^```(\w*)\s*$")
SERVE = re.compile(r"secure-ml-api serve(?!\s+--help)")
EXPECTED_START = re.compile(r"^#\s+(?:(\d{3})\s+)?([\[{].*)$")
EXPECTED_MORE = re.compile(r"^#\s{2,}(\S.*)$")
# Values that differ on every run: compared by presence, not by value.
VOLATILE_KEYS = {"access_token", "jti", "request_id", "ts", "iat", "exp"}
ALICE_PASSWORD = "alice-doc-password-0123"
CLIENT_ID, CLIENT_SECRET = "doc-batch-job", "doc-batch-job-secret-0123456789"

# What each document's examples assume exists before they run (beyond the demo account).
DOC_SETUP = {
    "docs/api.md": "a user alice (scope predict) whose password is in /run/secrets/alice, "
                   "and a client CLIENT_ID/CLIENT_SECRET (scope predict)",
    "docs/operations.md": "PASSWORD set (a new user's password, read from stdin)",
}


@dataclass
class Command:
    text: str
    line: int
    expected: str | None = None  # the doc's output for it, `NNN ` status prefix removed
    # A terminal transcript (`$ command` lines, output below): the shown lines, compared line by
    # line with stdout then stderr; `cat FILE` of a file that does not exist yet writes it (the
    # transcript shows what the reader has); `echo $?` checks the previous command's status.
    transcript: list | None = None


@dataclass
class Block:
    document: Path
    line: int  # of the opening fence, 1-based
    text: str
    excuse: str | None
    expected_json: str | None = None  # a ```json block right after it
    commands: list = field(default_factory=list)

    @property
    def where(self):
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def shell_blocks(document):
    """The document's shell blocks, each with its excuse and the json block after it."""
    lines = document.read_text().splitlines()
    blocks, index = [], 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        end = next((j for j in range(index + 1, len(lines)) if lines[j].startswith("```")),
                   len(lines))
        language, body = fence.group(1), "\n".join(lines[index + 1:end])
        if language in SHELL_LANGUAGES:
            before = next((lines[j] for j in range(index - 1, -1, -1) if lines[j].strip()), "")
            excuse = EXCUSE.search(before)
            blocks.append(Block(document, index + 1, body, excuse.group(1) if excuse else None))
        elif language == "json" and blocks and blocks[-1].document == document \
                and _only_blank_between(lines, blocks[-1], index):
            blocks[-1].expected_json = body
        index = end + 1
    return blocks


def _only_blank_between(lines, block, json_fence_index):
    block_end = block.line + block.text.count("\n") + 1  # index of its closing fence
    return all(not lines[j].strip() for j in range(block_end + 1, json_fence_index))


def split_transcript(block):
    """A block written as a terminal session: `$ command` lines, each followed by its output."""
    commands = []
    for number, line in enumerate(block.text.splitlines(), start=block.line + 1):
        if line.startswith("$ "):
            commands.append(Command(line[2:], number, transcript=[]))
        elif commands and line.strip() and commands[-1].text.endswith("\\"):
            commands[-1].text += "\n" + line
        elif commands and line.strip():
            commands[-1].transcript.append(line)
    block.commands = commands
    return commands


def split_commands(block):
    """Logical commands (quotes, $( ), backslash continuations) with the output comments after."""
    if any(line.startswith("$ ") for line in block.text.splitlines()):
        return split_transcript(block)
    commands, current, start, state = [], [], 0, _QuoteState()
    for number, line in enumerate(block.text.splitlines(), start=block.line + 1):
        if not current:
            stripped = line.strip()
            expected = EXPECTED_START.match(stripped)
            if expected and commands and commands[-1].expected is None:
                commands[-1].expected = expected.group(2)
                continue
            more = EXPECTED_MORE.match(line.rstrip())
            if more and commands and commands[-1].expected is not None:
                commands[-1].expected += more.group(1)
                continue
            if not stripped or stripped.startswith("#"):
                if commands and commands[-1].expected is not None:
                    commands.append(Command("", number))  # a comment ends an expected output
                continue
            start = number
        current.append(line)
        if state.feed(line + "\n"):
            commands.append(Command("\n".join(current), start))
            current = []
    assert not current, f"{block.where}: unterminated command: {current}"
    block.commands = [c for c in commands if c.text]
    if block.expected_json is not None:
        assert block.commands[-1].expected is None, f"{block.where}: two expected outputs"
        block.commands[-1].expected = block.expected_json
    return block.commands


class _QuoteState:
    """Enough of bash's lexer to know where a command ends: quotes, $( ) and line continuation."""

    def __init__(self):
        self.single = self.double = False
        self.depth = 0

    def feed(self, text):
        """Consumes one line; True when the command is complete at its end."""
        i = 0
        while i < len(text):
            c = text[i]
            if self.single:
                self.single = c != "'"
            elif c == "\\":
                if text[i + 1:i + 2] == "\n":
                    return False  # continuation
                i += 1
            elif c == '"':
                self.double = not self.double
            elif c == "'" and not self.double:
                self.single = True
            elif c == "#" and not self.double and (i == 0 or text[i - 1] in " \t"):
                break  # a comment runs to the end of the line
            elif text.startswith("$(", i):
                self.depth += 1
                i += 1
            elif c == ")" and self.depth and not self.double:
                self.depth -= 1
            i += 1
        return not (self.single or self.double or self.depth)


def all_blocks():
    return [block for document in DOCUMENTS for block in shell_blocks(document)]


def test_every_shell_block_is_run_or_says_why_not():
    blocks = all_blocks()
    assert blocks, "no shell blocks found: the extraction is broken"
    for block in blocks:
        if block.excuse is None:
            commands = split_commands(block)
            assert commands, f"{block.where}: a block without a command"
            # The service runs until stopped: a block that starts it cannot be run in sequence.
            starts_service = [c.text for c in commands if SERVE.search(c.text)]
            assert not starts_service, (
                f"{block.where}: starts the service ({starts_service[0]!r}); say "
                "<!-- doc-test: not run: ... --> and where its flags are tested")


def test_the_extraction_sees_commands_and_outputs():
    """The parser finds what a reader sees: commands that span lines, outputs after them."""
    block = Block(ROOT / "README.md", 1, "X=$(echo a \\\n  b)\n# {\"a\": 1,\n#  \"b\": 2}\n"
                  "echo 'x\ny'   # trailing comment\n# not an output\necho c\n", None)
    commands = split_commands(block)
    assert [c.text for c in commands] == ["X=$(echo a \\\n  b)", "echo 'x\ny'   # trailing comment",
                                          "echo c"]
    assert commands[0].expected == '{"a": 1,"b": 2}'
    assert commands[1].expected is None


@pytest.fixture(scope="module")
def fresh_start(tmp_path_factory):
    """scripts/run.sh's start, in a scratch directory: demo account, then serve."""
    home = tmp_path_factory.mktemp("fresh")
    (home / "build").mkdir()
    (home / "build" / "secure-ml-api").symlink_to(BIN)
    bindir = home / "bin"
    bindir.mkdir()
    (bindir / "secure-ml-api").symlink_to(BIN)
    subprocess.run([str(ROOT / "scripts" / "demo-account.sh"), "build/secure-ml-api"], cwd=home,
                   check=True, capture_output=True, timeout=120)
    users = home / ".local" / "users.json"
    _add_doc_principals(home, users)
    # run.sh passes no rate-limit flag, so the default limits apply; start_service lifts them
    # unless a --rate-limit* flag is given, hence the default said explicitly.
    service = start_service(home / "service", "--users-file", str(users), "--rate-limits", "on",
                            users_file=False, keys=False)
    yield home, service
    service.stop()


def _add_doc_principals(home, users):
    secrets = home / "run" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "alice").write_text(ALICE_PASSWORD + "\n")  # as a Secret file: with a newline
    for args, stdin in ((["users", "add", "alice", "--scopes", "predict"], ALICE_PASSWORD + "\n"),
                        (["clients", "add", CLIENT_ID, "--scopes", "predict"],
                         CLIENT_SECRET + "\n")):
        subprocess.run([BIN, *args, "--users-file", str(users)], input=stdin, text=True,
                       check=True, capture_output=True, timeout=120)


def runnable_documents():
    return sorted({block.document for block in all_blocks() if block.excuse is None})


@pytest.mark.parametrize("document", runnable_documents(),
                         ids=lambda d: str(d.relative_to(ROOT)))
def test_documented_commands_run_and_print_what_the_docs_show(fresh_start, document):
    home, service = fresh_start
    blocks = [b for b in shell_blocks(document) if b.excuse is None]
    commands = [c for block in blocks for c in split_commands(block)]
    results = run_commands(home, service, commands, tmp=home / f"run-{document.stem}")
    previous_status = 0
    for command, (status, out, err) in zip(commands, results):
        where = f"{document.relative_to(ROOT)}:{command.line}"
        if command.text == "echo $?" and command.transcript is not None:
            assert command.transcript == [str(previous_status)], f"{where}: exit status"
            continue
        assert status == 0 or _shows_status(commands, command), (
            f"{where}: `{command.text}` exited {status}: {err or out}")
        previous_status = status
        if command.transcript is not None:
            assert_transcript_matches(where, command.transcript, out + err)
        elif command.expected is not None:
            assert_output_matches(where, command.expected, out)


def _shows_status(commands, command):
    """The transcript shows `echo $?` right after: the status is the doc's to state."""
    index = commands.index(command)
    return index + 1 < len(commands) and commands[index + 1].text == "echo $?"


def assert_transcript_matches(where, shown, printed):
    got = printed.splitlines()
    assert len(got) == len(shown), f"{where}: the docs show {shown}, the command printed {got}"
    for want, have in zip(shown, got):
        try:
            same = json.loads(want) == json.loads(have)
        except ValueError:
            same = want == have
        assert same, f"{where}: the docs show {want!r}, the command printed {have!r}"


def run_commands(home, service, commands, tmp):
    """Runs the commands in one bash session; returns (status, stdout, stderr) of each."""
    # Each document starts in its own copy of the checkout's working directory (files its
    # examples create, like users.json, must not meet another document's), as a reader's
    # interactive bash: no pipefail, so `curl ... | head` is fine.
    tmp.mkdir()
    for shared in ("build", ".local", "run"):
        (tmp / shared).symlink_to(home / shared)
    script = [f"cd {tmp}"]
    for index, command in enumerate(commands):
        fixture = re.fullmatch(r"cat (\S+)(\s+#.*)?", command.text)
        if command.transcript is not None and fixture:
            # The transcript shows a file the reader has: write it if it is not there yet.
            name, content = fixture.group(1), "\n".join(command.transcript) + "\n"
            script.append(f"[ -e {name} ] || printf '%s' {_quote(content)} > {name}")
        text = command.text.replace("http://127.0.0.1:8000", service.base_url)
        text = text.replace("/run/secrets/", f"{tmp}/run/secrets/")
        script += ["{", text, f"}} >{tmp}/{index}.out 2>{tmp}/{index}.err", f"echo $? >{tmp}/{index}.rc"]
    env = dict(os.environ, PATH=f"{home}/bin:{os.environ['PATH']}", PASSWORD="doc-new-user-pass-1",
               CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET, HOME=str(home))
    # Its own process group, so that nothing a documented command started outlives the test.
    session = subprocess.Popen(["bash", "-c", "\n".join(script)], env=env,
                               start_new_session=True)
    try:
        session.wait(timeout=240)
    finally:
        try:
            os.killpg(session.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        session.wait()
    results = []
    for index in range(len(commands)):
        rc = tmp / f"{index}.rc"
        status = int(rc.read_text()) if rc.exists() else -1
        results.append((status, (tmp / f"{index}.out").read_text(errors="replace"),
                        (tmp / f"{index}.err").read_text(errors="replace")))
    return results


def _quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def assert_output_matches(where, expected, out):
    expected = re.sub(r"^\d{3}\s+", "", expected.strip())
    try:
        want = json.loads(expected)
    except ValueError:
        want = None
    try:
        got = json.loads(out)
    except ValueError:
        pytest.fail(f"{where}: the docs show JSON but the command printed: {out[:500]!r}")
    if want is not None:
        assert _stable(got) == _stable(want), f"{where}: docs show {expected}\nservice: {out}"
        return
    compact = json.dumps(got, separators=(",", ":"))
    for pair in re.findall(r'"[^"]+":(?:"[^"]*"|-?[\d.]+|true|false|null)', expected):
        if pair.split(":", 1)[0].strip('"') in VOLATILE_KEYS:
            continue
        assert pair in compact, f"{where}: docs show {pair}, the service answered {out}"


def _stable(value):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS else _stable(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value
