"""How a branch reaches HQ: HTTP(S), or an HQ database opened in this process.

Both raise :class:`SyncError`: ``retry=True`` for what may pass later (no route, timeout, reset,
HQ answering 5xx), ``retry=False`` for a refusal that trying again will not change.
"""

from __future__ import annotations

import errno
import http.client
import json
import socket
import ssl
import time
import urllib.parse
from typing import Any, Protocol

from eskan_desk.domain.errors import SyncError
from eskan_desk.domain.markers import N_
from eskan_desk.sync import protocol
from eskan_desk.sync.protocol import Batch

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 120.0  # a large batch on PostgreSQL over a slow link

UNREACHABLE = N_("HQ cannot be reached at {url} ({reason}). Changes stay here until the next try.")


class Transport(Protocol):
    def enroll(self, payload: dict[str, Any]) -> dict[str, Any]: ...
    def push(self, batch: Batch) -> dict[str, Any]: ...
    def pull(self, device_id: str, key: str, cursor: int) -> dict[str, Any]: ...
    def health(self) -> dict[str, Any]: ...


NOT_HQ = N_("No Eskan Desk HQ answers at {url} (HTTP {status}). Check the address.")
HQ_FAILED = N_(
    "HQ met an error it could not handle (HTTP {status}); its log says which. Changes stay "
    "here until the next try."
)


def refusal(status: int, body: dict[str, Any], url: str = "") -> SyncError:
    """HQ's refusal as an error in the user's language (HQ sends the English source text).

    An answer that is not HQ's (no ``error`` in it) is told for what it is: a server that is
    not Eskan HQ (a 404 at a wrong path), or HQ failing inside (a 500)."""
    message = body.get("message_id") or body.get("message")
    params = body.get("params") or {}
    if not message:
        message = HQ_FAILED if status >= 500 else NOT_HQ
        params = {"url": url, "status": status}
    err = SyncError(
        str(body.get("error", "refused")),
        message,
        params,
        retry=status >= 500,
        status=status,
    )
    err.expected_seq = body.get("expected_seq")  # type: ignore[attr-defined]
    return err


# Why a connection failed, in words for the branch (the OS's own text is English).
_REASONS = {
    errno.ECONNREFUSED: N_("nothing answers on that port"),
    errno.EHOSTUNREACH: N_("no route to that computer"),
    errno.ENETUNREACH: N_("no network"),
    errno.ECONNRESET: N_("the connection was cut"),
}


def _reason(exc: BaseException) -> str:
    from eskan_desk import i18n

    if isinstance(exc, TimeoutError):
        return i18n.gettext(N_("no answer in time"))
    if isinstance(exc, ssl.SSLError):
        return i18n.gettext(N_("the HTTPS connection failed (certificate or protocol)"))
    if isinstance(exc, socket.gaierror):
        return i18n.gettext(N_("the computer's name is not known"))
    known = _REASONS.get(getattr(exc, "errno", None) or -1)
    if known:
        return i18n.gettext(known)
    return str(exc) or type(exc).__name__


class HttpTransport:
    """HTTP or HTTPS to ``eskan-hq serve``; one short connection per request."""

    def __init__(self, url: str, *, timeout: float = READ_TIMEOUT_S) -> None:
        url = url.strip()  # pasted with a space or a line end around it
        try:
            parsed = urllib.parse.urlsplit(url.rstrip("/"))
            host = parsed.hostname
        except ValueError:  # "http://[::1": an unclosed bracket
            parsed, host = None, None
        if parsed is None or parsed.scheme not in ("http", "https") or not host:
            raise SyncError(
                "hq_url",
                N_("The HQ address must start with http:// or https://: {url}"),
                {"url": url},
            )
        try:
            parsed.port  # noqa: B018 - parsed on first use: "8799 ", "87a9", "99999" raise
        except ValueError:
            raise SyncError(
                "hq_url",
                N_("The port in the HQ address must be a number from 1 to 65535: {url}"),
                {"url": url},
            ) from None
        self.url = url.rstrip("/")
        self._parsed = parsed
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        # A short wait to connect (HQ away answers nothing), a long one for HQ's answer.
        p = self._parsed
        if p.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                p.hostname, p.port, timeout=CONNECT_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(p.hostname, p.port, timeout=CONNECT_TIMEOUT_S)
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(self.timeout)
        return conn

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        conn = None
        try:
            conn = self._connection()
            conn.request(method, self._parsed.path + path, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
            status = resp.status
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            reason = _reason(exc)
            raise SyncError(
                "unreachable", UNREACHABLE, {"url": self.url, "reason": reason}, retry=True
            ) from exc
        finally:
            if conn is not None:
                conn.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        if status >= 400:
            raise refusal(status, data if isinstance(data, dict) else {}, self.url)
        if not isinstance(data, dict):
            # An answer cut short on the way (its headers arrived, its body did not): whatever
            # HQ did is safe to ask again, so this is retried like a dropped link.
            raise self._incomplete()
        return data

    def _incomplete(self) -> SyncError:
        """An answer cut short on the way: whatever HQ did is safe to ask again."""
        return SyncError(
            "unreachable", UNREACHABLE, {"url": self.url, "reason": "incomplete answer"}, retry=True
        )

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health")

    def enroll(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._request(
            "POST",
            "/v1/enroll",
            protocol.canonical(payload),
            {"Content-Type": "application/json"},
        )

    def push(self, batch: Batch) -> dict[str, Any]:
        return self._request(
            "POST",
            "/v1/batches",
            batch.to_bytes(),
            {"Content-Type": "application/octet-stream"},
        )

    def pull(self, device_id: str, key: str, cursor: int) -> dict[str, Any]:
        stamp = str(int(time.time()))
        signed = {"device_id": device_id, "cursor": cursor, "time": stamp}
        query = urllib.parse.urlencode({"cursor": cursor})
        page = self._request(
            "GET",
            f"/v1/pull?{query}",
            headers={
                "X-Eskan-Device": device_id,
                "X-Eskan-Time": stamp,
                "X-Eskan-Signature": protocol.sign(key, signed),
            },
        )
        if not isinstance(page.get("changes"), list) or not isinstance(page.get("cursor"), int):
            raise self._incomplete()
        return page


class LocalTransport:
    """An HQ database opened in this process (an HQ device beside the HQ server, and tests of
    the merge rules that need no network). Same calls, same refusals as over HTTP."""

    def __init__(self, hq: Any) -> None:
        self.hq = hq
        self.url = str(hq.engine.url.render_as_string(hide_password=True))

    def _call(self, fn: Any, *args: Any) -> dict[str, Any]:
        from eskan_desk.sync.hq import HQError

        try:
            return fn(*args)
        except HQError as exc:
            raise refusal(exc.status, exc.as_json()) from exc

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "schema": self.hq.schema}

    def enroll(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._call(
            self.hq.enroll, payload["code"], payload["branch"], payload.get("device_name", "")
        )

    def push(self, batch: Batch) -> dict[str, Any]:
        return self._call(self.hq.apply, batch)

    def pull(self, device_id: str, key: str, cursor: int) -> dict[str, Any]:
        return self._call(self.hq.pull, device_id, cursor)
