"""Request-size limit, enforced before the body is read.

A body announced (Content-Length) as larger than the limit is refused without reading a byte of
it; a body without a length (chunked) is counted while it streams in and refused the moment it
passes the limit. Either way the route sees an HTTP 413 instead of its body.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rnakit.serve.inputs import too_large_message


class BodySizeLimit:
    """ASGI middleware: at most ``max_bytes`` of request body per request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        limit = self.max_bytes
        received = 0

        async def refuse_declared() -> Message:
            raise HTTPException(413, too_large_message(limit, declared))

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large_message(limit))
            return message

        too_big = declared is not None and declared > limit
        await self.app(scope, refuse_declared if too_big else counted, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:  # the server rejects such requests itself; count the body regardless
                return None
    return None
