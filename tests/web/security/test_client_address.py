"""Which address a request comes from, through trusted and untrusted peers."""

from __future__ import annotations

import pytest
from fastapi import Request

from web.security.client_address import client_address, proxy_networks

TRUSTED = proxy_networks(["10.0.0.2", "10.1.0.0/16"])


def _request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "headers": headers, "client": (peer, 1234)})


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # Straight from the Internet: the header is the client's own writing.
        ("192.0.2.50", ["198.51.100.1"], "192.0.2.50"),
        ("192.0.2.50", [], "192.0.2.50"),
        # Through the proxy: the address it appended.
        ("10.0.0.2", ["203.0.113.10"], "203.0.113.10"),
        # A forged entry left of the proxy's is never reached.
        ("10.0.0.2", ["1.2.3.4, 203.0.113.10"], "203.0.113.10"),
        # Two trusted hops (a load balancer before the proxy), in one header or two.
        ("10.0.0.2", ["203.0.113.10, 10.1.4.4"], "203.0.113.10"),
        ("10.0.0.2", ["203.0.113.10", "10.1.4.4"], "203.0.113.10"),
        # Garbage where an address should be: the last trusted hop stands for the client.
        ("10.0.0.2", ["pas-une-adresse"], "10.0.0.2"),
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["2001:db8::7"], "2001:db8::7"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    assert client_address(_request(peer, *forwarded), TRUSTED) == expected


def test_no_trusted_proxy_means_the_header_is_never_read() -> None:
    assert client_address(_request("10.0.0.2", "203.0.113.10"), ()) == "10.0.0.2"
