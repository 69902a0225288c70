"""The HQ web service: FastAPI over :class:`eskan_desk.sync.hq.HQ`, served by uvicorn.

Stateless: every request opens its own transaction, so ``--workers N`` on one database is safe.
Request bodies are read with a hard cap (413 above it) before anything is parsed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from eskan_desk import __version__
from eskan_desk.domain.markers import N_
from eskan_desk.sync import protocol
from eskan_desk.sync.hq import HQ, HQError

ENV_DATABASE_URL = "ESKAN_HQ_DATABASE_URL"
MAX_REQUEST_BYTES = protocol.MAX_BODY_BYTES + protocol.MAX_HEADER_BYTES + 4
MAX_ENROLL_BYTES = 16 * 1024

log = logging.getLogger("eskan.hq")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, event and the record's extra fields."""

    SKIP = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "pid": record.process,
        }
        out.update({k: v for k, v in record.__dict__.items() if k not in self.SKIP})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger("eskan")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and int(declared) > limit:
        raise HQError(413, "too_large", N_("The request is larger than HQ accepts."))
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HQError(413, "too_large", N_("The request is larger than HQ accepts."))
            chunks.append(chunk)
    except ClientDisconnect as exc:
        # The link dropped mid-upload: nothing was applied; the branch sends the batch again.
        raise HQError(400, "truncated", N_("The batch is truncated.")) from exc
    return b"".join(chunks)


def create_app(hq: HQ) -> FastAPI:
    app = FastAPI(
        title="Eskan Desk HQ",
        version=__version__,
        description="Signed batch sync between branch offices and headquarters.",
    )

    @app.exception_handler(HQError)
    async def _refused(_request: Request, exc: HQError) -> JSONResponse:
        log.warning("refused", extra={"code": exc.code, "status": exc.status})
        return JSONResponse(exc.as_json(), status_code=exc.status)

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness and the schema this HQ understands (a branch must not be newer)."""
        with hq.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__, "schema": hq.schema}

    @app.post("/v1/enroll")
    async def enroll(request: Request) -> dict[str, Any]:
        """Exchange a one-time code (from ``eskan-hq enroll``) for a device id and key."""
        raw = await _body(request, MAX_ENROLL_BYTES)
        try:
            data = json.loads(raw)
            code, branch = str(data["code"]), dict(data["branch"])
            branch["id"], branch["code"] = str(branch["id"]), str(branch["code"])
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise HQError(400, "corrupt", N_("The enrollment request cannot be read.")) from exc
        return await run_in_threadpool(hq.enroll, code, branch, str(data.get("device_name", "")))

    @app.post("/v1/batches")
    async def push(request: Request) -> dict[str, Any]:
        """Apply one signed batch (the binary frame of ``eskan_desk.sync.protocol``)."""
        raw = await _body(request, MAX_REQUEST_BYTES)
        return await run_in_threadpool(hq.receive, raw)

    @app.get("/v1/pull")
    def pull(request: Request, cursor: int = 0) -> dict[str, Any]:
        """Rows this device must see after ``cursor`` (signed with the device key)."""
        device_id = request.headers.get("x-eskan-device", "")
        stamp = request.headers.get("x-eskan-time", "")
        signature = request.headers.get("x-eskan-signature", "")
        if not 0 <= cursor < MAX_CURSOR:
            raise HQError(400, "corrupt", N_("The pull request cannot be read."))
        key = hq.device_key(device_id)
        signed = {"device_id": device_id, "cursor": cursor, "time": stamp}
        if not protocol.verify_signature(key, signed, signature):
            raise HQError(401, "signature", N_("The request signature is wrong for this device."))
        _check_stamp(stamp)
        return hq.pull(device_id, cursor)

    return app


MAX_CURSOR = 1 << 63  # HQ's change sequence is a 64-bit integer
# How far a pull's signed time may be from HQ's clock. It bounds how long a pull request seen
# on the wire (plain HTTP) can be replayed to read a branch's families, to a day rather than
# for ever. A day, not minutes: a PC showing Riyadh time under a wrong time zone is three hours
# off, and an offline branch drifts. A PC off by more is told so, not refused in silence.
STAMP_WINDOW_S = 24 * 3600


def _check_stamp(stamp: str) -> None:
    try:
        skew = int(stamp) - time.time()
    except ValueError:
        raise HQError(400, "corrupt", N_("The pull request cannot be read.")) from None
    if abs(skew) > STAMP_WINDOW_S:
        raise HQError(
            403,
            "clock",
            N_(
                "This PC's clock is {hours} hours away from HQ's. Set its date, time and time "
                "zone (Riyadh), then sync again."
            ),
            {"hours": round(skew / 3600)},
        )


def app_from_env() -> FastAPI:
    """uvicorn's factory for ``--workers N``: each worker process opens the database itself."""
    configure_logging()
    hq = HQ.open(os.environ[ENV_DATABASE_URL], create=False)
    return create_app(hq)
