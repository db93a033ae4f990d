"""Where webhooks may deliver: the SSRF safeguards, checked when an admin registers a URL and
again before every delivery (a name's addresses can change after registration).

A target must be http or https, carry no credentials, and resolve only to public unicast
addresses: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud
metadata address, fe80::/10), carrier-grade NAT, multicast, reserved and unspecified addresses
are refused unless WEBHOOK_ALLOW_PRIVATE is set. Delivery then connects to one of the vetted
addresses itself (`Target.addresses`), so a name that resolves differently a moment later (DNS
rebinding) cannot steer it inside.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from service.errors import bad_input

MAX_URL = 2048
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    url: SplitResult
    host: str
    port: int
    addresses: list[IpAddress]


def parse_url(url: str) -> SplitResult:
    """The URL split, when it is one webhooks may name at all (before any lookup)."""
    if len(url) > MAX_URL:
        raise bad_input(f"A webhook URL may have at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as error:
        raise bad_input(f"Not a URL: {url!r} ({error}).") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_input(f"A webhook URL must be http:// or https:// with a host, got {url!r}.")
    if parts.username is not None or parts.password is not None:
        raise bad_input("A webhook URL may not carry credentials; sign with the secret instead.")
    if parts.fragment:
        raise bad_input("A webhook URL may not have a #fragment.")
    return parts


def internal(address: IpAddress) -> bool:
    """Whether an address reaches inside: anything but public unicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return internal(address.ipv4_mapped)
    return not address.is_global or address.is_multicast


async def vet(url: str, allow_private: bool) -> Target:
    """The URL's target with every address it resolves to, or a BAD_USER_INPUT error saying why
    webhooks may not deliver there."""
    parts = parse_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise bad_input(f"The webhook host {host!r} does not resolve ({error}).") from error
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
    refused = [a for a in addresses if internal(a)]
    if refused and not allow_private:
        raise bad_input(
            f"The webhook host {host!r} resolves to an internal address ({refused[0]}); webhooks "
            "deliver to public addresses only (WEBHOOK_ALLOW_PRIVATE allows others)."
        )
    return Target(parts, host, port, addresses)
