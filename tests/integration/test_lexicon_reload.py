"""A lexicon change file (--lexicon-overrides) reloaded under load (issue 17, item 3), through a
ConfigMap volume laid out as the kubelet projects it (tests/pod/kubelet_volume.py): `..data`
swapped atomically to a new timestamped directory, the file a symlink through it.

While four client threads score texts, the file is swapped several times and SIGHUP is sent.
No request fails; every answer names one of the versions loaded and carries exactly that
version's scores (never the old scores with the new version); a broken file keeps the last good
version and says so (log line naming the file and the line, /readyz "degraded", metrics); the
OIP metadata lists the loaded versions and a version a reload removed answers 404.
"""
import math
import signal
import sys
import threading
import time
from pathlib import Path

import requests

import conftest
import helpers_auth as h
from helpers_core import metric_sum, outputs_by_name, oip_request, parse_metrics, scrape

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pod"))
import kubelet_volume  # noqa: E402 - tests/pod is not a package

BUILTIN = "vader-3.3.2+038c30065b5e"
FILE = "overrides.tsv"
TEXTS = ["customer service", "good"]

# Three contents and what they make of TEXTS: one phrase whose valence x gives compound
# x / sqrt(x² + 15) (VADER's normalisation, one scored word), and "good" (1.9) or its removal.
CONTENTS = {
    "A": (b"# phrases and words\ncustomer service\t-2.5\n", -2.5, 1.9),
    "B": (b"customer   service\t2.5\t0.3\t[2, 3]\n", 2.5, 1.9),
    "C": (b"customer service\t1.0\ngood\t-\n", 1.0, None),
}
BROKEN = b"customer service\t1.0\nfine\t2\nnot bad\tvery\n"  # line 3


def python_round(value, digits):
    return round(value, digits)


def expected_scores(phrase_valence, good_valence):
    """{neg, neu, pos, compound} of each text when it holds one scored word."""
    def one_word(valence):
        if valence is None:
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        compound = python_round(valence / math.sqrt(valence * valence + 15), 4)
        return {"neg": 1.0 if valence < 0 else 0.0, "neu": 0.0,
                "pos": 1.0 if valence > 0 else 0.0, "compound": compound}
    return [one_word(phrase_valence), one_word(good_valence)]


