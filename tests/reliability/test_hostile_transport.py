"""Hostile panels on a real loopback socket: trickled answers, gzip bombs, endless bodies,
a session that retries behind the client's back, and header lines carrying the key."""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest
import requests
import urllib3

from smmpanel import (
    Client,
    OutcomeUnknownError,
    ResponseError,
    RetryPolicy,
    TransportError,
)

KEY = "hostile-5f4dcc3b5aa765d61d8327deb882cf99"
Handler = Callable[[socket.socket, socket.socket], None]


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """A loopback server running `handler(connection, listener)` for each connection;
    yields its url and closes every socket on exit."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.settimeout(0.05)  # closing a socket does not wake a thread blocked on it
    stop = threading.Event()
    opened: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            connection.settimeout(5)
            opened.append(connection)
            with suppress(OSError):
                handler(connection, listener)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/api/v2"
    finally:
        stop.set()
        listener.close()
        for connection in opened:
            connection.close()
        thread.join(5)


def read_request(connection: socket.socket) -> bytes:
    """The request's head and body (the form is small: one read of the body is enough)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return data


def client(url: str, **kwargs: object) -> Client:
    kwargs.setdefault("timeout", (1.0, 1.0))
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=lambda _: None))
    return Client(url, KEY, **kwargs)  # type: ignore[arg-type]


def trickler(head: bytes, body: bytes, every: float = 0.3) -> Handler:
    """Sends `head` at once (all of it trickled when `body` is empty), then `body` one
    byte every `every` seconds."""

    def handle(connection: socket.socket, _: socket.socket) -> None:
        read_request(connection)
        whole = head + body
        start = len(head) if body else 0
        connection.sendall(whole[:start])
        for index in range(start, len(whole)):
            connection.sendall(whole[index : index + 1])
            time.sleep(every)

    return handle


# --- 6. the read timeout bounds the whole answer ------------------------------------------

BODY = b'{"order": 1}' + b" " * 40
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"


def test_a_trickled_header_cannot_hold_a_write_past_its_read_timeout() -> None:
    head = HEAD % len(BODY)
    with serve(trickler(head + BODY, b"")) as url, client(url) as panel:
        started = time.monotonic()
        with pytest.raises(OutcomeUnknownError):
            panel.add(1, "https://example.com/p", 100)
        assert time.monotonic() - started < 2.0


def test_a_trickled_body_cannot_hold_a_read_past_its_read_timeout() -> None:
    with serve(trickler(HEAD % len(BODY), BODY)) as url, client(url, max_retries=0) as panel:
        started = time.monotonic()
        with pytest.raises(TransportError, match="in time"):
            panel.balance()
        assert time.monotonic() - started < 2.0


def test_a_trickled_body_is_bounded_with_a_session_passed_in_too() -> None:
    with (
        serve(trickler(HEAD % len(BODY), BODY)) as url,
        requests.Session() as session,
        client(url, session=session) as panel,
    ):
        started = time.monotonic()
        with pytest.raises(OutcomeUnknownError):
            panel.add(1, "https://example.com/p", 100)
        assert time.monotonic() - started < 2.5


# --- 7. answers have a size cap -----------------------------------------------------------


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 1 MB of gzip that inflates to about 1 GB: ten members of 100 MB of zeros."""
    member = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
    return member * 10


def answer_with(head: bytes, body: Callable[[socket.socket], None]) -> Handler:
    def handle(connection: socket.socket, _: socket.socket) -> None:
        read_request(connection)
        connection.sendall(head)
        body(connection)

    return handle


def peak_while(call: Callable[[], object]) -> int:
    """Bytes allocated at the peak of `call`, above what was allocated before it."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def refusals_of_services(panel: Client) -> tuple[int, list[ResponseError]]:
    """The memory `services()` took at its peak, and the `ResponseError`s it raised."""
    failures: list[ResponseError] = []

    def call() -> None:
        try:
            panel.services()
        except ResponseError as error:
            failures.append(error)

    return peak_while(call), failures


def test_a_gzip_bomb_is_refused_without_inflating_it(gzip_bomb: bytes) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
    handler = answer_with(head % len(gzip_bomb), lambda connection: connection.sendall(gzip_bomb))
    cap = 4 * 2**20
    with serve(handler) as url, client(url, max_answer_bytes=cap) as panel:
        peak, failures = refusals_of_services(panel)
        assert peak < 2 * cap
        (error,) = failures
        assert "max_answer_bytes" in str(error)
        with pytest.raises(OutcomeUnknownError):
            panel.add(1, "https://example.com/p", 100)


