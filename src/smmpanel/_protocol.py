"""The panel API v2 as panels really speak it: bytes in, a model or an error out.

`read_reply` judges one `Reply`: its status, its JSON, error envelopes and success
envelopes. The readers below turn the JSON of each action into models, taking in stride
the dialects real panels speak (numbers as text, maps or lists, bare values or wrapping
objects, per-item errors). Every failure is an `AttemptFailed` that says what happened,
so that the one retry decision can judge it.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError

from ._errors import (
    BODY_PREVIEW_CHARS,
    APIError,
    RateLimitError,
    ResponseError,
    shorten,
)
from ._models import (
    Id,
    ItemError,
    OrderStatus,
    PanelModel,
    ServiceList,
    Status,
)
from ._retry import Happened, parse_retry_after
from ._secrets import KeyScrubber
from ._transport import AttemptFailed, Reply

__all__ = ["ListedReader", "Reader", "read_reply"]

T = TypeVar("T")
Model = TypeVar("Model", bound=PanelModel)
R = TypeVar("R", bound=PanelModel)

_SUCCESS_WORDS = frozenset({"success", "ok", "true"})
_NO_ERROR_WORDS = frozenset({"", "0", "false", "null", "none", "no"})
_ERROR_WORDS = re.compile(r"error|incorrect|invalid|not found|unknown|wrong|fail|denied", re.I)
_BUSY_STATUSES = frozenset({408})
_EMPTY_CATALOG = re.compile(r"\s*(empty|no (data|services?)\b|none\s*$|$)", re.I)
# A 302 or 303 answering a POST often means "done, the result is over there"; 301, 307
# and 308 mean "send it to that other address", so the panel did not act on it.
_MAYBE_PROCESSED_REDIRECTS = frozenset({302, 303})


@dataclass(frozen=True)
class Reader(Generic[T]):
    """How to read one action's answer: `read` takes the JSON (after envelopes) and the
    ids sent; `fast`, when set, reads a 200 body straight from its bytes."""

    read: Callable[[object, list[Id]], T]
    fast: Callable[[bytes], T] | None = None


def read_reply(
    reply: Reply,
    reader: Reader[T],
    action: str,
    params: Mapping[str, str],
    ids: list[Id],
    secrets: KeyScrubber | None = None,
) -> T:
    """What `reader` makes of `reply` to `action` sent with `params` (never the key), or
    an `AttemptFailed` saying what went wrong; `secrets` removes the key from what the
    answer shows."""
    call = _Call(action, params, secrets or _NO_KEY)
    try:
        return _read(reply, reader, call, ids)
    except RecursionError:
        # Nested deeper than Python can walk, though json.loads may have taken it.
        error = _unreadable(reply, call, "is nested too deeply to read")
        succeeded = 200 <= reply.status_code <= 299
        raise AttemptFailed(Happened.MISREAD if succeeded else Happened.REFUSED, error) from None


def _read(reply: Reply, reader: Reader[T], call: _Call, ids: list[Id]) -> T:
    status = reply.status_code
    if 300 <= status <= 399:
        raise _redirect(reply, call)
    if status == 429 or status in _BUSY_STATUSES or 500 <= status <= 599:
        raise _busy(reply, call)
    if status == 200 and reader.fast is not None and not call.secrets.could_hide_in(reply.body):
        try:  # the common case, read straight from the bytes in one pass
            return reader.fast(reply.body)
        except ValidationError:
            pass  # a dialect or an odd entry: read it as JSON below
    payload = _decode(reply, call)
    try:
        return reader.read(payload, ids)
    except (ValueError, ValidationError) as exc:
        problem = _summary(exc) if isinstance(exc, ValidationError) else str(exc)
        error = _unreadable(reply, call, problem)
        raise AttemptFailed(Happened.MISREAD, error, cause=exc) from exc


@dataclass(frozen=True)
class _Call:
    """The call an answer belongs to, for the errors that name it, and what removes the
    key from what they show."""

    action: str
    params: Mapping[str, str]
    secrets: KeyScrubber

    def refused(self, message: str, status_code: int) -> APIError:
        return APIError.from_message(
            message, status_code=status_code, action=self.action, params=self.params
        )

    def json(self, body: bytes) -> object:
        """The decoded answer, with the key removed from its texts; a `ValueError` for an
        answer nested deeper than any panel's."""
        payload = json.loads(body)
        if _nested_too_deeply(payload):
            raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep")
        hidden = self.secrets.could_hide_in(_as_utf8(body))
        return self.secrets.value(payload) if hidden else payload

    def preview(self, body: bytes) -> str:
        """The start of `body` as text, for errors to keep, without the key."""
        window = body[: 4 * (BODY_PREVIEW_CHARS + self.secrets.longest)]
        text = window.decode(_encoding_of(body), "replace")
        return self.secrets.text(text)[:BODY_PREVIEW_CHARS]


