"""smmpanel: a typed, safe client for the SMM panel API v2.

>>> from smmpanel import Client
>>> with Client("https://panel.example/api/v2", "your-key") as client:  # doctest: +SKIP
...     print(client.balance())
"""

__version__ = "0.1.0"

from ._results import CancelResults, RefillResults, RefillStatusResults, ResultList, StatusMap
from .client import Client
from .errors import (
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
)
from .models import (
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
from .retry import RetryPolicy

__all__ = [
    "APIError",
    "AuthenticationError",
    "Balance",
    "CancelResult",
    "CancelResults",
    "Client",
    "ConfigurationError",
    "Id",
    "InsecureTransportWarning",
    "InsufficientFundsError",
    "InvalidArgumentError",
    "ItemError",
    "OrderCreated",
    "OrderStatus",
    "OutcomeUnknownError",
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
    "ServiceList",
    "Status",
    "StatusMap",
    "TransportError",
    "__version__",
]
