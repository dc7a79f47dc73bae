"""The `Client`: one method per action of the panel API v2.

A call flows one way: the client checks the arguments and builds the form, the
transport posts it and brings back bytes, the protocol reads them into a model or an
error, and one retry decision says whether to try again.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from math import isfinite
from types import TracebackType
from typing import NoReturn, TypeVar

import requests

from . import __version__
from ._actions import (
    ADD,
    BALANCE,
    CANCEL,
    CANCELS,
    REFILL,
    REFILL_STATUS,
    REFILL_STATUSES,
    REFILL_STATUSES_ACTION,
    REFILLS,
    REFILLS_ACTION,
    SERVICES_ACTION,
    STATUS,
    STATUSES_ACTION,
    Action,
)
from ._batches import POOL_SIZE, Batch
from ._errors import (
    ConfigurationError,
    InsecureTransportWarning,
    InvalidArgumentError,
    OutcomeUnknownError,
    TransportError,
    shorten,
)
from ._lifecycle import Clock, OrderTracker, Sleep, wait
from ._models import (
    LARGEST_NUMBER,
    MAX_DIGITS,
    Balance,
    CancelResult,
    Id,
    ItemError,
    OrderCreated,
    OrderStatus,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
    ServiceList,
    id_problem,
)
from ._ordercheck import check_order
from ._progress import Progress
from ._protocol import ListedReader, read_reply
from ._results import CancelResults, RefillResults, RefillStatusResults, StatusMap
from ._retry import (
    DEFAULT_MAX_RETRIES,
    LONGEST_WAIT,
    Decision,
    Happened,
    RetryPolicy,
    check_max_retries,
    decide,
)
from ._session import check_session, own_session
from ._transport import DEFAULT_MAX_ANSWER_BYTES, AttemptFailed, Timeout, Transport
from ._url import check_url

__all__ = ["Client"]

logger = logging.getLogger("smmpanel")

DEFAULT_TIMEOUT = (10.0, 30.0)
"""Seconds to connect, and to wait for the answer."""

ParamValue = str | int | Decimal | float | date | Sequence[str | int] | None
T = TypeVar("T")
R = TypeVar("R", RefillResult, RefillStatusResult, CancelResult)

_RESERVED_PARAMS = frozenset({"key", "action"})
# PHP strips leading spaces from names and reads "a[]" as an array: plain names only.
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Client:
    """A client for one SMM panel speaking the API v2.

    The url and key fall back to the ``SMMPANEL_API_URL`` and ``SMMPANEL_API_KEY``
    environment variables. Reads (services, balance, status, statuses, refill_status,
    refill_statuses) are retried on network failures; add, refill, refills and cancel
    never are once they may have reached the panel. A client may be shared by threads;
    use it as a context manager, or call `close()`, to release its connections.

    :param api_url: the panel's API url, such as ``https://panel.example/api/v2``.
    :param api_key: your API key; it is sent only in the POST body and never shown.
    :param timeout: seconds to connect and to wait for the answer, or a
        ``(connect, read)`` pair; never "no timeout".
    :param max_retries: how often a read is retried (writes never are once sent).
    :param session: a `requests.Session` to use; one that would re-send a POST by
        itself is refused with `ConfigurationError`.
    :param user_agent: the User-Agent header.
    :param allow_insecure_http: allow ``http://`` to a host that is not loopback.
    :param verify: certificate checking, as in requests (True, False or a CA bundle).
    :param retry_policy: how long to wait between retries.
    :param max_answer_bytes: the largest answer accepted, counted after decompression
        (32 MiB by default); a larger one is refused without being held in memory.
    :raises ConfigurationError: a missing url or key, or an unsafe setting.
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        session: requests.Session | None = None,
        user_agent: str | None = None,
        allow_insecure_http: bool = False,
        verify: bool | str | None = None,
        retry_policy: RetryPolicy | None = None,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        api_url = _setting(api_url, "api_url", "SMMPANEL_API_URL")
        api_key = _setting(api_key, "api_key", "SMMPANEL_API_KEY")
        check_url(api_url, api_key, allow_insecure_http)
        self._max_retries = check_max_retries(max_retries)
        self._retry_policy = retry_policy or RetryPolicy()
        _check_verify(verify, session)
        user_agent = _check_user_agent(
            user_agent or f"smmpanel/{__version__} python-requests/{requests.__version__}"
        )
        _check_max_answer_bytes(max_answer_bytes)
        self._owns_session = session is None
        if session is None:
            session = own_session(POOL_SIZE)
        else:
            check_session(session)
        self._transport = Transport(
            api_url,
            api_key,
            timeout=_check_timeout(timeout),
            session=session,
            user_agent=user_agent,
            verify=verify,
            max_answer_bytes=max_answer_bytes,
        )

    @property
    def api_url(self) -> str:
        """The url every action is posted to."""
        return self._transport.api_url

    def __repr__(self) -> str:
        return f"Client(api_url={self.api_url!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections, closing the session only if this client created it."""
        if self._owns_session:
            self._transport.close()

    # --- single answers ------------------------------------------------------------

    def services(self) -> ServiceList:
        """The panel's catalog of services, as a `ServiceList`.

        :raises APIError: the panel refused (such as a bad key).
        :raises ResponseError: after the retries allowed.
        :raises TransportError: after the retries allowed.
        """
        return self._call(SERVICES_ACTION, {})

    def balance(self) -> Balance:
        """The account's balance and currency."""
        return self._call(BALANCE, {})

    def add(
        self,
        service: Id | Service,
        link: str | None = None,
        quantity: int | None = None,
        *,
        runs: int | None = None,
        interval: int | None = None,
        comments: str | Sequence[str] | None = None,
        usernames: str | Sequence[str] | None = None,
        hashtags: str | Sequence[str] | None = None,
        hashtag: str | None = None,
        username: str | None = None,
        media: str | None = None,
        keywords: str | Sequence[str] | None = None,
        groups: str | Sequence[str] | None = None,
        answer_number: int | str | None = None,
        min: int | None = None,
        max: int | None = None,
        posts: int | None = None,
        old_posts: int | None = None,
        delay: int | None = None,
        expiry: str | date | None = None,
        country: str | None = None,
        device: str | int | None = None,
        type_of_traffic: str | int | None = None,
        google_keyword: str | None = None,
        referring_url: str | None = None,
        **params: ParamValue,
    ) -> OrderCreated:
        """Place an order, which spends money. Never retried once it may have reached the
        panel: a lost answer raises `OutcomeUnknownError`.

        What each service type needs, besides ``service`` and ``link``:

        - Default: ``quantity``; drip-feed services also take ``runs`` and ``interval``
          (minutes), and then cost quantity x runs.
        - Package: nothing more (no quantity).
        - Custom Comments: ``comments``, one per line (a list is joined); the number of
          lines is the quantity.
        - Mentions with Hashtags: ``quantity``, ``usernames`` and ``hashtags``.
        - Mentions Custom List: ``usernames``.
        - Mentions Hashtag: ``quantity`` and ``hashtag``.
        - Mentions User Followers: ``quantity`` and ``username``.
        - Mentions Media Likers: ``quantity`` and ``media``.
        - Comment Likes: ``quantity`` and ``username``.
        - Poll: ``quantity`` and ``answer_number``.
        - Comment Replies: ``username`` and ``comments``.
        - Invites from Groups: ``quantity`` and ``groups``.
        - Subscriptions: ``username``, ``min``, ``max``, ``posts`` or ``old_posts``, and
          optionally ``delay`` (minutes) and ``expiry`` (a date, or text d/m/Y).
        - SEO, keywords: ``quantity`` and ``keywords``.
        - Web Traffic: ``quantity``, ``country``, ``device``, ``type_of_traffic`` and
          optionally ``google_keyword`` and ``referring_url``.

        Given a `Service` instead of an id, the order is first checked against it
        (`Service.check_order`) and nothing is sent if the check fails.

        Panel-specific extras go in ``**params`` (plain identifier names only). Lists are
        sent one item per line; ``None`` is not sent.

        :returns: `OrderCreated`, whose ``order`` is the new order's id.
        :raises InvalidArgumentError: a bad argument, before anything is sent.
        :raises APIError: the panel refused the order (`InsufficientFundsError`, ...).
        :raises OutcomeUnknownError: the order may have been placed; check before resending.
        """
        counts = {"quantity": quantity, "runs": runs, "interval": interval, "min": min, "max": max}
        for name, value in {**counts, "posts": posts}.items():
            _check_count(name, value)
        for name, value in {"old_posts": old_posts, "delay": delay}.items():
            _check_count(name, value, allow_zero=True)
        if isinstance(link, str) and any(char.isspace() for char in link.strip()):
            raise InvalidArgumentError(f"link must be one url without spaces, not {shorten(link)}")
        if min is not None and max is not None and min > max:
            raise InvalidArgumentError(f"min ({min}) is more than max ({max})")
        named: dict[str, ParamValue] = {
            "link": link,
            "quantity": quantity,
            "runs": runs,
            "interval": interval,
            "comments": comments,
            "usernames": usernames,
            "hashtags": hashtags,
            "hashtag": hashtag,
            "username": username,
            "media": media,
            "keywords": keywords,
            "groups": groups,
            "answer_number": answer_number,
            "min": min,
            "max": max,
            "posts": posts,
            "old_posts": old_posts,
            "delay": delay,
            "expiry": expiry,
            "country": country,
            "device": device,
            "type_of_traffic": type_of_traffic,
            "google_keyword": google_keyword,
            "referring_url": referring_url,
        }
        _check_extra_names(params)
        if isinstance(service, Service):
            others = {name: value for name, value in named.items() if name not in counts}
            checked = {**others, "min": min, "max": max, **params}
            check_order(
                service, quantity, runs=runs, interval=interval, params=checked, require_link=True
            )
            service = service.service
        form = _form({"service": _check_id(service, "service"), **named, **params})
        return self._call(ADD, form)

    def status(self, order: Id) -> OrderStatus:
        """One order's status.

        :raises APIError: the panel does not know the order ("Incorrect order ID").
        """
        return self._call(STATUS, {"order": str(_check_id(order, "order"))})

    def refill(self, order: Id) -> RefillCreated:
        """Ask for a refill of one order. Never retried once it may have reached the panel.

        :raises APIError: the panel refused the refill.
        :raises OutcomeUnknownError: the refill may have been created; check first.
        """
        return self._call(REFILL, {"order": str(_check_id(order, "order"))})

    def refill_status(self, refill: Id) -> RefillStatus:
        """One refill's status.

        :raises APIError: the panel does not know the refill ("Refill not found").
        """
        return self._call(REFILL_STATUS, {"refill": str(_check_id(refill, "refill"))})

    # --- following orders ------------------------------------------------------------

    def wait(
        self,
        order: Id | OrderCreated,
        *,
        timeout: float | None = None,
        poll: float = 30.0,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> OrderStatus:
        """Poll an order every `poll` seconds until it is Completed, Partial, Canceled or
        Refunded, and return that status.

        :param timeout: seconds to wait at most (None: no limit); then `WaitTimeout`,
            carrying the last status seen, is raised.
        :param clock: replaces `time.monotonic`, and `sleep` replaces `time.sleep` (a
            `FakePanel`'s ``now`` and ``advance`` make a test instant).

        The panel's error for the order (`APIError`) ends the wait.
        """
        return wait(self, order, timeout=timeout, poll=poll, clock=clock, sleep=sleep)

    def track(
        self,
        orders: Iterable[Id | OrderCreated],
        *,
        poll: float = 30.0,
        timeout: float | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        progress: Progress = None,
    ) -> OrderTracker:
        """Follow many orders until every one is final, yielding a `StatusChange` each
        time an order's status changes (the first sighting counts as one).

        Only orders not yet final are polled, 100 to a request, every `poll` seconds. An
        order the panel cannot report on is yielded once with an `ItemError` and dropped.
        After `timeout` seconds `WaitTimeout` is raised; `clock` and `sleep` replace
        `time.monotonic` and `time.sleep`. The returned `OrderTracker` keeps the last
        status of every order seen in `.seen`, also after a failed poll. `progress` (True
        for a bar, or a callable taking ``(done, total)``) counts the orders that are final.
        """
        return OrderTracker(
            self, orders, poll=poll, timeout=timeout, clock=clock, sleep=sleep, progress=progress
        )

    # --- batches -------------------------------------------------------------------

    def statuses(
        self, orders: Iterable[Id], *, max_workers: int = 1, progress: Progress = None
    ) -> StatusMap:
        """The statuses of many orders, keyed by the ids as you passed them.

        :param orders: any iterable of ids; repeats are sent once, 100 to a request, and
            an empty one sends nothing.
        :param max_workers: how many requests to send at once.
        :param progress: True for a progress bar (the ``progress`` extra), or a callable
            taking ``(done, total)``.
        :returns: an `OrderStatus` per order, or an `ItemError` for one the panel could
            not report on.
        :raises APIError: when a whole request failed.
        :raises ResponseError: when a whole request failed.
        :raises TransportError: when a whole request failed.
        """
        unique, spellings = _unique_ids(orders, "orders")
        batch = Batch(
            "status",
            "orders",
            lambda chunk: self._call(STATUSES_ACTION, _ids_form("orders", chunk), chunk),
            _as_is,
            idempotent=True,
            policy=self._retry_policy,
        )
        found = batch.run(unique, max_workers, progress)
        return StatusMap((given, found[key]) for key, forms in spellings.items() for given in forms)

    def refills(
        self, orders: Iterable[Id], *, max_workers: int = 1, progress: Progress = None
    ) -> RefillResults:
        """Ask for refills of many orders: one `RefillResult` per order, in the order given.
        `max_workers` and `progress` work as for `statuses`.

        :raises OutcomeUnknownError: some refills may have been created and the answer
            was lost; ``.completed`` and ``.unsent`` say what is known.
        """
        return RefillResults(self._listed(REFILLS_ACTION, REFILLS, orders, max_workers, progress))

    def refill_statuses(
        self, refills: Iterable[Id], *, max_workers: int = 1, progress: Progress = None
    ) -> RefillStatusResults:
        """The statuses of many refills: one `RefillStatusResult` per refill, in order.
        `max_workers` and `progress` work as for `statuses`."""
        found = self._listed(
            REFILL_STATUSES_ACTION, REFILL_STATUSES, refills, max_workers, progress
        )
        return RefillStatusResults(found)

    def cancel(
        self, orders: Iterable[Id], *, max_workers: int = 1, progress: Progress = None
    ) -> CancelResults:
        """Ask the panel to cancel orders: one `CancelResult` per order, in the order given.
        `max_workers` and `progress` work as for `statuses`.

        An accepted request (often ``cancel: 1``) means the panel will try to cancel, not
        that the order is already canceled: check its status later.

        :raises OutcomeUnknownError: some cancels may have been sent and the answer lost.
        """
        return CancelResults(self._listed(CANCEL, CANCELS, orders, max_workers, progress))

    # --- plumbing --------------------------------------------------------------------

    def _listed(
        self,
        action: Action[dict[str, R]],
        listed: ListedReader[R],
        ids: Iterable[Id],
        max_workers: int,
        progress: Progress,
    ) -> list[R]:
        field = action.id_field or ""
        unique, _ = _unique_ids(ids, field)
        batch = Batch(
            action.name,
            field,
            lambda chunk: self._call(action, _ids_form(field, chunk), chunk),
            listed.failed,
            idempotent=action.idempotent,
            policy=self._retry_policy,
        )
        found = batch.run(unique, max_workers, progress)
        return [found[str(item)] for item in unique]

    def _call(self, action: Action[T], params: Mapping[str, str], ids: list[Id] | None = None) -> T:
        """Send one request and read its answer, retrying as the one decision says."""
        retries_done = 0
        while True:
            try:
                reply = self._transport.send(action.name, params, retries_done + 1)
                secrets = self._transport.secrets
                return read_reply(reply, action.reader, action.name, params, ids or [], secrets)
            except AttemptFailed as failed:
                wait = self._retry_wait(action, failed, retries_done)
                if wait is None:
                    self._give_up(action, params, failed, attempts=retries_done + 1)
                logger.info("retrying %s after %s in %.2f s", action.name, failed.reason, wait)
                self._retry_policy.sleep(wait)
                retries_done += 1

    def _retry_wait(
        self, action: Action[T], failed: AttemptFailed, retries_done: int
    ) -> float | None:
        """Seconds to wait before trying again; None when the decision is not to retry, or
        the panel asked for a longer wait than the policy allows."""
        retries_left = self._max_retries - retries_done
        decision = decide(failed.happened, idempotent=action.idempotent, retries_left=retries_left)
        if decision is not Decision.RETRY:
            return None
        return self._retry_policy.delay(retries_done, failed.retry_after)

    @staticmethod
    def _give_up(
        action: Action[T], params: Mapping[str, str], failed: AttemptFailed, *, attempts: int
    ) -> NoReturn:
        """Raise what the caller gets for a failure that is not retried: its own error, or
        an unknown outcome when a write may have been acted on."""
        decision = decide(failed.happened, idempotent=action.idempotent, retries_left=0)
        if decision is Decision.UNKNOWN:
            answered = failed.happened is Happened.BUSY  # a 5xx or 408: not lost
            lost = OutcomeUnknownError(action.name, params, failed.reason, answered=answered)
            network = isinstance(failed.error, TransportError)
            raise lost from (failed.error.__cause__ if network else failed.error)
        if isinstance(failed.error, TransportError):
            failed.error.attempts = attempts
        raise failed.error from failed.error.__cause__


def _ids_form(field: str, chunk: list[Id]) -> dict[str, str]:
    return {field: ",".join(str(item) for item in chunk)}


def _as_is(_: Id, error: ItemError) -> ItemError:
    return error


# --- checking arguments -----------------------------------------------------------------


def _check_id(value: object, what: str) -> Id:
    plain = _plain_id(value)
    problem = id_problem(plain)
    if problem is not None:
        raise InvalidArgumentError(f"{what} {problem}, not {shorten(value)}")
    return plain  # type: ignore[return-value]  # id_problem checked it is an int or str


def _plain_id(value: object) -> object:
    # A subclass of int or str may print as something else entirely ("1,2,3"): what is
    # checked and what is sent must be the value itself.
    if isinstance(value, int) and not isinstance(value, bool) and type(value) is not int:
        return int.__index__(value)
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    return value


_NUMERIC_ID = re.compile(r"\+?0*([0-9]+)(?:\.0*)?")


def _id_key(item: Id) -> str:
    """The id's identity: "05", "+5" and "5.0" are all order 5 to a panel that reads ids
    as numbers, as PHP panels do."""
    text = str(item)
    match = _NUMERIC_ID.fullmatch(text)
    return match.group(1) if match else text


def _unique_ids(ids: Iterable[Id], what: str) -> tuple[list[Id], dict[str, list[Id]]]:
    """The ids without repeats (``5``, ``"5"`` and ``"05"`` are the same id, sent once
    as first given), and every spelling the caller used, by the text of the one sent."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise InvalidArgumentError(f"{what} must be an iterable of ids, not {ids!r}")
    sent: dict[str, str] = {}  # identity -> the text of the spelling that is sent
    spellings: dict[str, list[Id]] = {}
    unique: list[Id] = []
    for item in ids:
        plain = _check_id(item, what[:-1])
        key = _id_key(plain)
        if key not in sent:
            sent[key] = str(plain)
            unique.append(plain)
        forms = spellings.setdefault(sent[key], [])
        if item not in forms:
            forms.append(item)
    return unique, spellings


def _check_count(name: str, value: object, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    lowest = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        kind = "a whole number >= 0" if allow_zero else "a positive whole number"
        raise InvalidArgumentError(f"{name} must be {kind}, not {shorten(value)}")
    if value >= LARGEST_NUMBER:
        raise InvalidArgumentError(f"{name} must have at most {MAX_DIGITS} digits")


def _check_timeout(timeout: object) -> Timeout:
    def seconds(value: object) -> bool:
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return number and 0 < value <= LONGEST_WAIT  # type: ignore[operator]  # a number

    if seconds(timeout) or (
        isinstance(timeout, tuple) and len(timeout) == 2 and all(map(seconds, timeout))
    ):
        return timeout  # type: ignore[return-value]  # checked just above
    raise ConfigurationError(
        f"timeout must be seconds > 0 and at most {LONGEST_WAIT}, or a (connect, read) pair"
        f" of them, not {timeout!r}; waiting forever is not an option"
    )


def _check_verify(verify: bool | str | None, session: requests.Session | None) -> None:
    if isinstance(verify, str) and not os.path.exists(verify):
        raise ConfigurationError(f"verify names no CA bundle file or folder: {verify!r}")
    if verify is False or (verify is None and session is not None and session.verify is False):
        warnings.warn(
            "certificate verification is off: anyone on the network path can read the"
            " api key and change the panel's answers",
            InsecureTransportWarning,
            stacklevel=3,
        )


def _check_user_agent(user_agent: str) -> str:
    try:
        user_agent.encode("latin-1")  # what HTTP headers can carry
    except UnicodeEncodeError:
        raise ConfigurationError(f"user_agent must be latin-1 text, not {user_agent!r}") from None
    if not user_agent.strip() or "\r" in user_agent or "\n" in user_agent:
        raise ConfigurationError(f"user_agent must be one non-empty line, not {user_agent!r}")
    return user_agent


def _check_max_answer_bytes(cap: object) -> None:
    if isinstance(cap, bool) or not isinstance(cap, int) or cap <= 0:
        raise ConfigurationError(f"max_answer_bytes must be a positive whole number, not {cap!r}")


def _form(values: Mapping[str, ParamValue]) -> dict[str, str]:
    """The form fields for `values`: lists one item per line, `None` left out."""
    form: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            form[name] = "1" if value else "0"
        elif isinstance(value, (str, int, Decimal, float)):
            if isinstance(value, str) and not value.strip():
                raise InvalidArgumentError(f"{name} must not be empty")
            form[name] = _sendable(name, _as_text(name, value))
        elif isinstance(value, date):
            form[name] = value.strftime("%d/%m/%Y")
        elif isinstance(value, (list, tuple)):
            if not value:
                raise InvalidArgumentError(f"{name} must not be an empty list")
            form[name] = "\n".join(_line(name, item) for item in value)
        else:
            raise InvalidArgumentError(
                f"{name} must be text, a number or a list, not {shorten(value)}"
            )
    return form


def _as_text(name: str, value: str | int | Decimal | float) -> str:
    if isinstance(value, int) and abs(value) >= LARGEST_NUMBER:
        raise InvalidArgumentError(f"{name} must have at most {MAX_DIGITS} digits")
    if isinstance(value, (float, Decimal)) and not _plausible_number(value):
        raise InvalidArgumentError(f"{name} must be a finite, reasonable number, not {value!r}")
    if isinstance(value, str) and any(char in _CONTROL for char in value):
        raise InvalidArgumentError(
            f"{name} must not hold control characters (such as NUL or a line break in one"
            f" line), not {shorten(value)}"
        )
    return str(value)


def _plausible_number(value: float | Decimal) -> bool:
    number = Decimal(value) if isinstance(value, float) and isfinite(value) else value
    return isinstance(number, Decimal) and number.is_finite() and number.adjusted() <= 30


# Every control character but the line feed and tab that multi-line values (comments,
# usernames) carry; the link and single-line values take no line feed either.
_CONTROL = frozenset(chr(code) for code in [*range(0, 9), *range(11, 32), 127])


def _check_extra_names(params: Mapping[str, object]) -> None:
    """Refuse extra parameter names a panel could read as another field: PHP drops a
    leading space (" action") and reads "a[]" as an array."""
    for name in params:
        if name.lower() in _RESERVED_PARAMS:
            raise InvalidArgumentError(f"{name!r} cannot be passed as an extra parameter")
        if not _PLAIN_NAME.fullmatch(name):
            raise InvalidArgumentError(
                f"extra parameter name {name!r} must be a plain identifier (letters, digits"
                " and _, not starting with a digit)"
            )


def _setting(value: object, name: str, variable: str) -> str:
    """The url or key given, else the environment's, checked to be text HTTP can carry;
    a bad key is never quoted."""
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"{name} must be text (str), not {type(value).__name__}")
    text = (value or os.environ.get(variable) or "").strip()
    if not text:
        raise ConfigurationError(
            f"no {name.replace('_', ' ')}: pass {name} or set the {variable} environment variable"
        )
    source = name if value else f"the {variable} environment variable"
    if not _encodes(text) or not text.isprintable():
        raise ConfigurationError(
            f"{source} holds characters that cannot be sent (undecodable bytes or control"
            " characters)"
        )
    if name == "api_key" and not text.isascii():
        # Panel keys are ASCII; another alphabet could also hide from the key scrubbing.
        raise ConfigurationError(f"{source} must be ASCII text, as panel keys are")
    return text


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes the environment could not decode
        return False
    return True


def _sendable(name: str, text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{name} has text that cannot be sent: {text!r}") from None
    return text


def _line(name: str, item: object) -> str:
    if isinstance(item, bool) or not isinstance(item, (str, int)):
        raise InvalidArgumentError(f"each item of {name} must be text, not {item!r}")
    text = _sendable(name, _as_text(name, item))
    if "\n" in text or "\r" in text or not text.strip():
        raise InvalidArgumentError(
            f"each item of {name} must be one non-empty line (items are sent one per line),"
            f" not {text!r}"
        )
    return text