def _encoding_of(body: bytes) -> str:
    # json.loads reads UTF-16 and UTF-32 too, from their byte order mark or zero bytes;
    # what it reads is what the key must be looked for in.
    return json.detect_encoding(body[:4])


def _as_utf8(body: bytes) -> bytes:
    encoding = _encoding_of(body)
    if encoding in ("utf-8", "utf-8-sig"):
        return body
    return body.decode(encoding, "replace").encode("utf-8", "replace")


_NO_KEY = KeyScrubber("")
MAX_DEPTH = 64
"""Real answers nest four levels at most; anything past this is not an answer."""


class _TooDeep(ValueError):
    """An answer nested deeper than `MAX_DEPTH`."""


def _nested_too_deeply(payload: object) -> bool:
    # Whether json.loads itself gives up on deep nesting depends on the Python version;
    # judging the depth here makes every version read such an answer the same way.
    pending: list[tuple[dict[str, object] | list[object], int]] = []
    if isinstance(payload, (dict, list)):
        pending.append((payload, 1))
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return False


def _decode(reply: Reply, call: _Call) -> object:
    """The answer's JSON without its success envelope; an `{"error": ...}` answer at any
    HTTP status is the panel's refusal, since panels send errors with 200 too."""
    succeeded = 200 <= reply.status_code <= 299
    try:
        payload = call.json(reply.body)
    except (ValueError, RecursionError) as exc:
        problem = "is nested too deeply" if isinstance(exc, _TooDeep) else "is not JSON"
        happened = Happened.GARBLED if succeeded else Happened.REFUSED
        error = _unreadable(reply, call, problem)
        # Not the decoder's own error: it keeps the whole body, key and all.
        raise AttemptFailed(happened, error, cause=ValueError(str(exc))) from None
    message = error_message(payload)
    if message is not None:
        raise AttemptFailed(Happened.REFUSED, call.refused(message, reply.status_code))
    if not succeeded:
        problem = "is JSON without an error message"
        raise AttemptFailed(Happened.MISREAD, _unreadable(reply, call, problem))
    return unwrap_envelope(payload)


def _redirect(reply: Reply, call: _Call) -> AttemptFailed:
    status = reply.status_code
    target = call.secrets.text(_host_of(reply.headers.get("Location", "")))
    error = ResponseError(
        f"{call.action}: the panel answered HTTP {status}, a redirect to {target};"
        " redirects are never followed, check the api url",
        status_code=status,
        body=call.preview(reply.body),
    )
    maybe_acted = status in _MAYBE_PROCESSED_REDIRECTS
    return AttemptFailed(Happened.MISREAD if maybe_acted else Happened.REFUSED, error)


def _busy(reply: Reply, call: _Call) -> AttemptFailed:
    """A 408, 429 or 5xx: the panel's own error message when it sent one."""
    retry_after = reply.headers.get("Retry-After")
    seconds = parse_retry_after(retry_after)
    later = f"; the panel asks to retry after {seconds:.0f} s" if seconds is not None else ""
    message = None
    with contextlib.suppress(ValueError, RecursionError):
        message = error_message(call.json(reply.body))
    if reply.status_code == 429:
        text = (message or "too many requests") + later
        error: Exception = RateLimitError(
            text, action=call.action, params=call.params, retry_after=seconds
        )
        return AttemptFailed(
            Happened.RATE_LIMITED, error, reason="HTTP 429", retry_after=retry_after
        )
    if message is not None:
        error = call.refused(message, reply.status_code)
    else:
        error = ResponseError(
            f"{call.action}: the panel answered HTTP {reply.status_code}{later}",
            status_code=reply.status_code,
            body=call.preview(reply.body),
        )
    # The reason an unknown outcome quotes: the panel answered, so nothing was "lost".
    reason = f"HTTP {reply.status_code}" + (f": {message}" if message else "")
    return AttemptFailed(Happened.BUSY, error, reason=reason, retry_after=retry_after)


