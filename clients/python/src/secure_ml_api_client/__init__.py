"""Python client for secure-ml-api: OAuth 2.0 tokens cached and renewed, retries that honour
Retry-After and the RateLimit headers, batches split to the server's limits, the Open
Inference Protocol, and typed exceptions. See docs/python-client.md."""
from .client import Client
from .credentials import ClientCredentials, PasswordCredentials, StaticToken
from .errors import (ApiError, AuthenticationError, NotFound, PermissionDenied, RateLimited,
                     ServerUnavailable, TransportError, ValidationError, ValidationIssue)
from .headers import RateLimitState
from .models import (BatchPrediction, InferResult, ModelMetadata, OutputTensor, Prediction,
                     TensorMetadata)
from .retry import RetryPolicy

__version__ = "0.1.0"

__all__ = [
    "ApiError", "AuthenticationError", "BatchPrediction", "Client", "ClientCredentials",
    "InferResult", "ModelMetadata", "NotFound", "OutputTensor", "PasswordCredentials",
    "PermissionDenied", "Prediction", "RateLimitState", "RateLimited", "RetryPolicy",
    "ServerUnavailable", "StaticToken", "TensorMetadata", "TransportError", "ValidationError",
    "ValidationIssue", "__version__",
]
