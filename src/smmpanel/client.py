"""The `Client`: one method per action of the panel API v2."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from math import inf
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3
from pydantic import ValidationError

from . import __version__
from ._lifecycle import Clock, OrderTracker, Sleep, wait
from ._ordercheck import check_order
from .errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    InsecureTransportWarning,
    InsufficientFundsError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    SMMPanelError,
    shorten,
)
from .models import (
    Balance,
    CancelResult,
    Id,
    ItemError,
    OrderCreated,
    OrderStatus,
    PanelModel,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
    ServiceList,
    Status,
    id_problem,
)
from .retry import RetryPolicy
from .transport import Answer, Timeout, Transport, decode, error_message, unreadable

BATCH_SIZE = 100
"""The most ids the protocol accepts in one multi-id request."""
DEFAULT_TIMEOUT = (10.0, 30.0)
"""Seconds to connect, and to wait for the answer."""
DEFAULT_MAX_RETRIES = 2
"""How often a read is retried, unless told otherwise."""
POOL_SIZE = 16
"""Connections kept open per panel, enough for `max_workers` and a few sharing threads."""

ParamValue = str | int | Decimal | float | date | Sequence[str | int] | None
Model = TypeVar("Model", bound=PanelModel)
Result = TypeVar("Result")

_RESERVED_PARAMS = frozenset({"key", "action"})
_ERROR_WORDS = re.compile(r"error|incorrect|invalid|not found|unknown|wrong|fail|denied", re.I)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class Client:
    """A client for one SMM panel speaking the API v2.

    The url and key fall back to the ``SMMPANEL_API_URL`` and ``SMMPANEL_API_KEY``
    environment variables. Reads (services, balance, status, statuses, refill_status,
    refill_statuses) are retried on network failures; add, refill, refills and cancel
    never are once they may have reached the panel. A client may be shared by threads;
    use it as a context manager, or call `close()`, to release its connections.
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
    ) -> None:
        api_url = (api_url or os.environ.get("SMMPANEL_API_URL") or "").strip()
        api_key = (api_key or os.environ.get("SMMPANEL_API_KEY") or "").strip()
        if not api_url:
            raise ConfigurationError(
                "no api url: pass api_url or set the SMMPANEL_API_URL environment variable"
            )
        if not api_key:
            raise ConfigurationError(
                "no api key: pass api_key or set the SMMPANEL_API_KEY environment variable"
            )
        _check_url(api_url, allow_insecure_http)
        policy = retry_policy or RetryPolicy()
        if max_retries != DEFAULT_MAX_RETRIES or retry_policy is None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        _check_verify(verify, session)
        user_agent = _check_user_agent(
            user_agent or f"smmpanel/{__version__} python-requests/{requests.__version__}"
        )
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=POOL_SIZE)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        else:
            _check_session_never_resends(session)
        self._transport = Transport(
            api_url,
            api_key,
            timeout=_check_timeout(timeout),
            retry=policy,
            session=session,
            user_agent=user_agent,
            verify=verify,
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
        """The panel's catalog of services."""
        return self._transport.call("services", {}, repeatable=True, read=_read_services)

    def balance(self) -> Balance:
        """The account's balance and currency."""
        return self._single(Balance, "balance", {}, repeatable=True)

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

        The named parameters are those the protocol documents for each service type
        (drip-feed, custom comments, mentions, subscriptions, polls, web traffic); panel
        specific extras go in ``**params``. Lists are sent one item per line. Given a
        `Service` instead of an id, the order is first checked against it
        (`Service.check_order`) and nothing is sent if the check fails.
        """
        counts = {"quantity": quantity, "runs": runs, "interval": interval, "min": min, "max": max}
        for name, value in {**counts, "posts": posts}.items():
            _check_count(name, value)
        for name, value in {"old_posts": old_posts, "delay": delay}.items():
            _check_count(name, value, allow_zero=True)
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
        reserved = _RESERVED_PARAMS.intersection(params)
        if reserved:
            raise InvalidArgumentError(f"{', '.join(sorted(reserved))} cannot be overridden")
        if isinstance(service, Service):
            others = {name: value for name, value in named.items() if name not in counts}
            checked = {**others, "min": min, "max": max, **params}
            check_order(
                service, quantity, runs=runs, interval=interval, params=checked, require_link=True
            )
            service = service.service
        form = _form({"service": _check_id(service, "service"), **named, **params})
        return self._single(OrderCreated, "add", form, repeatable=False)

    def status(self, order: Id) -> OrderStatus:
        """One order's status."""
        params = {"order": str(_check_id(order, "order"))}
        return self._single(OrderStatus, "status", params, repeatable=True)

    def refill(self, order: Id) -> RefillCreated:
        """Ask for a refill of one order. Never retried once it may have reached the panel."""
        params = {"order": str(_check_id(order, "order"))}
        return self._single(RefillCreated, "refill", params, repeatable=False)

    def refill_status(self, refill: Id) -> RefillStatus:
        """One refill's status."""
        params = {"refill": str(_check_id(refill, "refill"))}
        return self._single(RefillStatus, "refill_status", params, repeatable=True)

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
    ) -> OrderTracker:
        """Follow many orders until every one is final, yielding a `StatusChange` each
        time an order's status changes (the first sighting counts as one).

        Only orders not yet final are polled, 100 to a request, every `poll` seconds. An
        order the panel cannot report on is yielded once with an `ItemError` and dropped.
        After `timeout` seconds `WaitTimeout` is raised; `clock` and `sleep` replace
        `time.monotonic` and `time.sleep`. The returned `OrderTracker` keeps the last
        status of every order seen in `.seen`, also after a failed poll.
        """
        return OrderTracker(self, orders, poll=poll, timeout=timeout, clock=clock, sleep=sleep)

    # --- batches -------------------------------------------------------------------

    def statuses(
        self, orders: Iterable[Id], *, max_workers: int = 1
    ) -> dict[Id, OrderStatus | ItemError]:
        """The statuses of many orders, keyed by the ids as you passed them.

        Ids are de-duplicated and sent 100 to a request; an order the panel could not
        report on is an `ItemError`. `max_workers` > 1 sends that many requests at once.
        """
        unique, spellings = _unique_ids(orders, "orders")
        found = self._batches(
            "status", "orders", unique, _read_statuses, _as_is,
            repeatable=True, max_workers=max_workers,
        )  # fmt: skip
        return {given: found[key] for key, forms in spellings.items() for given in forms}

    def refills(self, orders: Iterable[Id], *, max_workers: int = 1) -> list[RefillResult]:
        """Ask for refills of many orders: one result per order, in the order given."""
        return self._listed("refill", "orders", orders, _REFILLS, max_workers, repeatable=False)

    def refill_statuses(
        self, refills: Iterable[Id], *, max_workers: int = 1
    ) -> list[RefillStatusResult]:
        """The statuses of many refills: one result per refill, in the order given."""
        return self._listed(
            "refill_status", "refills", refills, _REFILL_STATUSES, max_workers, repeatable=True
        )

    def cancel(self, orders: Iterable[Id], *, max_workers: int = 1) -> list[CancelResult]:
        """Ask the panel to cancel orders: one result per order, in the order given.

        An accepted request (often ``cancel: 1``) means the panel will try to cancel, not
        that the order is already canceled: check its status later.
        """
        return self._listed("cancel", "orders", orders, _CANCELS, max_workers, repeatable=False)

    # --- plumbing --------------------------------------------------------------------

    def _single(
        self, model: type[Model], action: str, params: Mapping[str, str], *, repeatable: bool
    ) -> Model:
        def read(answer: Answer) -> Model:
            payload = decode(answer)
            try:
                return model.from_answer(payload)
            except ValidationError as exc:
                raise unreadable(answer, f"does not fit {model.__name__}: {_summary(exc)}") from exc

        return self._transport.call(action, params, repeatable=repeatable, read=read)

    def _listed(
        self,
        action: str,
        field: str,
        ids: Iterable[Id],
        listed: _Listed,
        max_workers: int,
        *,
        repeatable: bool,
    ) -> list[Any]:
        unique, _ = _unique_ids(ids, field)
        found = self._batches(
            action, field, unique, listed.read, listed.failed,
            repeatable=repeatable, max_workers=max_workers,
        )  # fmt: skip
        return [found[str(item)] for item in unique]

    def _batches(
        self,
        action: str,
        field: str,
        ids: list[Id],
        read: Callable[[list[Id], Any], dict[str, Result]],
        failed: Callable[[Id, ItemError], Result],
        *,
        repeatable: bool,
        max_workers: int,
    ) -> dict[str, Result]:
        """Send `ids` in chunks of `BATCH_SIZE` and merge what `read` makes of each answer,
        keyed by the ids' text. An id the panel refused or left out gets what `failed`
        makes of an `ItemError`, so one bad item never loses the rest."""
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise InvalidArgumentError(
                f"max_workers must be a whole number >= 1, not {max_workers!r}"
            )
        chunks = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]

        def run(chunk: list[Id]) -> dict[str, Result]:
            params = {field: ",".join(str(item) for item in chunk)}

            def read_chunk(answer: Answer) -> dict[str, Result]:
                payload = decode(answer)
                try:
                    return read(chunk, payload)
                except ValueError as exc:  # the answer as a whole has the wrong shape
                    raise unreadable(answer, str(exc)) from exc

            try:
                found = self._transport.call(action, params, repeatable=repeatable, read=read_chunk)
            except (AuthenticationError, InsufficientFundsError, RateLimitError):
                raise
            except APIError as error:
                if error.status_code is not None and RetryPolicy.is_retryable_status(
                    error.status_code
                ):
                    raise  # an outage, not a verdict on these ids
                # The panel refused this whole chunk, e.g. "Incorrect request".
                return {str(item): failed(item, ItemError(error=error.message)) for item in chunk}
            missing = ItemError(error="the panel's answer left this id out")
            return {
                str(item): found[str(item)] if str(item) in found else failed(item, missing)
                for item in chunk
            }

        workers = min(max_workers, len(chunks), POOL_SIZE)
        outcomes: list[dict[str, Result] | SMMPanelError] = []
        if workers == 1:
            for chunk in chunks:
                try:
                    outcomes.append(run(chunk))
                except SMMPanelError as stopped:
                    outcomes.append(stopped)
                    break
        else:
            from concurrent.futures import ThreadPoolExecutor  # only parallel batches need it

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smmpanel") as pool:
                futures = [pool.submit(run, chunk) for chunk in chunks]
            for future in futures:
                raised = future.exception()
                if raised is not None and not isinstance(raised, SMMPanelError):
                    raise raised
                outcomes.append(future.result() if raised is None else raised)

        merged: dict[str, Result] = {}
        failures: list[tuple[list[Id], SMMPanelError]] = []
        for chunk, outcome in zip(chunks, outcomes, strict=False):
            if isinstance(outcome, SMMPanelError):
                failures.append((chunk, outcome))
            else:
                merged.update(outcome)
        if not failures:
            return merged
        if repeatable:
            for chunk, error in failures:
                wait = self._slow_down_wait(error, workers)
                if wait is None:
                    raise error
                self._transport.retry.sleep(wait)  # the panel wants less at once
                merged.update(run(chunk))
            return merged
        unknown = [error for _, error in failures if isinstance(error, OutcomeUnknownError)]
        if len(chunks) == 1 or not (merged or unknown):
            raise failures[0][1]  # one request's own error says it all, or nothing was done
        # Some orders were acted on, some may or may not have been, some were not: say which.
        cause = unknown[0] if unknown else failures[0][1]
        maybe = {str(item) for chunk, error in failures if error in unknown for item in chunk}
        raise OutcomeUnknownError(
            action,
            {field: ",".join(str(item) for item in ids if str(item) in maybe)},
            str(cause),
            completed=list(merged.values()),
            unsent=[item for item in ids if str(item) not in merged and str(item) not in maybe],
        ) from cause

    def _slow_down_wait(self, error: SMMPanelError, workers: int) -> float | None:
        """How long to wait before sending again, on its own, a chunk of a parallel batch
        still refused with 429; None when it should not be, as when the panel asked for
        a longer wait than the policy allows."""
        policy = self._transport.retry
        if workers == 1 or not isinstance(error, RateLimitError):
            return None
        if error.retry_after is None:
            return policy.backoff(0)
        return error.retry_after if error.retry_after <= policy.retry_after_max else None


