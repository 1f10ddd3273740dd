"""Checks in front of the curation app: the Host header names this server, bodies are bounded.

Both are plain ASGI middleware, so they run before any route reads a byte.

*Host*: a page of ``evil.example`` whose name the attacker re-points at
127.0.0.1 (DNS rebinding) talks to the app from the browser as a same-origin
page, and the Origin check cannot tell; its requests carry ``Host:
evil.example``, so a request is served only when its Host is a name this
server answers to (see :func:`allowed_hostnames`) or an IP address (an address
needs no DNS, so it cannot be re-pointed).

*Body*: a request declaring more than ``max_body`` bytes is refused with 413
before its body is read; one that streams more (chunked) is cut off with 413
when it passes the limit.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from .errors import CurationError

LOOPBACK_NAMES = frozenset({"127.0.0.1", "::1", "localhost"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


class BodyTooLarge(CurationError):
    """A request body over the app's limit (HTTP 413)."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        self.limit = limit
        got = f" (this one has {size} bytes)" if size is not None else ""
        super().__init__(f"request body too large: at most {limit} bytes are accepted{got}")


def is_loopback(host: str) -> bool:
    """True when ``host`` (a bind address or name) is reachable from this machine only."""
    h = host.strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def allowed_hostnames(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a request's Host may carry for a server bound to ``host`` (IP addresses always pass).

    ``localhost`` always; the bind address when it is a name; for a wildcard
    bind (``0.0.0.0``, ``::``) also this machine's host name and fully
    qualified name; and the ``extra`` names (``--allowed-host``, e.g. the name a
    reverse proxy forwards).
    """
    names = {"localhost", host.strip("[]").lower()} - WILDCARD_HOSTS
    if host in WILDCARD_HOSTS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    names |= {e.strip().lower().rstrip(".") for e in extra if e.strip()}
    return frozenset(names)


def _hostname(value: str) -> str | None:
    """The host name of a Host header (``[::1]:8000`` → ``::1``), None when malformed."""
    if not value or any(c in value for c in "/?#@\\ "):
        return None
    if value.startswith("["):
        end = value.find("]")
        rest = value[end + 1 :]
        if end < 0 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return value[1:end].lower()
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    return name.lower().rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


async def _plain(send: Any, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HostCheck:
    """Serve only requests whose Host header is an allowed name or an IP address (400 otherwise)."""

    def __init__(self, app: Any, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        raw = next((v for k, v in scope.get("headers", []) if k == b"host"), b"").decode("latin-1")
        name = _hostname(raw)
        if name is None or not (name in self.allowed or _is_ip(name)):
            allowed = ", ".join(sorted(self.allowed))
            return await _plain(
                send,
                400,
                f"Host {raw!r} is not a name of this server (allowed: {allowed} or an "
                "IP address); to serve another name, start it with --allowed-host NAME",
            )
        return await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413, declared or streamed."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                return await _plain(
                    send, 400, f"Content-Length {declared.decode('latin-1')!r} is not a number"
                )
            if size > self.max_body:
                return await _plain(send, 413, str(BodyTooLarge(self.max_body, size)))
        seen = 0

        async def bounded() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        return await self.app(scope, bounded, send)
