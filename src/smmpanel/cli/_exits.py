"""The command's exit codes, and which error maps to which."""

from __future__ import annotations

from .. import (
    APIError,
    ConfigurationError,
    InvalidArgumentError,
    OutcomeUnknownError,
    ResponseError,
    SMMPanelError,
    TransportError,
    WaitTimeout,
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_OUTCOME_UNKNOWN = 3
EXIT_PARTIAL = 4
EXIT_UNREACHABLE = 5
EXIT_TIMEOUT = 6
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0    everything succeeded
  1    the panel refused (an API error, or every item of a batch)
  2    usage error: a bad argument, option or configuration; nothing was sent
  3    the outcome is unknown: a write may have reached the panel
  4    a batch partly failed: some items were refused or unreadable; or an order
       followed by track or wait ended Partial, Canceled or Refunded
  5    the panel could not be reached, or answered unreadably
  6    track or wait gave up: the orders were not final within --timeout
  130  interrupted (Ctrl-C)"""


class UsageError(SMMPanelError, ValueError):
    """The command line or the config file was wrong; nothing was sent."""


class Declined(SMMPanelError):
    """The user answered no to a confirmation; nothing was sent."""


def exit_code(error: BaseException) -> int:
    """The exit code for an error that ended the command."""
    if isinstance(error, OutcomeUnknownError):
        return EXIT_OUTCOME_UNKNOWN
    if isinstance(error, (UsageError, ConfigurationError, InvalidArgumentError)):
        return EXIT_USAGE
    if isinstance(error, WaitTimeout):
        return EXIT_TIMEOUT
    if isinstance(error, (TransportError, ResponseError)):
        return EXIT_UNREACHABLE
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, (APIError, SMMPanelError)):
        return EXIT_ERROR
    raise TypeError(f"no exit code for {type(error).__name__}")


def batch_exit(failed: int, total: int) -> int:
    """0 when no item failed, 1 when every item did, 4 when some did."""
    if failed == 0:
        return EXIT_OK
    return EXIT_ERROR if failed == total else EXIT_PARTIAL
