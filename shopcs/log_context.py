"""Which request (or scheduler run) the current code works for, so every log line can name it (shopcs.ops.logs).

A context variable rather than Flask's `g`: the scheduler's runs have no request, and reading it costs less than
asking Flask whether a request is active. Imports nothing, so any package may set it.
"""
from contextvars import ContextVar, Token

_current: ContextVar[str | None] = ContextVar("shopcs_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def bind_request_id(request_id: str | None) -> Token:
    """Name the work that follows; hand the token back to `unbind_request_id` when it ends."""
    return _current.set(request_id)


def unbind_request_id(token: Token) -> None:
    _current.reset(token)
