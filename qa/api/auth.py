"""API keys: writes need QA_API_KEY; reads need QA_READ_API_KEY only when it is set."""

from __future__ import annotations

import hmac

from fastapi import Request
from pydantic import SecretStr

from qa.api.deps import AppSettings
from qa.errors import Unauthorized


def _matches(given: str | None, *keys: SecretStr | None) -> bool:
    """Constant-time; an empty key (refused by Settings, but never trusted here) matches nothing."""
    return bool(given) and any(
        k is not None
        and bool(k.get_secret_value())
        and hmac.compare_digest(given.encode(), k.get_secret_value().encode())
        for k in keys
    )


async def require_read(request: Request, settings: AppSettings) -> None:
    if settings.read_api_key is None:
        return
    if not _matches(request.headers.get("x-api-key"), settings.read_api_key, settings.api_key):
        raise Unauthorized("this server requires an API key for reads")


async def require_write(request: Request, settings: AppSettings) -> None:
    if settings.api_key is None or not settings.api_key.get_secret_value():
        raise Unauthorized("writes are disabled: set QA_API_KEY on the server to enable them")
    if not _matches(request.headers.get("x-api-key"), settings.api_key):
        raise Unauthorized("a valid X-API-Key is required to change documents")
