"""The API's error answers: a JSON object whose `detail` says what was wrong (with the field and
reason for bad input), the shape FastAPI gives its own errors, so a client reads one kind."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


def problem(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": message, **extra}, status_code=status)
