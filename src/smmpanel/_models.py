"""Typed answers of the panel API v2.

Attribute names are the wire's field names and unknown fields are kept. Parsing is
lenient (numbers as strings or JSON numbers, blanks and words like "Unknown" in optional
counts, money formatted for humans) while the attributes are strictly typed: money is
`Decimal`, counts are `int`, ids stay exactly as the panel sent them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Final, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainValidator,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticSerializationUnexpectedValue, core_schema

from ._errors import shorten

__all__ = [
    "AnyModel",
    "Balance",
    "CancelResult",
    "Id",
    "ItemError",
    "Money",
    "NewId",
    "OrderCreated",
    "OrderStatus",
    "PanelModel",
    "RefillCreated",
    "RefillResult",
    "RefillStatus",
    "RefillStatusResult",
    "Service",
    "ServiceList",
    "Status",
    "id_problem",
    "parse_decimal",
    "parse_int",
]

if TYPE_CHECKING:
    import pandas

    from ._catalogdiff import CatalogDiff

Id = int | str
"""An order, refill or service id: an int, or a string for panels that use them."""


MAX_DIGITS: Final = 100
"""The most digits a number sent to the panel may have (Python cannot even print one of
more than about 4,300)."""
LARGEST_NUMBER: Final = 10**MAX_DIGITS


def id_problem(value: object) -> str | None:
    """What keeps `value` from being an id, or None when it is one: a positive int of at
    most `MAX_DIGITS` digits, or a non-empty string without commas or whitespace (ids
    travel comma-separated)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return "must be an int or a string id"
    if isinstance(value, int) and value >= LARGEST_NUMBER:
        return f"must have at most {MAX_DIGITS} digits"
    if isinstance(value, int):
        return None if value > 0 else "must be a positive id"
    if not value or any(char == "," or char.isspace() for char in value):
        return "must be a non-empty id without commas or spaces"
    if not value.isprintable() or not _encodes(value):
        return "must be printable text"
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _new_id(value: object) -> Id:
    if isinstance(value, str):
        value = value.strip()
        if value.lower() in _BLANKS or value.lower() in ("false", "true", "nan", "0"):
            raise ValueError(f"the new id is a placeholder, not an id: {shorten(value)}")
        if value.lstrip("-").isdigit() and int(value) <= 0:
            raise ValueError(f"the new id must be positive, not {shorten(value)}")
    problem = id_problem(value)
    if problem is not None:
        raise ValueError(f"the new id {problem}, not {shorten(value)}")
    return value  # type: ignore[return-value]  # id_problem checked it is an int or str


NewId = Annotated[Id, PlainValidator(_new_id)]
"""The id of something the panel just created; anything that cannot be an id is refused,
so that an odd answer is never taken for a real order."""

_CANONICAL_STATUSES: Final = (
    "Pending",
    "In progress",
    "Processing",
    "Partial",
    "Completed",
    "Canceled",
    "Refunded",
    "Rejected",
)
_STATUS_SPELLINGS: Final = {
    **{word.lower(): word for word in _CANONICAL_STATUSES},
    "inprogress": "In progress",
    "cancelled": "Canceled",
    "complete": "Completed",
}


def _status_lookup_key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


