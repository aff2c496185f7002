"""Who may talk to the explorer: the analyst's own page, and nothing else.

The explorer listens on 127.0.0.1, which keeps other machines out but not
other web pages open in the analyst's browser: any page can send requests to
127.0.0.1, and a page on a name its owner points at 127.0.0.1 (DNS
rebinding) can even read the answers. So every request must

* name the server itself as its ``Host`` (``127.0.0.1:PORT`` or ``localhost:PORT``);
* come from the server's own origin, if it says where it comes from
  (``Origin``; ``Sec-Fetch-Site: cross-site`` is refused too);
* carry the run's secret token, as ``?token=`` or the ``X-Casegraph-Token``
  header (or ``Authorization: token …``, as Jupyter takes it);
* and, to change anything, be a JSON ``POST`` from the server's own origin,
  which no plain HTML form can send.

Anything else is refused with 403 and one line. Every answer says not to be
framed, sniffed, cached, or to pass its address on (the token is in it).

Example::

    app = Guard(make_app(engine), token="…", port=8765)
"""
from __future__ import annotations

import hmac
import json
from collections import deque
from urllib.parse import parse_qs

TOKEN_HEADER = "x-casegraph-token"

#: Nothing but the server's own files and answers; vis-network sets styles
#: from script and draws images from data: URLs.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def token_of(scope: dict, headers: dict[str, str]) -> str:
    """The token a request carries, or ''.

    >>> token_of({"query_string": b"q=1&token=abc"}, {})
    'abc'
    >>> token_of({"query_string": b""}, {"authorization": "token xyz"})
    'xyz'
    """
    given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    if given:
        return given[0]
    if headers.get(TOKEN_HEADER):
        return headers[TOKEN_HEADER]
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "token" else ""


class Guard:
    """ASGI middleware: refuses what :mod:`casegraph.explore.guard` says, and
    adds the safety headers to every answer."""

    def __init__(self, app, token: str, port: int):
        if len(token) < 16:
            raise ValueError("the explorer's token must be long and random")
        self.app = app
        self.token = token
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}
        #: The last refusals (method, path, why): someone may be probing.
        self.refused: deque[tuple[str, str, str]] = deque(maxlen=200)

    def refusal(self, scope: dict, headers: dict[str, str]) -> str | None:
        """Why a request is refused, or None.

        >>> g = Guard(None, "t" * 32, 8765)
        >>> ok = {"host": "127.0.0.1:8765", "x-casegraph-token": "t" * 32}
        >>> g.refusal({"method": "GET"}, ok) is None
        True
        >>> g.refusal({"method": "GET"}, {**ok, "origin": "http://evil.example"})
        'refused: a request from another origin (http://evil.example)'
        >>> g.refusal({"method": "GET"}, {**ok, "host": "evil.example:8765"})
        'refused: this server answers only to 127.0.0.1:8765'
        """
        if headers.get("host", "") not in self.hosts:
            return f"refused: this server answers only to {sorted(self.hosts)[0]}"
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return f"refused: a request from another origin ({origin[:80]})"
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "refused: a request from another site"
        if not hmac.compare_digest(token_of(scope, headers).encode(), self.token.encode()):
            return "refused: no valid token (open the address casegraph explore printed)"
        if scope.get("method", "GET") not in ("GET", "HEAD"):
            if origin is None or not headers.get("content-type", "").startswith("application/json"):
                return "refused: changes come as JSON from the explorer's own page"
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        reason = self.refusal(scope, headers) if scope["type"] == "http" else "refused: HTTP only"
        if reason:
            self.refused.append((scope.get("method", scope["type"]), scope.get("path", ""), reason))
            if scope["type"] != "http":
                await send({"type": "websocket.close", "code": 1008})
                return
            body = json.dumps({"error": reason}, ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode()), *HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        async def safe(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, receive, safe)
