"""smmpanel: a typed, safe client for the SMM panel API v2.

>>> from smmpanel import Client
>>> with Client("https://panel.example/api/v2", "your-key") as client:  # doctest: +SKIP
...     print(client.balance())
"""

__version__ = "0.2.0"

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
)
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
from ._retry import RetryPolicy

__all__ = [
    "APIError",
    "AuthenticationError",
    "Balance",
    "CancelResult",
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
    "RefillStatus",
    "RefillStatusResult",
    "ResponseError",
    "RetryPolicy",
    "SMMPanelError",
    "Service",
    "ServiceList",
    "Status",
    "TransportError",
    "__version__",
]