class Status(str):
    """A status word, spelled canonically when the panel's word is a known one.

    The panel's word is stored in its canonical spelling, so ``status == "Canceled"``
    holds whether the panel said "Cancelled", "canceled" or "CANCELED", and statuses work
    as set members and dict keys like the canonical strings. A word outside the known
    ones is kept exactly as it came.
    """

    __slots__ = ()

    def __new__(cls, raw: object) -> Status:
        """Normalise `raw` to a canonical status word when it is a known one."""
        text = str(raw).strip()
        if text not in _CANONICAL_STATUSES:  # most panels send the canonical word itself
            text = _STATUS_SPELLINGS.get(_status_lookup_key(text), text)
        return super().__new__(cls, text)

    def __repr__(self) -> str:
        return f"Status({str.__repr__(self)})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._from_wire,
            serialization=core_schema.plain_serializer_function_ser_schema(cls._to_wire),
        )

    @staticmethod
    def _to_wire(value: object) -> str:
        # Only a status is written as its word: in `Status | ItemError` an error must be
        # left to its own serializer, not turned into the text of its message.
        if not isinstance(value, Status):
            raise PydanticSerializationUnexpectedValue(f"not a status: {type(value).__name__}")
        return str(value)

    @classmethod
    def _from_wire(cls, value: object) -> Status:
        if isinstance(value, Status):
            return value
        if isinstance(value, str) and value.strip():
            return cls(value)
        raise ValueError(f"not a status word: {shorten(value)}")

    @property
    def is_known(self) -> bool:
        """Whether the panel used one of the canonical status words."""
        return str(self) in _CANONICAL_STATUSES

    @property
    def is_final(self) -> bool:
        """Whether the order (or refill) can no longer change: completed, partial,
        canceled, refunded or rejected."""
        return str(self) in ("Partial", "Completed", "Canceled", "Refunded", "Rejected")


# --- lenient scalar parsing -------------------------------------------------------
#
# Each lenient type is a left-to-right union: pydantic's own lax validator first, so the
# common shapes ("0.90", 0.9, "50", 50) are parsed without calling Python, and a Python
# fallback only for what panels send beyond that.

_BLANKS: Final = frozenset({"", "-", "--", "n/a", "na", "none", "null", "unknown", "undefined"})
_LARGEST_EXPONENT: Final = 30  # "1e999999" must fail fast, not build a huge int
_THOUSANDS: Final = re.compile(r"[-+]?\d{1,3}(,\d{3})+")
_MONEY_NOISE: Final = re.compile(r"[^\d.,\-+eE]")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _BLANKS)


def parse_decimal(value: object) -> Decimal:
    """Read a money amount such as "0.90", 0.9, "1,234.50", "$12.50" or "12,50 USD"."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(f"not an amount: {shorten(value)}")
    text = _MONEY_NOISE.sub("", str(value))
    if "," in text and "." in text:  # the one that comes last separates the decimals
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        if _THOUSANDS.fullmatch(text) and not text.lstrip("-+").startswith("0,"):
            text = text.replace(",", "")  # "1,234" or "12,345,678"
        else:
            text = text.replace(",", ".", 1)  # a decimal comma: "0,90", "12,5"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {shorten(value)}") from None
    if not amount.is_finite() or amount.adjusted() > _LARGEST_EXPONENT:
        raise ValueError(f"not a plausible amount: {shorten(value)}")
    return amount


def parse_int(value: object) -> int:
    """Read a count such as "3572", 3572, "3,572" or "3572.0"."""
    if isinstance(value, bool):
        raise ValueError(f"not a count: {shorten(value)}")
    amount = parse_decimal(value)
    if amount != amount.to_integral_value():
        raise ValueError(f"not a whole count: {shorten(value)}")
    return int(amount)


def _optional(parse: Any) -> Any:
    def parse_or_none(value: object) -> Any:
        return None if _is_blank(value) else parse(value)

    return parse_or_none


def _parse_flag(value: object) -> bool:
    if _is_blank(value):
        return False
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("yes", "true", "1", "on", "enabled", "y"):
            return True
        if word in ("no", "false", "0", "off", "disabled", "n"):
            return False
    if isinstance(value, (int, float)):
        return bool(value)
    raise ValueError(f"not a yes/no value: {shorten(value)}")


Money = Annotated[Decimal, Field(allow_inf_nan=False)]
_optional_decimal = _optional(parse_decimal)
_optional_int = _optional(parse_int)


# --- models -----------------------------------------------------------------------


AnyModel = TypeVar("AnyModel", bound="PanelModel")


class PanelModel(BaseModel):
    """Base of every answer model: unknown fields are kept, numbers read as text."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, defer_build=True)

    # Readers of what panels send beyond pydantic's own lax parsing ("1,234.50",
    # "Unknown", "yes"), by field. They run only when a plain validation fails, so the
    # common shapes are parsed without calling Python at all.
    _lenient: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    @classmethod
    def from_answer(cls: type[AnyModel], data: Any) -> AnyModel:
        """Validate one item of a panel's answer, leniently: when the plain validation
        fails, the fields that have a lenient reader are read again with it."""
        try:
            return cls.model_validate(data)
        except ValidationError:
            if not isinstance(data, dict) or not cls._lenient:
                raise
        fixed = dict(data)
        for name, read in cls._lenient.items():
            if name in fixed:
                with contextlib.suppress(ValueError, TypeError, ArithmeticError):
                    fixed[name] = read(fixed[name])
        return cls.model_validate(fixed)

    def _repr_html_(self) -> str:
        from . import _display  # on first display: _display imports this module

        return _display.model_html(self)


