"""`secure-ml-api score` for real files (issue 17): file arguments and stdin, lines / JSON lines /
CSV / TSV in, JSON lines / CSV out, ids and kept fields passed through, a BOM and CRLF, order kept
with several threads, every bad row reported with its row and line number and a non-zero exit
status, --on-error fail, usage errors (status 2) and the lexicon options of `serve`. The
reference vectors (0 differences) are in test_score_reference_vectors.py."""
import csv
import io
import json
import subprocess

from conftest import BIN


def score(*args, data=b""):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return subprocess.run([BIN, "score", *args], input=data, capture_output=True, timeout=120)


def jsonl(result):
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_lines_from_stdin_and_dash_with_label():
    for args in ([], ["-"]):
        result = score(*args, data="I love it\r\nI hate it\n\nThe chair")
        assert result.returncode == 0, result.stderr
        rows = jsonl(result)
        assert [row["label"] for row in rows] == ["POSITIVE", "NEGATIVE", "NEUTRAL", "NEUTRAL"]
        assert set(rows[0]) == {"label", "neg", "neu", "pos", "compound"}
        assert rows[2]["compound"] == 0.0  # an empty line is an empty text
    assert result.stderr == b""


def test_file_arguments_in_order_with_format_by_extension(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text":"great","id":1}\n\n{"text":"awful","id":2}\n')
    (tmp_path / "b.csv").write_text("id,text\n3,good\n")
    (tmp_path / "c.txt").write_text("bad\n")
    result = score("--id-field", "id", str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv"),
                   data="")
    assert result.returncode == 0, result.stderr
    rows = jsonl(result)
    assert [(row["id"], row["label"]) for row in rows] == [
        (1, "POSITIVE"), (2, "NEGATIVE"), ("3", "POSITIVE")]
    # lines carry no id: asking for one with a lines input is a usage error, before any output
    result = score("--id-field", "id", str(tmp_path / "c.txt"))
    assert result.returncode == 2 and result.stdout == b""
    assert b"--id-field" in result.stderr


def test_csv_quoted_newlines_do_not_shift_rows_and_kept_columns_pass_through():
    data = ('\ufeffid,text,lang\r\n1,"I love it.\r\nReally, ""love"" it",en\r\n'
            '2,I hate it,fr\r\n3,"fine",de\r\n')
    result = score("--format", "csv", "--id-field", "id", "--keep", "lang", data=data)
    assert result.returncode == 0, result.stderr
    rows = jsonl(result)
    assert [(row["id"], row["lang"], row["label"]) for row in rows] == [
        ("1", "en", "POSITIVE"), ("2", "fr", "NEGATIVE"), ("3", "de", "POSITIVE")]


def test_csv_output_and_column_by_index_without_header():
    result = score("--format", "tsv", "--no-header", "--column", "2", "--keep", "1",
                   "--output-format", "csv", data="a\tgood\nb\t\"very\tbad\"\n")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    assert list(rows[0]) == ["1", "label", "neg", "neu", "pos", "compound", "error"]
    assert [(row["1"], row["label"]) for row in rows] == [("a", "POSITIVE"), ("b", "NEGATIVE")]


def test_json_lines_nested_fields_and_kept_values_of_any_type():
    data = ('{"id":"x1","data":{"body":"good"},"meta":{"n":[1,2]},"score":7}\n'
            '{"id":"x2","data":{"body":"bad"},"score":null}\n')
    result = score("--format", "jsonl", "--field", "data.body", "--id-field", "id",
                   "--keep", "meta.n,score", data=data)
    assert result.returncode == 0, result.stderr
    rows = jsonl(result)
    assert rows[0]["id"] == "x1" and rows[0]["meta.n"] == [1, 2] and rows[0]["score"] == 7
    assert rows[1]["meta.n"] is None and rows[1]["score"] is None
    assert list(rows[0])[:3] == ["id", "meta.n", "score"]


def test_every_bad_row_is_reported_with_its_row_and_line_and_the_status_is_1():
    data = b"\n".join([
        b'{"id":1,"text":"good"}',
        b'{"id":2,"text":"good"',          # invalid JSON
        b'{"id":3,"body":"x"}',             # missing field
        b'{"id":4,"text":12}',              # not a string
        b'',                                # blank: no row
        b'{"id":5,"text":"\xff"}',          # invalid UTF-8
        b'[1]',                             # not an object
        b'{"id":7,"text":"bad"}',
    ]) + b"\n"
    result = score("--format", "jsonl", "--id-field", "id", data=data)
    assert result.returncode == 1
    rows = jsonl(result)
    assert len(rows) == 7  # one output row per input row, aligned
    assert [row.get("error") for row in rows] == [
        None, "invalid_json", "missing_field", "not_a_string", "invalid_utf8", "not_an_object",
        None]
    assert rows[2]["id"] == 3 and rows[3]["id"] == 4
    stderr = result.stderr.decode()
    for expected in ("stdin: row 2 (line 2): invalid_json", "row 3 (line 3): missing_field",
                     "row 4 (line 4): not_a_string", "row 5 (line 6): invalid_utf8",
                     "row 6 (line 7): not_an_object", "5 of 7 rows could not be scored"):
        assert expected in stderr, stderr


def test_bad_csv_rows_are_reported():
    # row 4: the text is fine, the id is not UTF-8 (every field is checked: it is passed on)
    data = 'id,text\n1,good\n2,"a,b",extra\n3,"ok"x\n4\xe9,fine\n5,"never closed\n6,bad\n'
    result = score("--format", "csv", "--id-field", "id", data=data.encode("latin-1"))
    assert result.returncode == 1
    rows = jsonl(result)
    assert [row.get("error") for row in rows] == [
        None, "column_count", "stray_quote", "invalid_utf8", "unterminated_quote"]
    stderr = result.stderr.decode()
    for expected in ("row 2 (line 3): column_count", "row 3 (line 4): stray_quote",
                     "row 4 (line 5): invalid_utf8", "row 5 (line 6): unterminated_quote"):
        assert expected in stderr, stderr


def test_on_error_fail_stops_at_the_first_bad_row():
    data = "good\nnice\n".encode() + b"\xff\n" + b"bad\n" * 5000
    result = score("--on-error", "fail", "--threads", "2", data=data)
    assert result.returncode == 1
    assert [row["label"] for row in jsonl(result)] == ["POSITIVE", "POSITIVE"]
    assert b"row 3 (line 3): invalid_utf8" in result.stderr


def test_order_is_kept_with_two_threads_on_many_chunks():
    # No numbers in the texts: VADER's lexicon knows a few ("187").
    texts = [f"{'good' if i % 3 else 'bad'} row" for i in range(30000)]
    data = "".join(json.dumps({"i": i, "text": t}) + "\n" for i, t in enumerate(texts))
    result = score("--format", "jsonl", "--id-field", "i", "--threads", "2", data=data)
    assert result.returncode == 0, result.stderr
    rows = jsonl(result)
    assert [row["id"] for row in rows] == list(range(30000))
    assert all(row["label"] == ("POSITIVE" if row["id"] % 3 else "NEGATIVE") for row in rows)


def test_output_file_and_no_progress_line_when_stderr_is_not_a_terminal(tmp_path):
    out = tmp_path / "out.csv"
    result = score("-o", str(out), "--output-format", "csv", data="good\n")
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert out.read_text().splitlines()[1].startswith("POSITIVE,")


def test_usage_errors_exit_2_before_any_output(tmp_path):
    for args in (["--format", "xml"], ["--on-error", "maybe"], ["--threads", "x"],
                 ["--bogus"], [str(tmp_path / "missing.csv")], ["--keep", "label", "-"],
                 ["--format", "jsonl", "--field", "a..b"]):
        result = score(*args, data="x\n")
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == b"", args
    result = score("--format", "csv", "--column", "body", data="id,text\n1,x\n")
    assert result.returncode == 2 and b"no column 'body'" in result.stderr


def test_lexicon_overrides_apply_as_in_serve(tmp_path):
    overrides = tmp_path / "overrides.txt"
    overrides.write_text("chair\t3.0\n")
    plain = jsonl(score(data="the chair\n"))[0]
    changed = jsonl(score("--lexicon-overrides", str(overrides), data="the chair\n"))[0]
    assert plain["label"] == "NEUTRAL" and changed["label"] == "POSITIVE", (plain, changed)


def test_afinn_outputs_and_label():
    rows = jsonl(score("--model", "afinn", data="good\nnot good\n"))
    assert rows == [{"label": "POSITIVE", "score": 3, "comparative": 3.0},
                    {"label": "NEGATIVE", "score": -3, "comparative": -1.5}]


def test_help_lists_the_options_and_exit_statuses():
    result = score("--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    for option in ("--format", "--field", "--column", "--id-field", "--keep", "--no-header",
                   "--output-format", "--output", "--threads", "--on-error", "--lexicon",
                   "--lexicon-overrides", "--model", "--max-row-bytes", "exit status"):
        assert option in text, option


def test_a_row_longer_than_the_limit_is_a_reported_row_and_reading_goes_on():
    data = "good\n" + "x" * 5000 + "\nbad\n"
    result = score("--max-row-bytes", "100", data=data)
    assert result.returncode == 1
    assert [row.get("error", row.get("label")) for row in jsonl(result)] == [
        "POSITIVE", "row_too_long", "NEGATIVE"]
    assert b"row 2 (line 2): row_too_long" in result.stderr


def test_explain_adds_coverage_warnings_and_an_explanation_that_adds_up():
    texts = "The book was kind of good.\nVERY GOOD!!! but terrible\nСегодня хорошая погода\n:)\n"
    plain = jsonl(score(data=texts))
    result = score("--explain", "--threads", "2", data=texts)
    assert result.returncode == 0, result.stderr
    explained = jsonl(result)
    scores = ("label", "neg", "neu", "pos", "compound")
    # Explaining never changes a score.
    assert [{k: row[k] for k in scores} for row in explained] == plain
    for row in explained:
        assert 0.0 <= row["coverage"] <= 1.0 and isinstance(row["warnings"], list)
        explanation = row["explanation"]
        # The contributions add up to the sum the normalisation starts from (docs/model.md).
        total = 0.0
        for token in explanation["tokens"]:
            total += token["valence"]
        assert abs(total - explanation["word_sum"]) < 1e-9, explanation
        assert abs(explanation["word_sum"] + explanation["punctuation"]["valence"]
                   - explanation["sum"]) < 1e-9, explanation
    assert "non_latin_script" in explained[2]["warnings"]
    # CSV output: the same three columns, JSON in their cells.
    rows = list(csv.DictReader(io.StringIO(
        score("--explain", "--output-format", "csv", data=texts).stdout.decode())))
    assert json.loads(rows[0]["explanation"]) == explained[0]["explanation"]