# --- reading answers ---------------------------------------------------------------------


def _read_services(answer: Answer) -> ServiceList:
    if answer.status_code == 200:
        try:  # the common case, read straight from the bytes in one pass
            return ServiceList.from_json(answer.body)
        except ValidationError:
            pass  # a dialect or an odd entry: read it item by item below
    payload = decode(answer)
    if not isinstance(payload, list):
        raise unreadable(answer, "is not a list of services")
    return ServiceList.from_items(payload)


def _as_is(_: Id, error: ItemError) -> ItemError:
    return error


def _item_error(value: Any, *, words_allowed: bool = False) -> ItemError | None:
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


def _read_item(model: type[Model], value: Any) -> Model | ItemError:
    error = _item_error(value)
    if error is not None:
        return error
    try:
        return model.from_answer(value)
    except ValidationError as exc:
        return ItemError(error=f"unreadable answer {shorten(value)}: {_summary(exc)}")


def _read_statuses(chunk: list[Id], payload: Any) -> dict[str, OrderStatus | ItemError]:
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


class _Listed:
    """Reads answers that list ``{id_field: id, value_field: value}`` objects into
    `model`, one per id, with the id spelled as the caller sent it.

    Items are matched by position only when none names its id and there is exactly one
    item per id.
    """

    def __init__(
        self, model: type[PanelModel], id_field: str, value_field: str, *, words: bool = False
    ) -> None:
        self.model = model
        self.id_field = id_field
        self.value_field = value_field
        self.words = words

    def failed(self, item_id: Id, error: ItemError) -> Any:
        return self.model.model_validate({self.id_field: item_id, self.value_field: error})

    def read(self, chunk: list[Id], payload: Any) -> dict[str, Any]:
        if isinstance(payload, dict) and self.value_field in payload and len(chunk) == 1:
            payload = [payload]  # one id answered in the single form, {"refill": "77"}
        elif isinstance(payload, dict):  # keyed by id instead of a list
            payload = [
                {self.id_field: key, self.value_field: value} for key, value in payload.items()
            ]
        if not isinstance(payload, list):
            raise ValueError(f"is not a list: {shorten(payload)}")
        items = [item for item in payload if isinstance(item, dict)]
        # Items are matched by position only when none of them says which id it is for.
        by_position = len(items) == len(chunk) and not any(map(self._names_id, items))
        by_id = {str(item): item for item in chunk}
        found: dict[str, Any] = {}
        for position, item in enumerate(items):
            key = str(chunk[position]) if by_position else self._id_of(item)
            if key not in by_id:
                continue
            error: ItemError | None
            if self.value_field not in item:
                error = _item_error(item) or ItemError(error=f"unreadable answer {shorten(item)}")
            else:
                error = _item_error(item[self.value_field], words_allowed=self.words)
            result = error or _read_item(self.model, {**item, self.id_field: by_id[key]})
            if isinstance(result, ItemError):
                result = self.failed(by_id[key], result)
            found[key] = result
        return found

    def _names_id(self, item: dict[str, Any]) -> bool:
        return self.id_field in item or "id" in item

    def _id_of(self, item: dict[str, Any]) -> str:
        return str(item.get(self.id_field, item.get("id", ""))).strip()