class ItemError(PanelModel):
    """The panel's refusal of one item of a batch; ``str(item_error)`` is the message."""

    error: str

    def __str__(self) -> str:
        return self.error


class Service(PanelModel):
    """One entry of the panel's catalog; `rate` is the price per 1000."""

    service: Id
    name: str = ""
    type: str = "Default"
    category: str = ""
    rate: Money
    min: int
    max: int
    refill: bool = False
    cancel: bool = False
    dripfeed: bool = Field(default=False, validation_alias=AliasChoices("dripfeed", "drip_feed"))

    _lenient = {
        "rate": parse_decimal,
        "min": parse_int,
        "max": parse_int,
        "refill": _parse_flag,
        "cancel": _parse_flag,
        "dripfeed": _parse_flag,
        "drip_feed": _parse_flag,
    }

    def cost(self, quantity: int | None = None, runs: int | None = None) -> Decimal:
        """The exact price of an order: `rate` per 1000 times the quantity, times `runs` for a
        drip-feed order; a package costs its rate. Nothing is rounded."""
        from ._ordercheck import cost

        return cost(self, quantity, runs)

    def check_order(
        self,
        quantity: int | None = None,
        *,
        runs: int | None = None,
        interval: int | None = None,
        **params: Any,
    ) -> None:
        """Check an order for this service before any money moves: the quantity within
        min..max, drip-feed only where the service has it, and exactly the parameters its
        type takes. Raises `InvalidArgumentError` naming the problem and the value."""
        from ._ordercheck import check_order

        check_order(self, quantity, runs=runs, interval=interval, params=params)


class Balance(PanelModel):
    """The account's balance."""

    balance: Money
    currency: str | None = None

    _lenient = {"balance": parse_decimal}


class OrderCreated(PanelModel):
    """The answer to `add`: the new order's id."""

    order: NewId


class RefillCreated(PanelModel):
    """The answer to `refill`: the new refill's id."""

    refill: NewId


class OrderStatus(PanelModel):
    """An order's progress; `status` compares equal to the canonical status words."""

    charge: Money | None = None
    start_count: int | None = None
    status: Status
    remains: int | None = None
    currency: str | None = None

    _lenient = {"charge": _optional_decimal, "start_count": _optional_int, "remains": _optional_int}


class RefillStatus(PanelModel):
    """A refill's progress."""

    status: Status


class RefillResult(PanelModel):
    """One order's answer in `refills()`: the new refill's id, or an `ItemError`."""

    order: Id
    refill: NewId | ItemError

    @property
    def ok(self) -> bool:
        """Whether the panel created the refill."""
        return not isinstance(self.refill, ItemError)


class RefillStatusResult(PanelModel):
    """One refill's answer in `refill_statuses()`: its status, or an `ItemError`."""

    refill: Id
    status: Status | ItemError

    @property
    def ok(self) -> bool:
        """Whether the panel knew the refill."""
        return not isinstance(self.status, ItemError)