def project(volume, content):
    kubelet_volume.project(volume, {FILE: (content, 0o644)})


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def loaded_versions(svc, token):
    r = requests.get(svc.url("/v2/models/vader"), headers=auth(token), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["versions"]


def wait_for_default(svc, token, not_version):
    conftest.wait_until(lambda: loaded_versions(svc, token)[0] != not_version, timeout=20)
    return loaded_versions(svc, token)[0]


def lexicon_events(svc, level):
    return [line for line in svc.log_lines()
            if line.get("event") == "lexicon.reload" and line.get("level") == level]


def lexicon_metrics(svc):
    samples, _ = parse_metrics(scrape(svc))
    return (metric_sum(samples, "smlapi_identity_source_ok", source="lexicon"),
            metric_sum(samples, "smlapi_identity_reload_failures_total", source="lexicon"))


# ---- the clients -------------------------------------------------------------------------

def batch_answer(session, svc, token):
    r = session.post(svc.url("/predict/batch"), json={"texts": TEXTS}, headers=auth(token),
                     timeout=30)
    if r.status_code != 200:
        return None, r
    body = r.json()
    return (body["model_version"], [result["scores"] for result in body["results"]]), r


def predict_answer(session, svc, token):
    rows = []
    version = None
    for text in TEXTS:  # two requests: each must be consistent in itself
        r = session.post(svc.url("/predict"), json={"text": text}, headers=auth(token), timeout=30)
        if r.status_code != 200:
            return None, r
        body = r.json()
        rows.append((body["model_version"], body["scores"]))
    return rows, None


def oip_answer(session, svc, token):
    r = session.post(svc.url("/v2/models/vader/infer"), json=oip_request(TEXTS),
                     headers=auth(token), timeout=30)
    if r.status_code != 200:
        return None, r
    body = r.json()
    outputs = outputs_by_name(body)
    scores = [{name: outputs[name]["data"][i] for name in ("neg", "neu", "pos", "compound")}
              for i in range(len(TEXTS))]
    return (body["model_version"], scores), r


def client(kind, svc, token, stop, answers, failures):
    session = requests.Session()
    while not stop.is_set():
        try:
            if kind == "batch":
                answer, r = batch_answer(session, svc, token)
                if answer is None:
                    failures.append((kind, r.status_code, r.text))
                else:
                    answers.append(answer)
            elif kind == "predict":
                rows, r = predict_answer(session, svc, token)
                if rows is None:
                    failures.append((kind, r.status_code, r.text))
                else:
                    answers.extend(("single", i, version, scores)
                                   for i, (version, scores) in enumerate(rows))
            else:
                answer, r = oip_answer(session, svc, token)
                if answer is None:
                    failures.append((kind, r.status_code, r.text))
                else:
                    answers.append(answer)
        except requests.RequestException as error:  # a dropped connection is a failure too
            failures.append((kind, "exception", repr(error)))


def check_answer(answer, expected):
    if answer[0] == "single":
        _, index, version, scores = answer
        assert version in expected, answer
        assert scores == expected[version][index], (answer, expected[version])
        return version
    version, scores = answer
    assert version in expected, answer
    assert scores == expected[version], (answer, expected[version])
    return version


def test_change_file_reloads_under_load_without_dropping_a_request(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc")
    volume = tmp_path / "volume" / "lexicon"
    project(volume, CONTENTS["A"][0])
    svc = conftest.start_service(workdir, "--lexicon-overrides", volume / FILE)
    try:
        token = svc.token()
        # The versions each content makes, learnt by projecting them in turn (the file's change
        # is noticed without a signal); equal content gives the equal version.
        versions = {"A": loaded_versions(svc, token)[0]}
        assert loaded_versions(svc, token) == [versions["A"], BUILTIN]
        for name in ("B", "C", "A"):
            project(volume, CONTENTS[name][0])
            previous = loaded_versions(svc, token)[0]
            now = wait_for_default(svc, token, previous)
            assert versions.setdefault(name, now) == now, (name, now, versions)
            assert loaded_versions(svc, token) == [now, BUILTIN]
        assert len(set(versions.values())) == 3, versions
        expected = {versions[name]: expected_scores(phrase, good)
                    for name, (_, phrase, good) in CONTENTS.items()}
        # Sanity: the contents really score differently.
        assert expected[versions["A"]][0]["compound"] < 0 < expected[versions["B"]][0]["compound"]

        stop = threading.Event()
        answers, failures = [], []
        threads = [threading.Thread(target=client, args=(kind, svc, token, stop, answers, failures))
                   for kind in ("batch", "batch", "predict", "oip")]
        for thread in threads:
            thread.start()
        try:
            for name, signal_it in (("B", False), ("C", True), ("A", False), ("B", True),
                                    ("C", False), ("A", True)):
                project(volume, CONTENTS[name][0])
                if signal_it:
                    svc.proc.send_signal(signal.SIGHUP)
                time.sleep(1.2)  # the file poll runs once a second
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert failures == [], failures[:5]
        assert len(answers) > 20, len(answers)
        seen = {check_answer(answer, expected) for answer in answers}
        assert len(seen) >= 2, seen  # the version changed while clients were scoring
        assert loaded_versions(svc, token) == [versions["A"], BUILTIN]

        # A broken file keeps the last good version, and says which file and line.
        ok, failures_before = lexicon_metrics(svc)
        assert ok == 1
        project(volume, BROKEN)
        conftest.wait_until(lambda: lexicon_events(svc, "error"), timeout=20)
        line = lexicon_events(svc, "error")[0]
        assert line["file"] == str(volume / FILE), line
        assert "line 3" in line["message"] and "keeping the previous one" in line["message"], line
        assert "very" in line["message"]  # the offending field, never a secret: it is a lexicon
        svc.proc.send_signal(signal.SIGHUP)  # a forced reload fails the same way
        conftest.wait_until(lambda: lexicon_metrics(svc)[1] >= failures_before + 1, timeout=20)
        assert lexicon_metrics(svc)[0] == 0
        ready = requests.get(svc.url("/readyz"), timeout=10)
        assert ready.status_code == 200 and ready.json().get("degraded") == ["lexicon"], ready.text
        answer, r = batch_answer(requests, svc, token)
        assert answer is not None, r.text
        assert check_answer(answer, expected) == versions["A"]

        # Versions a reload removed are gone (404, JSON), loaded ones answer by version.
        project(volume, CONTENTS["C"][0])
        assert wait_for_default(svc, token, versions["A"]) == versions["C"]
        conftest.wait_until(lambda: lexicon_metrics(svc)[0] == 1, timeout=20)
        gone = requests.get(svc.url(f"/v2/models/vader/versions/{versions['A']}"),
                            headers=auth(token), timeout=30)
        assert gone.status_code == 404, gone.text
        assert "GET /v2/models/vader lists the available versions" in gone.json()["error"]
        for version in (versions["C"], BUILTIN):
            r = requests.post(svc.url(f"/v2/models/vader/versions/{version}/infer"),
                              json=oip_request(TEXTS), headers=auth(token), timeout=30)
            assert r.status_code == 200 and r.json()["model_version"] == version, r.text
        index = requests.get(svc.url("/v2/models"), headers=auth(token), timeout=30).json()
        vader = [m for m in index["models"] if m["name"] == "vader"]
        assert vader and vader[0]["versions"] == [versions["C"], BUILTIN], index
    finally:
        svc.stop()
