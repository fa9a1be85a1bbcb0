"""Who may talk to the local server: the token, the Host and the Origin (issue 15).

The server binds 127.0.0.1 only. That alone does not stop a web page the officer has open from
sending requests to it (CSRF) or a DNS-rebinding page from reading its answers, so every request
must also

- carry the random token the command printed (``?token=`` in the first URL, then an HttpOnly
  ``SameSite=Strict`` cookie, or the ``X-Pmkscheck-Token`` header), compared in constant time;
- name this server in ``Host`` (``127.0.0.1:PORT`` or ``localhost:PORT``: a rebinding page's
  requests carry its own host name);
- come from this server's own origin when the browser sends ``Origin``.

Anything else is answered 403 with one sentence and nothing of the data.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "pmkscheck_token"
HEADER = "x-pmkscheck-token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def new_token() -> str:
    """A fresh unguessable token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Gate:
    """The rules one server instance enforces."""

    token: str
    port: int

    def hosts(self) -> set[str]:
        """Acceptable ``Host`` header values."""
        return {f"{name}:{self.port}" for name in LOOPBACK_NAMES}

    def origins(self) -> set[str]:
        """Acceptable ``Origin`` header values."""
        return {f"http://{host}" for host in self.hosts()}

    def refusal(self, scope: Scope) -> str | None:
        """Why this request is refused, or ``None`` when it may pass."""
        headers = Headers(scope=scope)
        if headers.get("host", "").lower() not in self.hosts():
            return "host"
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in self.origins():
            return "origin"
        offered = _offered_token(scope, headers)
        if offered is None or not hmac.compare_digest(offered.encode(), self.token.encode()):
            return "token"
        return None


def _offered_token(scope: Scope, headers: Headers) -> str | None:
    from urllib.parse import parse_qs

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    if headers.get(HEADER):
        return headers[HEADER]
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


class GateMiddleware:
    """ASGI middleware refusing every request :meth:`Gate.refusal` objects to."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 403 to a refused HTTP request; pass everything else on."""
        if scope["type"] == "http":
            why = self.gate.refusal(scope)
            if why is not None:
                text = {
                    "host": "Ditolak: alamat server tidak dikenal. / Refused: unknown Host.",
                    "origin": "Ditolak: permintaan dari halaman lain. / Refused: foreign Origin.",
                    "token": "Ditolak: buka alamat lengkap (dengan token) yang dicetak oleh "
                             "`pmkscheck serve`. / Refused: open the full URL (with its token) "
                             "that `pmkscheck serve` printed.",
                }[why]
                await PlainTextResponse(text, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