class CancelResult(PanelModel):
    """One order's answer in `cancel()`: the panel's acceptance (often ``1``, meaning the
    request was accepted, not that the order is already canceled), or an `ItemError`."""

    order: Id
    cancel: int | str | bool | ItemError

    @property
    def ok(self) -> bool:
        """Whether the panel accepted the cancel request (``0`` or ``false`` is a no)."""
        if isinstance(self.cancel, ItemError):
            return False
        if isinstance(self.cancel, str):
            return self.cancel.strip().lower() not in _REFUSALS
        return bool(self.cancel)


_REFUSALS: Final = frozenset({"", "0", "false", "no"})


class ServiceList(list[Service]):
    """The catalog: a list of `Service` with lookups. Entries the panel sent that could
    not be read are in `invalid`, so one odd entry never loses the rest."""

    def __init__(self, services: Iterable[Service] = (), invalid: Iterable[ItemError] = ()):
        super().__init__(services)
        self.invalid: list[ItemError] = list(invalid)

    @classmethod
    def from_json(cls, body: bytes | str) -> ServiceList:
        """Read a catalog answer that has the documented shape, in one pass over the
        bytes; raises pydantic's `ValidationError` for anything else. It also reads back
        what `to_json` wrote."""
        return cls(_services_adapter().validate_json(body))

    def to_json(self, *, indent: int | None = 2) -> str:
        """The catalog as a JSON list in the panel's own shape, unknown fields included, so
        that `from_json` (or `load`) reads back an equal list."""
        return _services_adapter().dump_json(list(self), indent=indent).decode("utf-8")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the catalog to a JSON file, to compare a later catalog against with `diff`."""
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ServiceList:
        """Read a catalog written by `save` (or a saved raw ``services`` answer)."""
        body = Path(path).read_bytes()
        try:
            return cls.from_json(body)
        except ValidationError:
            pass  # a raw panel answer with odd entries: read it entry by entry
        try:
            items = json.loads(body)
        except ValueError:
            raise ValueError(f"{os.fspath(path)!r} is not a JSON catalog") from None
        if not isinstance(items, list):
            raise ValueError(f"{os.fspath(path)!r} holds no list of services")
        return cls.from_items(items)

    def diff(self, newer: Iterable[Service]) -> CatalogDiff:
        """What changed from this catalog to `newer`, services matched by id: the services
        added, removed, and changed (with the names of the fields that changed)."""
        from ._catalogdiff import diff

        return diff(self, newer)

    @classmethod
    def from_items(cls, items: Iterable[Any]) -> ServiceList:
        """Read catalog entries one by one, keeping those that cannot be read in
        `invalid` as `ItemError`s."""
        services, invalid = [], []
        for item in items:
            try:
                services.append(Service.from_answer(item))
            except ValidationError:
                invalid.append(ItemError(error=f"unreadable service: {shorten(item)}"))
        return cls(services, invalid)

    def get(self, service: Id) -> Service | None:
        """The service with this id (``5`` and ``"5"`` are the same), or None."""
        wanted = str(service)
        return next((item for item in self if str(item.service) == wanted), None)

    def categories(self) -> list[str]:
        """The category names, in catalog order, each once."""
        return list(dict.fromkeys(item.category for item in self))

    def in_category(self, category: str) -> ServiceList:
        """The services of one category."""
        return ServiceList(item for item in self if item.category == category)

    def search(self, text: str) -> ServiceList:
        """The services whose name or category contains `text`, ignoring case."""
        needle = text.lower()
        return ServiceList(
            item for item in self if needle in item.name.lower() or needle in item.category.lower()
        )

    def _repr_html_(self) -> str:
        from . import _display  # on first display: _display imports this module

        return _display.services_html(self, len(self.invalid))

    def to_dataframe(self) -> pandas.DataFrame:
        """The catalog as a pandas data frame, one row per service: ``rate`` is float64,
        ``min`` and ``max`` are Int64, the entries in `invalid` are left out; needs the extra
        ``pip install "smmpanel[pandas]"``."""
        from . import _display

        return _display.services_frame(self)


@functools.cache
def _services_adapter() -> TypeAdapter[list[Service]]:
    # Built on first use, like the models themselves (defer_build), to keep import fast.
    return TypeAdapter(list[Service])
