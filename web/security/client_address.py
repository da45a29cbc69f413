"""The address a request comes from, seen through the reverse proxies we trust.

X-Forwarded-For is believed only when the direct peer is a configured proxy, and
read from the right: each trusted proxy appends the address it received from, so the
first address from the right that is not a trusted proxy is the client. Whatever a
client writes at the left of the header is never reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from fastapi import Request

Network = IPv4Network | IPv6Network
UNKNOWN = "inconnue"


def proxy_networks(configured: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ip_network(item, strict=False) for item in configured)


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    peer = request.client.host if request.client else UNKNOWN
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if _parse(hop) is None:
            # A garbled entry: nothing to its left can be vouched for.
            return peer
        if not _is_trusted(hop, trusted):
            return hop
        peer = hop
    return peer


def _parse(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _is_trusted(text: str, trusted: Sequence[Network]) -> bool:
    address = _parse(text)
    return address is not None and any(address in network for network in trusted)
