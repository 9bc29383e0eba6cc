#!/usr/bin/python3
"""Helpers of generated-clients.sh: turn the OpenAPI document into inputs for the generators,
and check the generated Python model against the document's examples.

  typescript-examples DOC       a .ts file assigning each example to its generated type
  json-schema DOC               the component schemas as one JSON Schema (for quicktype)
  python-load DOC MODELS.py     every example loads through the generated model, unchanged
"""
import importlib.util
import json
import sys

# The schemas a client reads: the generated Python model is built for these.
RESPONSE_SCHEMAS = ["PredictResponse", "BatchResponse", "OipInferenceResponse", "ValidationError",
                    "ErrorDetail", "OAuthError", "TokenResponse", "OipModelMetadata",
                    "OipServerMetadata", "OipError"]


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def schemas_with_examples(document):
    for name, schema in document["components"]["schemas"].items():
        for index, example in enumerate(schema.get("examples", [])):
            yield name, index, example


def typescript_examples(document):
    print('import type { components } from "./api";')
    print('type Schemas = components["schemas"];')
    for name, index, example in schemas_with_examples(document):
        print(f"export const {name}_{index}: Schemas[{json.dumps(name)}] = {json.dumps(example)};")


def json_schema(document):
    text = json.dumps(document["components"]["schemas"]).replace("#/components/schemas/",
                                                                 "#/definitions/")
    print(json.dumps({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "definitions": json.loads(text),
        "properties": {name: {"$ref": f"#/definitions/{name}"} for name in RESPONSE_SCHEMAS},
    }))


def python_load(document, models_path):
    spec = importlib.util.spec_from_file_location("api_models", models_path)
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    checked = 0
    for name, index, example in schemas_with_examples(document):
        if name not in RESPONSE_SCHEMAS:
            continue
        loaded = models.api_models_from_dict({name: example})
        again = models.api_models_to_dict(loaded)[name]
        if again != example:
            sys.exit(f"python: {name} example {index} changed through the model: {again}")
        checked += 1
    if checked == 0:
        sys.exit("python: no response example to load")
    print(f"python: the generated model loads {checked} response examples unchanged")


def main(argv):
    command, document = argv[1], load(argv[2])
    if command == "typescript-examples":
        typescript_examples(document)
    elif command == "json-schema":
        json_schema(document)
    elif command == "python-load":
        python_load(document, argv[3])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