def _unreadable(reply: Reply, call: _Call, problem: str) -> ResponseError:
    if not reply.body.strip():
        problem = "was empty"
    return ResponseError(
        f"{call.action}: the panel's answer (HTTP {reply.status_code}) {problem}",
        status_code=reply.status_code,
        body=call.preview(reply.body),
    )


def error_message(payload: object) -> str | None:
    """The error message of an ``{"error": ...}`` answer, or None for any other answer.

    The error may sit under ``status`` too, as in ``{"status": {"error": "Refill not
    found"}}``, or be given by ``"status": "error"`` with a ``message``.
    """
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if _says_no_error(error):
        status = payload.get("status")
        if isinstance(status, dict) and not _says_no_error(status.get("error")):
            error = status["error"]
        elif isinstance(status, (dict, list)) or str(status).strip().lower() != "error":
            return None
        else:
            error = payload.get("message") or payload.get("msg") or "error"
    while isinstance(error, dict) and error:
        error = error.get("message") or error.get("error") or next(iter(error.values()))
    if isinstance(error, list):
        error = "; ".join(map(_as_text, error))
    if error is True:
        error = payload.get("message") or "error"
    return _as_text(error).strip() or "error"


def _as_text(value: object) -> str:
    """A message part as text; a value that is not text is shown shortened, and one too
    deep or too long to print is described."""
    return value if isinstance(value, str) else shorten(value, 200)


def _says_no_error(error: object) -> bool:
    # Some panels send "error": 0, false, "" or "null" alongside a success.
    if isinstance(error, str):
        return error.strip().lower() in _NO_ERROR_WORDS
    return error is None or error is False or error == 0 or error in ({}, [])


def unwrap_envelope(payload: object) -> object:
    """Take the answer out of a ``{"status": "success", "data": ...}`` envelope."""
    if not isinstance(payload, dict) or "status" not in payload:
        return payload
    status = payload["status"]
    if not isinstance(status, (str, bool)) or str(status).lower() not in _SUCCESS_WORDS:
        return payload
    for name in ("data", "result", "response"):
        if name in payload:
            return payload[name]
    return {name: value for name, value in payload.items() if name != "status"}


def _host_of(location: str) -> str:
    try:
        return urlsplit(location).hostname or "elsewhere"
    except ValueError:
        return "an unreadable location"


def _summary(exc: ValidationError) -> str:
    # pydantic's own message repeats the input values; name only the fields at fault.
    fields = sorted({".".join(str(part) for part in error["loc"][:1]) for error in exc.errors()})
    return "bad or missing " + ", ".join(name or "value" for name in fields)


# --- readers of each action's answer ------------------------------------------------------


def model_reader(model: type[Model]) -> Reader[Model]:
    """The reader of a single answer that is one `model`."""

    def read(payload: object, _: list[Id]) -> Model:
        return model.from_answer(payload)

    return Reader(read)


def _read_services(payload: object, _: list[Id]) -> ServiceList:
    if isinstance(payload, str) and _EMPTY_CATALOG.match(payload):
        return ServiceList()  # {"status": "success", "data": "Empty Data"}
    if not isinstance(payload, list):
        raise ValueError("is not a list of services")
    return ServiceList.from_items(payload)


SERVICES: Reader[ServiceList] = Reader(_read_services, fast=ServiceList.from_json)


