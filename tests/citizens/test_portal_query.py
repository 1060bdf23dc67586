"""The portal's query parameters are checked before they reach the index (issue 15: `/payments?before=<huge>`
was answered 500 with SQLite's own message)."""

from __future__ import annotations

import threading
from http import HTTPStatus

import pytest

from citizens.portal.server import MAX_POSITION, PortalApp


@pytest.fixture
def app() -> PortalApp:
    """Routing only: a bad query is answered before the index or the chain is asked."""
    bare = PortalApp.__new__(PortalApp)
    bare.lock = threading.Lock()
    return bare


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"before": ["9" * 120]}, "before='9999999999"),
        ({"before": [str(MAX_POSITION + 1)]}, "is not a feed position (a whole number of at most 99 digits)"),
        ({"before": ["-1"]}, "before='-1' is not a feed position"),
        ({"before": ["٣"]}, "is not a feed position"),
        ({"party": ["alice"]}, "party='alice' is not an address (0x and 40 hex digits)"),
        ({"statute": ["0x12"]}, "statute='0x12' is not an address"),
    ],
)
def test_a_bad_query_parameter_is_a_400_with_a_message(
    app: PortalApp, query: dict[str, list[str]], message: str
) -> None:
    status, kind, body = app.route("/payments", query)
    assert (status, kind) == (HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8")
    assert message in body and "sqlite" not in body.lower() and body.count("\n") == 1
