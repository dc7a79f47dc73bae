"""smmpanel: a typed, safe client for the SMM panel API v2.

>>> from smmpanel import Client
>>> with Client("https://panel.example/api/v2", "your-key") as client:  # doctest: +SKIP
...     print(client.balance())
"""

__version__ = "0.2.0"

from ._catalogdiff import CatalogDiff, PriceChange, ServiceChange
from ._client import Client
from ._errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    InsecureTransportWarning,
    InsufficientFundsError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    SMMPanelError,
    TransportError,
    WaitTimeout,
)
from ._lifecycle import OrderTracker, StatusChange
from ._models import (
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
    Status,
)
from ._results import CancelResults, RefillResults, RefillStatusResults, ResultList, StatusMap
from ._retry import RetryPolicy

__all__ = [
    "APIError",
    "AuthenticationError",
    "Balance",
    "CancelResult",
    "CancelResults",
    "CatalogDiff",
    "Client",
    "ConfigurationError",
    "Id",
    "InsecureTransportWarning",
    "InsufficientFundsError",
    "InvalidArgumentError",
    "ItemError",
    "OrderCreated",
    "OrderStatus",
    "OrderTracker",
    "OutcomeUnknownError",
    "PriceChange",
    "RateLimitError",
    "RefillCreated",
    "RefillResult",
    "RefillResults",
    "RefillStatus",
    "RefillStatusResult",
    "RefillStatusResults",
    "ResponseError",
    "ResultList",
    "RetryPolicy",
    "SMMPanelError",
    "Service",
    "ServiceChange",
    "ServiceList",
    "Status",
    "StatusChange",
    "StatusMap",
    "TransportError",
    "WaitTimeout",
    "__version__",
]
