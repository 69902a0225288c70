"""A fault-injecting TCP proxy on loopback, for sync tests over a link that misbehaves.

Every accepted connection follows one :class:`Plan`, chosen when it is accepted: the next one
queued by :meth:`FaultProxy.fail_next` / :meth:`FaultProxy.schedule`, else the default set by
:meth:`FaultProxy.set`. Modes:

``pass``      forward both ways untouched.
``drop``      forward the first ``n`` bytes of the request, then close both sides (the request
              never arrives whole: HQ must apply nothing).
``delay``     forward the request, hold the response ``seconds`` before forwarding it (beyond the
              client's timeout: HQ applied the batch, the client never hears it).
``truncate``  forward the request and only the first ``n`` bytes of the response, then close;
              a negative ``n`` keeps all but the last ``-n`` bytes of an HTTP response (its
              length read from its headers), so the cut falls in the body whatever its size.
``reset``     forward the request; when the response starts (HQ is done), reset the client's
              connection with ``SO_LINGER 0`` (an RST, not a FIN). With ``n`` set, reset both
              sides after ``n`` request bytes instead.
``refuse``    reset the client at once; nothing reaches HQ.
``canned``    read the request, answer ``response`` (e.g. a canned HTTP 500); HQ is not contacted.

Threads, one per connection; :attr:`FaultProxy.stats` counts connections per mode and bytes.
"""

from __future__ import annotations

import collections
import contextlib
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass

MODES = frozenset({"pass", "drop", "delay", "truncate", "reset", "refuse", "canned"})

HTTP_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: 22\r\n"
    b"Connection: close\r\n\r\n"
    b'{"error":"proxy_500"}\n'
)


@dataclass(frozen=True)
class Plan:
    mode: str = "pass"
    n: int | None = None
    seconds: float = 0.0
    response: bytes = HTTP_500

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown proxy mode {self.mode!r}")


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets an RST (ECONNRESET), not an orderly FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


def _close(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()


class FaultProxy:
    """``FaultProxy(target_port).start()``; ``proxy.url`` is what the client talks to."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._lock = threading.Lock()
        self._queue: collections.deque[Plan] = collections.deque()
        self._default = Plan()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._stopped = threading.Event()
        self.stats: collections.Counter[str] = collections.Counter()
        self.port = 0

    # -- control -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str, **kw) -> None:
        """The plan of every connection not covered by a queued one."""
        with self._lock:
            self._default = Plan(mode, **kw)

    def fail_next(self, k: int, mode: str, **kw) -> None:
        """The next ``k`` connections follow ``mode``; then the default again."""
        self.schedule([Plan(mode, **kw)] * k)

    def schedule(self, plans: list[Plan]) -> None:
        with self._lock:
            self._queue.extend(plans)

    def heal(self) -> None:
        with self._lock:
            self._queue.clear()
            self._default = Plan()

    def queued(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next_plan(self) -> Plan:
        with self._lock:
            plan = self._queue.popleft() if self._queue else self._default
            self.stats["connections"] += 1
            self.stats[plan.mode] += 1
            return plan

    def _count(self, key: str, n: int) -> None:
        with self._lock:
            self.stats[key] += n

    def wait_for(self, key: str, at_least: int, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.stats[key] >= at_least:
                    return True
            time.sleep(0.005)
        return False

    # -- life --------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", 0))
        lst.listen(64)
        lst.settimeout(0.2)
        self._listener = lst
        self.port = lst.getsockname()[1]
        t = threading.Thread(target=self._accept_loop, name="faultproxy-accept", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stopped.set()
        _close(self._listener)
        with self._lock:
            socks = list(self._open)
        for s in socks:
            _close(s)
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.update(socks)

    def _untrack(self, *socks: socket.socket | None) -> None:
        with self._lock:
            for s in socks:
                self._open.discard(s)
                _close(s)

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopped.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            plan = self._next_plan()
            t = threading.Thread(target=self._serve, args=(client, plan), daemon=True)
            t.start()
            with self._lock:
                self._threads = [x for x in self._threads if x.is_alive()]
                self._threads.append(t)

    # -- one connection ----------------------------------------------------------------------

    def _serve(self, client: socket.socket, plan: Plan) -> None:
        upstream: socket.socket | None = None
        self._track(client)
        try:
            if plan.mode == "refuse":
                _reset(client)
                return
            if plan.mode == "canned":
                self._read_request(client)
                client.sendall(plan.response)
                return
            upstream = socket.create_connection(self.target, timeout=10)
            self._track(upstream)
            self._pump(client, upstream, plan)
        except OSError:
            pass
        finally:
            self._untrack(client, upstream)

    def _read_request(self, client: socket.socket) -> None:
        """Read one HTTP request whole (headers, then Content-Length bytes)."""
        client.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                return
            body += chunk
        self._count("bytes_up", len(head) + 4 + len(body))

    def _pump(self, client: socket.socket, upstream: socket.socket, plan: Plan) -> None:
        sel = selectors.DefaultSelector()
        client.setblocking(False)
        upstream.setblocking(False)
        sel.register(client, selectors.EVENT_READ, "up")
        sel.register(upstream, selectors.EVENT_READ, "down")
        up = down = 0
        pending_down = b""
        try:
            while not self._stopped.is_set():
                events = sel.select(timeout=0.2)
                for key, _mask in events:
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = src.recv(65536)
                    except BlockingIOError:
                        continue
                    if key.data == "up":
                        if not data:
                            with contextlib.suppress(OSError):
                                upstream.shutdown(socket.SHUT_WR)
                            sel.unregister(client)
                            continue
                        if plan.mode in ("drop", "reset") and plan.n is not None:
                            room = plan.n - up
                            if room <= len(data):
                                self._send(upstream, data[: max(room, 0)])
                                self._count("bytes_up", max(room, 0))
                                if plan.mode == "reset":
                                    _reset(client)
                                    _reset(upstream)
                                self._count("cut", 1)
                                return
                        self._send(upstream, data)
                        up += len(data)
                        self._count("bytes_up", len(data))
                    else:
                        if not data:
                            return  # HQ closed: the response is complete
                        if plan.mode == "reset" and plan.n is None:
                            _reset(client)
                            self._count("cut", 1)
                            return
                        if plan.mode == "delay" and down == 0:
                            self._stopped.wait(plan.seconds)
                        if plan.mode == "truncate" and plan.n is not None and plan.n < 0:
                            pending_down += data
                            keep = self._keep(pending_down, -plan.n)
                            if keep is None:
                                continue  # the headers are not complete yet
                            self._send(client, pending_down[:keep])
                            self._count("cut", 1)
                            return
                        if plan.mode == "truncate" and plan.n is not None:
                            room = plan.n - down
                            if room <= len(data):
                                self._send(client, data[: max(room, 0)])
                                self._count("cut", 1)
                                return
                        self._send(client, data)
                        down += len(data)
                        self._count("bytes_down", len(data))
        finally:
            sel.close()

    @staticmethod
    def _keep(response: bytes, cut: int) -> int | None:
        """How many bytes of ``response`` to forward to drop its last ``cut`` bytes, once
        its headers (and Content-Length) are in; None before."""
        head, sep, _ = response.partition(b"\r\n\r\n")
        if not sep:
            return None
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        total = len(head) + 4 + length
        return max(len(head) + 4, total - cut)

    @staticmethod
    def _send(sock: socket.socket, data: bytes) -> None:
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            sock.sendall(data)
        finally:
            sock.setblocking(False)
