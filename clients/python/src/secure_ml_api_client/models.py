"""Typed views of the service's answers. Each keeps the fields it does not know in `extra`
(the service may add fields, e.g. an explanation with `explain=True`) and the whole JSON
object in `raw`, so a newer server never breaks this client and nothing is lost."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

Json = Any  # a value json.loads returns
Number = Union[int, float]


def _extra(body: Mapping[str, Any], known: Sequence[str]) -> Dict[str, Any]:
    return {k: v for k, v in body.items() if k not in known}


def _scores(value: Any) -> Dict[str, Number]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, (int, float))}


@dataclass(frozen=True)
class Prediction:
    """One scored text (POST /predict, or one element of a batch).

    label: POSITIVE, NEGATIVE or NEUTRAL; score: the model's primary output (vader's
    compound, afinn's score); scores: every output by name. user, model and model_version are
    those of the answer that carried this text. explanation: the server's explanation when
    asked for with explain=True and supported (any JSON), else None."""

    label: str
    score: Number
    scores: Dict[str, Number]
    model: Optional[str] = None
    model_version: Optional[str] = None
    user: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def explanation(self) -> Optional[Json]:
        return self.extra.get("explanation")

    @staticmethod
    def from_json(body: Mapping[str, Any], *, model: Optional[str] = None,
                  model_version: Optional[str] = None, user: Optional[str] = None) -> Prediction:
        known = ("label", "score", "scores", "model", "model_version", "user")
        return Prediction(
            label=str(body.get("label", "")),
            score=body.get("score", 0.0),
            scores=_scores(body.get("scores")),
            model=body.get("model", model),
            model_version=body.get("model_version", model_version),
            user=body.get("user", user),
            extra=_extra(body, known),
            raw=dict(body),
        )


@dataclass(frozen=True)
class BatchPrediction:
    """POST /predict/batch, however many requests it took: `results` in input order.

    model_versions: every version that answered (more than one only if the server changed
    version between chunks). extra: unknown top-level fields of each chunk's answer, merged."""

    results: List[Prediction]
    model: Optional[str]
    model_versions: List[str]
    user: Optional[str]
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def model_version(self) -> Optional[str]:
        return self.model_versions[0] if self.model_versions else None

    def __len__(self) -> int:
        return len(self.results)


@dataclass(frozen=True)
class OutputTensor:
    """One Open Inference Protocol output: `data` has one value per input text."""

    name: str
    datatype: str
    shape: List[int]
    data: List[Any]
    parameters: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InferResult:
    """POST /v2/models/{model}[/versions/{v}]/infer: outputs by name, in the server's order."""

    model_name: str
    model_version: Optional[str]
    outputs: Dict[str, OutputTensor]
    id: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> List[Any]:
        return self.outputs[name].data


@dataclass(frozen=True)
class TensorMetadata:
    name: str
    datatype: str
    shape: List[int]


@dataclass(frozen=True)
class ModelMetadata:
    """GET /v2/models/{model}: versions (default first), platform, declared tensors."""

    name: str
    versions: List[str]
    platform: str
    inputs: List[TensorMetadata]
    outputs: List[TensorMetadata]
    extra: Dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_json(body: Mapping[str, Any]) -> ModelMetadata:
        def tensors(value: Any) -> List[TensorMetadata]:
            items = value if isinstance(value, list) else []
            return [TensorMetadata(str(t.get("name", "")), str(t.get("datatype", "")),
                                   [int(d) for d in t.get("shape", [])])
                    for t in items if isinstance(t, dict)]

        return ModelMetadata(
            name=str(body.get("name", "")),
            versions=[str(v) for v in body.get("versions", [])],
            platform=str(body.get("platform", "")),
            inputs=tensors(body.get("inputs")),
            outputs=tensors(body.get("outputs")),
            extra=_extra(body, ("name", "versions", "platform", "inputs", "outputs")),
        )
