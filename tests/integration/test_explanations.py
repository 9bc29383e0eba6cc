"""Explanations and language warnings (issue 17, items 2 and 4) against the real binary:
"explain": true on /predict and /predict/batch and the OIP request parameter "explain"; their
contributions add up bit for bit to the sum the normalisation starts from; explaining never
changes a score; non-boolean values are refused; texts the model cannot read carry warnings."""
import json
import math
from pathlib import Path

import pytest

from helpers_core import (assert_json, assert_oip_error, assert_validation_error, oip_request,
                          outputs_by_name, post_json)

INFER = "/v2/models/vader/infer"

ENGLISH = [
    "The book was kind of good.",
    "not bad",
    "The food was VERY GOOD!!!",
    "good but terrible",
    "It was the shit",
    "I 😁 it :)",
    "least good",
    "The staff were friendly and the room was clean.",
]
CHINESE = "今天天气很好，我们去公园散步吧"
ARABIC = "الطقس جميل اليوم ونحن سعداء جدا"
CYRILLIC = "Сегодня прекрасная погода и мы очень рады"
GIBBERISH = "blorf zimmity quaxle wubnor fendle"


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def predict(svc, token, body, path="/predict"):
    return post_json(svc, path, body, token)


def normalize(total):
    return max(-1.0, min(1.0, total / math.sqrt(total * total + 15)))


def assert_adds_up(explanation):
    """VADER: the tokens' valences, added left to right from 0.0 as the reference's sum()
    does, then the punctuation emphasis, give the sum exactly; compound is normalize(sum)."""
    word_sum = 0.0
    for token in explanation["tokens"]:
        word_sum += token["valence"]
    assert word_sum == explanation["word_sum"], explanation
    total = word_sum + explanation["punctuation"]["valence"]
    assert total == explanation["sum"], explanation
    if explanation["tokens"]:
        assert normalize(total) == explanation["compound_unrounded"], explanation
    return total


# ---- /predict --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ENGLISH)
def test_predict_explained_adds_up_and_keeps_the_scores(service, token, text):
    plain = assert_json(predict(service, token, {"text": text}))
    r = predict(service, token, {"text": text, "explain": True})
    assert r.status_code == 200, r.text
    explained = assert_json(r)
    for key in ("label", "score", "scores", "model", "model_version", "user"):
        assert explained[key] == plain[key], key
    assert "explanation" not in plain and "coverage" not in plain and "warnings" not in plain
    assert "warnings" not in explained  # English: nothing to warn about
    assert 0.2 <= explained["coverage"] <= 1.0
    total = assert_adds_up(explained["explanation"])
    assert round(normalize(total), 4) == explained["scores"]["compound"]


def test_predict_explanation_names_the_rules(service, token):
    body = predict(service, token, {"text": "The food was VERY GOOD!!!", "explain": True}).json()
    good = body["explanation"]["tokens"][-1]
    assert good["token"] == "GOOD" and good["lexicon"] == 1.9
    assert [rule["rule"] for rule in good["rules"]] == ["all_caps", "booster"]
    assert good["rules"][1] == {"rule": "booster", "by": "VERY", "caps": True, "valence": 3.659}
    assert body["explanation"]["punctuation"]["exclamations"] == 3

    kind_of = predict(service, token, {"text": "The book was kind of good.", "explain": True})
    tokens = kind_of.json()["explanation"]["tokens"]
    assert tokens[3] == {"token": "kind", "role": "kind_of", "valence": 0.0}
    assert tokens[5]["rules"] == [{"rule": "phrase_booster", "by": "kind of", "valence": 1.607}]

    but = predict(service, token, {"text": "good but terrible", "explain": True}).json()
    assert [t["rules"][0]["rule"] for t in but["explanation"]["tokens"] if "rules" in t] == \
        ["but", "but"]

    emoji = predict(service, token, {"text": "I 😁 it", "explain": True}).json()
    assert {t["emoji"] for t in emoji["explanation"]["tokens"] if "emoji" in t} == {"😁"}


def test_explain_false_is_the_plain_answer(service, token):
    plain = predict(service, token, {"text": "good"}).json()
    assert predict(service, token, {"text": "good", "explain": False}).json() == plain


@pytest.mark.parametrize("value", ["true", 1, 0, None, [], {}, "yes"])
def test_non_boolean_explain_is_422(service, token, value):
    r = predict(service, token, {"text": "good", "explain": value})
    issues = assert_validation_error(r)
    assert issues[0]["type"] == "bool_type" and issues[0]["loc"] == ["body", "explain"], issues
    r = predict(service, token, {"texts": ["good"], "explain": value}, "/predict/batch")
    issues = assert_validation_error(r)
    assert issues[0]["loc"] == ["body", "explain"], issues


def test_duplicate_explain_is_422(service, token):
    r = predict(service, token, '{"text":"good","explain":true,"explain":false}')
    issues = assert_validation_error(r)
    assert issues[0]["type"] == "duplicate_key", issues


def test_afinn_explanation(service, token):
    r = predict(service, token, {"text": "not good, but great", "model": "afinn", "explain": True})
    assert r.status_code == 200, r.text
    body = r.json()
    explanation = body["explanation"]
    assert explanation["sum"] == body["scores"]["score"] == 0
    assert sum(t["valence"] for t in explanation["tokens"]) == explanation["sum"]
    good = [t for t in explanation["tokens"] if t["token"] == "good"][0]
    assert good["rules"] == [{"rule": "negation", "by": "not", "valence": -3}]
    assert explanation["comparative"] == body["scores"]["comparative"]