_REFILLS = _Listed(RefillResult, "order", "refill")
_REFILL_STATUSES = _Listed(RefillStatusResult, "refill", "status", words=True)
_CANCELS = _Listed(CancelResult, "order", "cancel")


# --- checking arguments -----------------------------------------------------------------


def _check_id(value: object, what: str) -> Id:
    problem = id_problem(value)
    if problem is not None:
        raise InvalidArgumentError(f"{what} {problem}, not {value!r}")
    return value  # type: ignore[return-value]  # id_problem checked it is an int or str


def _unique_ids(ids: Iterable[Id], what: str) -> tuple[list[Id], dict[str, list[Id]]]:
    """The ids without repeats (``5`` and ``"5"`` are the same id), and every spelling
    the caller used for each."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise InvalidArgumentError(f"{what} must be an iterable of ids, not {ids!r}")
    spellings: dict[str, list[Id]] = {}
    unique: list[Id] = []
    for item in ids:
        key = str(_check_id(item, what[:-1]))
        forms = spellings.setdefault(key, [])
        if not forms:
            unique.append(item)
        if item not in forms:
            forms.append(item)
    if not unique:
        raise InvalidArgumentError(f"{what} is empty: pass at least one id")
    return unique, spellings


def _check_count(name: str, value: object, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    lowest = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        kind = "a whole number >= 0" if allow_zero else "a positive whole number"
        raise InvalidArgumentError(f"{name} must be {kind}, not {value!r}")


def _check_timeout(timeout: object) -> Timeout:
    def seconds(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < inf

    if seconds(timeout) or (
        isinstance(timeout, tuple) and len(timeout) == 2 and all(map(seconds, timeout))
    ):
        return timeout  # type: ignore[return-value]  # checked just above
    raise ConfigurationError(
        f"timeout must be seconds > 0, or a (connect, read) pair of them, not {timeout!r};"
        " waiting forever is not an option"
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


def _check_session_never_resends(session: requests.Session) -> None:
    """Refuse a session whose adapters would re-send a POST by themselves: urllib3 would
    then place an order twice behind this library's back."""
    for prefix, adapter in getattr(session, "adapters", {}).items():
        retry = getattr(adapter, "max_retries", None)
        if not isinstance(retry, urllib3.util.Retry) or retry.total in (0, False):
            continue

        def allows(count: int | bool | None) -> bool:
            return count is None or (count is not False and count > 0)

        methods = retry.allowed_methods
        posts = methods is None or "POST" in {method.upper() for method in methods}
        # Errors after sending ("other") are retried whatever the method; read errors and
        # statuses only for the methods allowed. Only connect retries are always safe.
        if allows(retry.other) or (posts and (allows(retry.read) or allows(retry.status))):
            raise ConfigurationError(
                f"the session's adapter for {prefix!r} retries requests after sending them"
                " (its urllib3 Retry), which could place an order twice: give it"
                " max_retries=0, or Retry(other=0) without POST; smmpanel itself retries"
                " what is safe to retry"
            )


