"""The HTTP side of the fake panel: a keep-alive server that applies dialects and faults."""

from __future__ import annotations

import contextlib
import itertools
import selectors
import socket
import struct
import sys
import threading
from collections.abc import Iterable
from email.utils import formatdate
from http.server import ThreadingHTTPServer
from socketserver import StreamRequestHandler, TCPServer
from typing import Any
from urllib.parse import parse_qsl

from ._dialect import Dialect, render
from ._faults import FaultQueue, effect_of
from ._ledger import RecordedRequest
from ._pages import NOT_FOUND_PAGE, error_page, phrase
from ._state import PanelState

__all__ = ["PanelServer"]

MAX_BODY = 1 << 20
_MAX_LINE = 65536
_MAX_HEADERS = 100


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 overflows when many client threads connect at once.
    request_queue_size = 128
    # Two panels must never share a port silently.
    allow_reuse_port = False
    # Each accept comes from the panel's own select loop, which never blocks here.
    timeout = 0.0

    def __init__(self, address: tuple[str, int], panel: PanelServer) -> None:
        self.panel = panel
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, int] = {}
        self._serials = itertools.count(1)
        self._resets: set[socket.socket] = set()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), slow on some hosts.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        # Every answer is one send; without this a request following it on the same
        # connection can sit out the 40 ms Nagle / delayed-ACK standoff.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._connections[sock] = next(self._serials)
        return sock, address

    def connection_serial(self, sock: socket.socket) -> int:
        with self._lock:
            return self._connections.get(sock, 0)

    def reset_on_close(self, sock: socket.socket) -> None:
        with self._lock:
            self._resets.add(sock)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            reset = request in self._resets
            self._resets.discard(request)
        if reset:
            # Linger 0 makes close() send RST; shutdown() would send a FIN first.
            with contextlib.suppress(OSError):
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def close_request(self, request: Any) -> None:
        with self._lock:
            self._connections.pop(request, None)
        super().close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        # A client going away mid-exchange is normal life for a server, not a bug.
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        if isinstance(error, OSError) and self.panel.stopping.is_set():
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Unblock every handler thread by shutting its connection down."""
        with self._lock:
            sockets = list(self._connections)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(StreamRequestHandler):
    """One connection: HTTP/1.1 requests in a keep-alive loop.

    The request line and headers are parsed here rather than by http.server, whose
    email-based header parser costs more than the rest of a request put together.
    """

    server: _HTTPServer
    close_connection = True
    command = ""
    path = ""
    _serial = 0
    _route = ""
    _fault: str | None = None

    def setup(self) -> None:
        super().setup()
        idle_timeout = self.server.panel.idle_timeout
        if idle_timeout is not None:
            self.connection.settimeout(idle_timeout)
        self._serial = self.server.connection_serial(self.connection)
        self._headers: list[tuple[str, str]] = []
        self._header_map: dict[str, str] = {}
        self._params: dict[str, str] = {}
        self._query: list[tuple[str, str]] = []

    def handle(self) -> None:
        self.close_connection = False
        while not self.close_connection:
            try:
                self._handle_one()
            except TimeoutError:  # idle_timeout on a kept-alive connection
                self.close_connection = True

    def _header(self, name: str) -> str:
        return self._header_map.get(name, "")

    def _handle_one(self) -> None:
        line = self.rfile.readline(_MAX_LINE + 1)
        if not line:
            self.close_connection = True
            return
        self._headers, self._header_map = [], {}
        self.command = ""
        words = line.decode("latin-1").split()
        if len(line) > _MAX_LINE or len(words) != 3 or not words[2].startswith("HTTP/1."):
            self.send(400, error_page(400), "text/html", close=True)
            return
        self.command, self.path, version = words
        while True:
            raw = self.rfile.readline(_MAX_LINE + 1)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, colon, value = raw.decode("latin-1").partition(":")
            if not colon or len(raw) > _MAX_LINE or len(self._headers) >= _MAX_HEADERS:
                self.send(400, error_page(400), "text/html", close=True)
                return
            self._headers.append((name.strip(), value.strip()))
            self._header_map[name.strip().lower()] = value.strip()
        connection = self._header("connection").lower()
        if version == "HTTP/1.0":
            self.close_connection = "keep-alive" not in connection
        else:
            self.close_connection = "close" in connection
        if self._header("expect").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self._serve()

    # -- one exchange -----------------------------------------------------------------

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        self._route, _, query_text = self.path.partition("?")
        self._query = parse_qsl(query_text, keep_blank_values=True)
        self._params = self._form(body) if self.command == "POST" else {}
        self._fault = None
        panel = self.server.panel
        if not self._routed():
            return
        with panel.lock:
            dialect = panel.dialect
            rule = panel.faults.take(self._params.get("action"))
        effect = effect_of(rule)
        options = {} if rule is None else rule.options
        self._fault = None if rule is None else rule.fault.value
        if not effect.before(self, options):
            return
        with panel.lock:
            status, answer = render(panel.state.handle(self._params), dialect)
            self.record(True, effect.answered(status))
        effect.deliver(self, options, status, answer, dialect.content_type)

    def _routed(self) -> bool:
        """Wait the latency, then check path and method; False when answered here."""
        panel = self.server.panel
        latency = panel.latency
        if latency > 0 and panel.stopping.wait(latency):
            self.record(False, None)
            self.close_connection = True
            return False
        if self._route != panel.path:
            self.record(False, 404)
            self.send(404, NOT_FOUND_PAGE, "text/html")
            return False
        if self.command != "POST":
            self.record(False, 405)
            self.send(
                405, b'{"error":"Incorrect request"}', "application/json", [("Allow", "POST")]
            )
            return False
        return True

    # -- the exchange, as faults see it (see _effects.Exchange) ------------------------

    @property
    def panel_url(self) -> str:
        """The panel's API URL."""
        return self.server.panel.url

    def record(self, acted: bool, status: int | None) -> None:
        """Add this request to the ledger (the key left out)."""
        state = self.server.panel.state
        params = self._params
        state.ledger.record(
            RecordedRequest(
                method=self.command,
                path=self._route,
                action=params.get("action"),
                params={k: v for k, v in params.items() if k != "key"},
                key_ok=state.key_ok(params),
                acted=acted,
                status_code=status,
                fault=self._fault,
                connection=self._serial,
                query={k: v for k, v in self._query if k != "key"},
                key_in_query=any(k == "key" for k, _ in self._query),
                headers=dict(self._headers),
            )
        )

    def hang_up(self, *, reset: bool = False) -> None:
        """Close the connection without answering (``reset``: with a TCP RST)."""
        if reset:
            self.server.reset_on_close(self.connection)
        self.close_connection = True

    def wait(self, seconds: float) -> bool:
        """Sleep; True when the panel began stopping meanwhile."""
        return self.server.panel.stopping.wait(seconds)

    # -- wire -------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        if "chunked" in self._header("transfer-encoding").lower():
            return self._read_chunked()
        raw = self._header_map.get("content-length")
        if raw is None:
            return b""
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            self.send(400, error_page(400), "text/html", close=True)
            return None
        if length > MAX_BODY:
            self.send(413, error_page(413), "text/html", close=True)
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            return None
        return body

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        size_total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.send(400, error_page(400), "text/html", close=True)
                return None
            if size == 0:
                break
            size_total += size
            if size_total > MAX_BODY:
                self.send(413, error_page(413), "text/html", close=True)
                return None
            chunk = self.rfile.read(size)
            self.rfile.readline(1024)
            if len(chunk) < size:
                self.close_connection = True
                return None
            chunks.append(chunk)
        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(chunks)

    def _form(self, body: bytes) -> dict[str, str]:
        # As PHP fills $_POST: only a form-encoded body counts; the last duplicate wins.
        content_type = self._header("content-type")
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return {}
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: Iterable[tuple[str, str]] = (),
        *,
        length: int | None = None,
        close: bool = False,
    ) -> None:
        """Answer in one write, declaring ``length`` as the Content-Length when given."""
        if close:
            self.close_connection = True
        lines = [
            f"HTTP/1.1 {status} {phrase(status)}",
            "Server: nginx",
            f"Date: {formatdate(usegmt=True)}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body) if length is None else length}",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        if self.command == "HEAD":
            body = b""
        # One write, so one send: see get_request about Nagle.
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


class PanelServer:
    """Serves a :class:`PanelState` over HTTP on a daemon thread."""

    def __init__(
        self,
        state: PanelState,
        *,
        host: str,
        port: int,
        path: str,
        dialect: Dialect,
        latency: float,
        idle_timeout: float | None,
    ) -> None:
        self.state = state
        self.lock = state.lock
        self.host = host
        self.port = port
        self.path = path
        self.dialect = dialect
        self.latency = latency
        self.idle_timeout = idle_timeout
        self.faults = FaultQueue()
        self.stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._life = threading.Lock()
        self._stopped = False

    @property
    def url(self) -> str:
        """The API URL; the real port once started."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.path}"

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._thread is not None and not self._stopped

    def start(self) -> None:
        """Bind and start serving; a no-op when already running."""
        with self._life:
            if self._stopped:
                raise RuntimeError("a stopped FakePanel cannot be started again")
            if self._thread is not None:
                return
            httpd = _HTTPServer((self.host, self.port), self)
            self.port = int(httpd.server_address[1])
            self._httpd = httpd
            self._wake = socket.socketpair()
            self._thread = threading.Thread(
                target=self._loop, name=f"FakePanel:{self.port}", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        assert self._httpd is not None
        assert self._wake is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd.socket, selectors.EVENT_READ, "accept")
            selector.register(self._wake[0], selectors.EVENT_READ, "wake")
            while not self.stopping.is_set():
                for key, _ in selector.select():
                    if key.data == "accept" and not self.stopping.is_set():
                        self._httpd.handle_request()

    def stop(self) -> None:
        """Stop serving, close every connection and join every thread; idempotent."""
        with self._life:
            if self._stopped:
                return
            self._stopped = True
            self.stopping.set()
            if self._thread is None or self._httpd is None or self._wake is None:
                return
            self._wake[1].send(b"\0")
            self._thread.join()
            self._httpd.close_connections()
            self._httpd.server_close()  # joins the handler threads
            for sock in self._wake:
                sock.close()
