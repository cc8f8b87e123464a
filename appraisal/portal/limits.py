"""Refuse request bodies over a size while they stream in, before anything is parsed or stored."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PAGE = (
    "<!doctype html><meta charset=utf-8><title>文件过大</title>"
    "<p>上传的文件过大，最大允许 {mb} MB。/ The file is too large: at most {mb} MB."
    '<p><a href="javascript:history.back()">返回 / back</a>'
)


class BodyTooLarge(Exception):
    """Raised while the body streams in; the app's handler answers 413 (see `too_large_page`)."""


def too_large_page(max_bytes: int) -> str:
    return _PAGE.format(mb=max(1, max_bytes // (1024 * 1024)))


class BodyLimit:
    """ASGI middleware: a body longer than `max_bytes` gets 413, whatever Content-Length said."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = too_large_page(self.max_bytes).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