def _check_url(url: str, allow_insecure_http: bool) -> None:
    if "://" not in url:  # never quote it: it may be the key, passed in the url's place
        raise ConfigurationError(
            "api url does not start with https:// (were the url and the key swapped?)"
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise ConfigurationError(f"api url {url!r} is not a url: {exc}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(f"api url {url!r} must be an http(s) url with a host")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
        raise ConfigurationError(
            f"api url {url!r} is plain http, which sends the api key unencrypted: use https,"
            " or pass allow_insecure_http=True"
        )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
            form[name] = _sendable(name, str(value))
        elif isinstance(value, date):
            form[name] = value.strftime("%d/%m/%Y")
        elif isinstance(value, (list, tuple)):
            if not value:
                raise InvalidArgumentError(f"{name} must not be an empty list")
            form[name] = "\n".join(_line(name, item) for item in value)
        else:
            raise InvalidArgumentError(f"{name} must be text, a number or a list, not {value!r}")
    return form


def _sendable(name: str, text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{name} has text that cannot be sent: {text!r}") from None
    return text


def _line(name: str, item: object) -> str:
    if isinstance(item, bool) or not isinstance(item, (str, int)):
        raise InvalidArgumentError(f"each item of {name} must be text, not {item!r}")
    text = _sendable(name, str(item))
    if "\n" in text or "\r" in text or not text.strip():
        raise InvalidArgumentError(
            f"each item of {name} must be one non-empty line (items are sent one per line),"
            f" not {text!r}"
        )
    return text


def _summary(exc: ValidationError) -> str:
    # pydantic's own message repeats the input values; name only the fields at fault.
    fields = sorted({".".join(str(part) for part in error["loc"][:1]) for error in exc.errors()})
    return "bad or missing " + ", ".join(name or "value" for name in fields)
