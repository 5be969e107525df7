"""The published OpenAPI description, amended to say what the server really answers.

FastAPI documents its own validation error body for 422, which this server never sends (every
error is an ``ErrorBody``), and cannot know that a middleware answers 426 on every versioned
path. Clients and the schemathesis tests read this description, so it must be exact.
"""

from __future__ import annotations

from typing import Any

ERROR_BODY_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY_REF}}}


def amend(schema: dict[str, Any], unversioned: frozenset[str]) -> dict[str, Any]:
    """``schema`` with ErrorBody for 422, and 426 on every path under /v1/ but ``unversioned``."""
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            if "422" in answers:
                answers["422"] = _error_response("The request is not valid")
            if path.startswith("/v1/") and path not in unversioned:
                answers.setdefault("426", _error_response("Protocol version not supported"))
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    return schema