def endless(connection: socket.socket) -> None:
    chunk = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
    while True:
        connection.sendall(chunk)


def test_an_endless_body_is_refused_at_the_cap() -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    cap = 2 * 2**20
    with serve(answer_with(head, endless)) as url, client(url, max_answer_bytes=cap) as panel:
        peak, failures = refusals_of_services(panel)
        assert peak < 2 * cap
        assert len(failures) == 1


def test_a_declared_length_past_the_cap_is_refused_before_reading() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n"
    with (
        serve(answer_with(head, lambda connection: None)) as url,
        client(url, max_answer_bytes=1000) as panel,
        pytest.raises(ResponseError, match="larger than max_answer_bytes"),
    ):
        panel.balance()


# --- 1 and 2. a session that re-sends a write ---------------------------------------------


def test_a_write_resent_by_a_session_retry_says_the_panel_may_have_acted() -> None:
    """A 502 answered the order, the session's own retry then found the panel gone: the
    panel did receive the order, so this is not "never left"."""

    def gateway_then_gone(connection: socket.socket, listener: socket.socket) -> None:
        read_request(connection)
        listener.close()  # the retry's connection is refused
        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    with serve(gateway_then_gone) as url, requests.Session() as session:
        panel = client(url, session=session)
        retry = urllib3.util.Retry(
            total=3, other=0, status_forcelist=[502], allowed_methods="POST", backoff_factor=0
        )
        session.mount(url, requests.adapters.HTTPAdapter(max_retries=retry))  # after the check
        with pytest.raises(OutcomeUnknownError):
            panel.add(1, "https://example.com/p", 100)


# --- 13. urllib3's warnings never quote the key ---------------------------------------------


def test_a_header_line_carrying_the_key_is_scrubbed_from_urllib3_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = b'{"balance": "1.00", "currency": "USD"}'
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"debug key=" + KEY.encode() + b" echoed\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    handler = answer_with(head, lambda connection: connection.sendall(body))
    with (
        caplog.at_level(logging.WARNING, logger="urllib3"),
        serve(handler) as url,
        client(url, max_retries=0) as panel,
    ):
        panel.balance()
    assert any("Failed to parse headers" in record.getMessage() for record in caplog.records)
    assert KEY not in caplog.text


def test_a_status_line_echoing_the_key_leaves_no_trace_in_the_chained_errors() -> None:
    def garbled(connection: socket.socket) -> None:
        pass  # the head below is all there is

    head = b"XTTP/1.1 200 " + KEY.encode() + b"\r\n\r\n"
    with serve(answer_with(head, garbled)) as url, pytest.raises(OutcomeUnknownError) as caught:
        client(url).add(1, "https://x.example/p", 100)
    chained = caught.value
    while chained is not None:
        assert KEY not in str(chained)
        assert KEY not in repr(chained.args)
        chained = chained.__cause__ or chained.__context__


def test_a_session_hook_reading_the_body_cannot_read_past_the_cap() -> None:
    # The session's hooks run on the answer once it has been read within its bounds.
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    cap = 2 * 2**20
    session = requests.Session()
    seen: list[int] = []
    session.hooks["response"].append(lambda answer, **_: seen.append(len(answer.content)))

    def large(connection: socket.socket) -> None:  # 32 MB: past the cap, yet bounded
        chunk = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
        with suppress(OSError):
            for _ in range(512):
                connection.sendall(chunk)
            connection.sendall(b"0\r\n\r\n")

    with serve(answer_with(head, large)) as url:
        panel = client(url, max_answer_bytes=cap, session=session)
        peak, failures = refusals_of_services(panel)
        assert peak < 2 * cap
        assert len(failures) == 1
        assert seen == []  # the hook never saw the endless answer
    session.close()


def test_session_hooks_see_every_answer_and_their_errors_keep_the_outcome_unknown() -> None:
    body = b'{"order": 5}'
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
    session = requests.Session()
    seen: list[int] = []
    session.hooks["response"].append(lambda answer, **_: seen.append(answer.status_code))
    session.hooks["response"].append(lambda answer, **_: answer.json())  # returns a value
    with serve(answer_with(head, lambda connection: connection.sendall(body))) as url:
        panel = client(url, session=session)
        assert panel.add(1, "https://example.com/p", 100).order == 5
        assert seen == [200]
        session.hooks["response"].append(lambda answer, **_: 1 / 0)
        with pytest.raises(OutcomeUnknownError) as caught:
            panel.add(1, "https://example.com/p", 100)
        assert isinstance(caught.value.__cause__, ResponseError)
    session.close()