def item_error(value: object, *, words_allowed: bool = False) -> ItemError | None:
    """The error in one item of a batch answer: ``{"error": ...}``, or a bare message.

    A bare string is a message when it has spaces (ids never do); where the value is a
    word such as a status (`words_allowed`), only when it reads like an error.
    """
    if isinstance(value, dict):
        message = error_message(value)
        return None if message is None else ItemError(error=message)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return ItemError(error="empty answer")
    if words_allowed:
        is_error = _ERROR_WORDS.search(text) is not None and not Status(text).is_known
    else:
        is_error = any(char.isspace() for char in text)
    return ItemError(error=text) if is_error else None


def _read_item(model: type[Model], value: object) -> Model | ItemError:
    error = item_error(value)
    if error is not None:
        return error
    try:
        return model.from_answer(value)
    except ValidationError as exc:
        return ItemError(error=f"unreadable answer {shorten(value)}: {_summary(exc)}")


def _read_statuses(payload: object, chunk: list[Id]) -> dict[str, OrderStatus | ItemError]:
    if isinstance(payload, list):  # some panels list the orders instead of keying them
        payload = {
            str(item.get("order", item.get("id"))): item
            for item in payload
            if isinstance(item, dict)
        }
    if not isinstance(payload, dict):
        raise ValueError(f"is not a map of orders: {shorten(payload)}")
    if len(chunk) == 1 and "status" in payload and str(chunk[0]) not in payload:
        payload = {str(chunk[0]): payload}  # a panel that answered in the single form
    return {str(order).strip(): _read_item(OrderStatus, value) for order, value in payload.items()}


STATUSES: Reader[dict[str, OrderStatus | ItemError]] = Reader(_read_statuses)


class ListedReader(Generic[R]):
    """Reads answers that list ``{id_field: id, value_field: value}`` objects into
    `model`, one per id, with the id spelled as the caller sent it.

    Items are matched by position only when none names its id and there is exactly one
    item per id.
    """

    def __init__(self, model: type[R], id_field: str, value_field: str, *, words: bool = False):
        self.model = model
        self.id_field = id_field
        self.value_field = value_field
        self.words = words

    def failed(self, item_id: Id, error: ItemError) -> R:
        """The result for an id the panel refused or left out."""
        return self.model.model_validate({self.id_field: item_id, self.value_field: error})

    def reader(self) -> Reader[dict[str, R]]:
        """This reader as a `Reader` of a batch answer."""
        return Reader(self.read)

    def read(self, payload: object, chunk: list[Id]) -> dict[str, R]:
        """The result for each id of `chunk` that the answer names, keyed by its text."""
        items = self._items(payload, chunk)
        # Items are matched by position only when none of them says which id it is for.
        by_position = len(items) == len(chunk) and not any(map(self._names_id, items))
        by_id = {str(item): item for item in chunk}
        found: dict[str, R] = {}
        for position, item in enumerate(items):
            key = str(chunk[position]) if by_position else self._id_of(item)
            if key in by_id:
                found[key] = self._result(by_id[key], item)
        return found

    def _items(self, payload: object, chunk: list[Id]) -> list[dict[str, object]]:
        if isinstance(payload, dict) and self.value_field in payload and len(chunk) == 1:
            payload = [payload]  # one id answered in the single form, {"refill": "77"}
        elif isinstance(payload, dict):  # keyed by id instead of a list
            payload = [
                {self.id_field: key, self.value_field: value} for key, value in payload.items()
            ]
        if not isinstance(payload, list):
            raise ValueError(f"is not a list: {shorten(payload)}")
        return [item for item in payload if isinstance(item, dict)]

    def _result(self, item_id: Id, item: dict[str, object]) -> R:
        error: ItemError | None
        if self.value_field not in item:
            error = item_error(item) or ItemError(error=f"unreadable answer {shorten(item)}")
        else:
            error = item_error(item[self.value_field], words_allowed=self.words)
        result = error or _read_item(self.model, {**item, self.id_field: item_id})
        return self.failed(item_id, result) if isinstance(result, ItemError) else result

    def _names_id(self, item: dict[str, object]) -> bool:
        return self.id_field in item or "id" in item

    def _id_of(self, item: dict[str, object]) -> str:
        return str(item.get(self.id_field, item.get("id", ""))).strip()