# ---- language warnings -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [CHINESE, ARABIC, CYRILLIC])
def test_non_latin_text_is_flagged(service, token, text):
    plain_scores = None
    body = predict(service, token, {"text": text}).json()
    assert set(body["warnings"]) == {"low_coverage", "non_latin_script"}, body
    assert body["coverage"] < 0.2
    assert "explanation" not in body
    plain_scores = body["scores"]
    explained = predict(service, token, {"text": text, "explain": True}).json()
    assert explained["scores"] == plain_scores and explained["warnings"] == body["warnings"]


def test_gibberish_latin_is_low_coverage_only(service, token):
    body = predict(service, token, {"text": GIBBERISH}).json()
    assert body["warnings"] == ["low_coverage"] and body["coverage"] == 0.0, body
    assert body["label"] == "NEUTRAL"


def test_english_has_no_warning(service, token):
    for text in ENGLISH:
        body = predict(service, token, {"text": text}).json()
        assert "warnings" not in body and "coverage" not in body, (text, body)


def test_batch_items_carry_their_own_reading(service, token):
    texts = ["good", CHINESE, GIBBERISH]
    r = predict(service, token, {"texts": texts}, "/predict/batch")
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert "warnings" not in results[0] and "coverage" not in results[0]
    assert set(results[1]["warnings"]) == {"low_coverage", "non_latin_script"}
    assert results[2]["warnings"] == ["low_coverage"]

    explained = predict(service, token, {"texts": texts, "explain": True}, "/predict/batch")
    assert explained.status_code == 200, explained.text
    items = explained.json()["results"]
    for plain, item in zip(results, items):
        assert item["scores"] == plain["scores"] and item["label"] == plain["label"]
        assert item.get("warnings") == plain.get("warnings")
        assert "coverage" in item
        assert_adds_up(item["explanation"])


# ---- Open Inference Protocol -------------------------------------------------------------------

def test_oip_explain_adds_outputs(service, token):
    texts = ["The food was VERY GOOD!!!", CHINESE]
    plain = post_json(service, INFER, oip_request(texts), token).json()
    # Without explain the outputs are the model's; a warning shows in the parameters.
    assert [o["name"] for o in plain["outputs"]] == ["neg", "neu", "pos", "compound"]
    assert plain["parameters"] == {"warnings": "low_coverage,non_latin_script"}
    r = post_json(service, INFER, oip_request(texts, parameters={"explain": True}), token)
    assert r.status_code == 200, r.text
    outputs = outputs_by_name(r.json())
    for name in ("neg", "neu", "pos", "compound"):
        assert outputs[name] == outputs_by_name(plain)[name]
    assert outputs["explanation"]["datatype"] == "BYTES"
    assert outputs["explanation"]["shape"] == [2]
    explanations = [json.loads(item) for item in outputs["explanation"]["data"]]
    for explanation, compound in zip(explanations, outputs["compound"]["data"]):
        assert round(normalize(assert_adds_up(explanation)), 4) == compound
    assert outputs["warnings"]["data"] == ["", "low_coverage,non_latin_script"]
    assert outputs["coverage"]["datatype"] == "FP64" and len(outputs["coverage"]["data"]) == 2


def test_oip_english_without_explain_is_unchanged(service, token):
    body = post_json(service, INFER, oip_request(["good"]), token).json()
    assert [o["name"] for o in body["outputs"]] == ["neg", "neu", "pos", "compound"]
    assert "parameters" not in body


def test_oip_gibberish_warns_in_parameters(service, token):
    body = post_json(service, INFER, oip_request(["good", GIBBERISH]), token).json()
    assert body["parameters"] == {"warnings": "low_coverage"}


def test_oip_explain_with_selected_outputs(service, token):
    body = oip_request(["good"], parameters={"explain": True}, outputs=[{"name": "compound"}])
    r = post_json(service, INFER, body, token)
    assert r.status_code == 200, r.text
    assert [o["name"] for o in r.json()["outputs"]] == ["compound", "coverage", "warnings",
                                                         "explanation"]


@pytest.mark.parametrize("value", ["true", 1, None, [True]])
def test_oip_non_boolean_explain_is_refused(service, token, value):
    r = post_json(service, INFER, oip_request(["good"], parameters={"explain": value}), token)
    body = assert_oip_error(r, 400)
    assert "explain" in body["error"], body


# ---- the OpenAPI document describes these answers ----------------------------------------------

def test_answers_match_the_openapi_document(service, token):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads((Path(__file__).resolve().parents[2] / "src/api/assets/openapi.json")
                     .read_text())

    def validate(schema_name, body):
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
        jsonschema.Draft202012Validator(schema).validate(body)

    for text in ENGLISH + [CHINESE, GIBBERISH]:
        validate("PredictResponse", predict(service, token, {"text": text, "explain": True}).json())
        validate("PredictResponse", predict(service, token, {"text": text}).json())
    validate("PredictResponse", predict(service, token, {"text": "not good", "model": "afinn",
                                                         "explain": True}).json())
    validate("BatchResponse", predict(service, token, {"texts": [CHINESE, "good"],
                                                       "explain": True}, "/predict/batch").json())
    oip = post_json(service, INFER, oip_request([CHINESE, "good"], parameters={"explain": True}),
                    token).json()
    validate("OipInferenceResponse", oip)
    for item in outputs_by_name(oip)["explanation"]["data"]:
        validate("Explanation", json.loads(item))
