"""Photos an Open311 client names by ``media_url``: fetched at once, while the client waits,
with a short time limit and the web form's size limit, from public addresses only, then
cleaned like an upload. A client hears at once when its photo cannot be taken.

Only http and https are fetched, and only from hosts whose every address is a public one: no
loopback, private, link-local or otherwise reserved network, so that the API cannot be used to
reach the town's own machines. The connection goes to the address that was checked (a second
DNS answer cannot swap it), and redirects are checked the same way. Deployments (and tests)
can allow further networks with the setting ``OPEN311_MEDIA_URL_ALLOWED_NETWORKS``, a list of
networks such as ``["127.0.0.1/32"]``; ``OPEN311_MEDIA_URL_TIMEOUT`` (seconds, default 10)
bounds the whole download.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .. import photos

TIMEOUT_SECONDS = 10  # the whole download, redirects included (OPEN311_MEDIA_URL_TIMEOUT)
MAX_REDIRECTS = 3
USER_AGENT = "Rathaus-Open311/1.0 (defect reporter; fetches media_url once)"


class MediaError(ValueError):
    """A media_url that cannot be fetched, with a message for the client."""


def allowed_networks() -> list:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in getattr(settings, "OPEN311_MEDIA_URL_ALLOWED_NETWORKS", [])
    ]


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for (the DNS boundary, replaced in tests)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise MediaError(_("The host of media_url cannot be found.")) from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_address(address: str) -> None:
    """Refuse an address that is not public, unless a setting allows its network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks()):
        return
    if not ip.is_global or ip.is_multicast:
        raise MediaError(_("media_url must point to a public address on the internet."))


def fetch_photo(url: str) -> photos.CleanedPhoto:
    """Download the photo at ``url`` and clean it; raise MediaError or photos.PhotoError."""
    content = download(url)
    name = urlsplit(url).path.rsplit("/", 1)[-1][:100] or "media_url"
    return photos.clean_photo(ContentFile(content, name=name))


def download(url: str) -> bytes:
    """The body at ``url`` (following up to three checked redirects), at most the web
    form's photo size and within the time limit."""
    timeout = getattr(settings, "OPEN311_MEDIA_URL_TIMEOUT", TIMEOUT_SECONDS)
    deadline = time.monotonic() + timeout
    for _redirect in range(MAX_REDIRECTS + 1):
        status, location, body = _get(url, deadline)
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        if status != 200:
            raise MediaError(
                _("media_url answered with HTTP status %(status)s.") % {"status": status}
            )
        return body
    raise MediaError(_("media_url redirects too often."))


def _get(url: str, deadline: float) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaError(_("media_url must be an http or https address."))
    if parts.username or parts.password:
        raise MediaError(_("media_url must not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise MediaError(_("media_url has an invalid port.")) from error
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise MediaError(_("The host of media_url cannot be found."))
    for address in addresses:
        check_address(address)
    connection = _connection(parts.scheme, parts.hostname, port, addresses[0], deadline)
    # Non-ASCII characters are sent percent-encoded; existing escapes stay as they are.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    max_bytes = settings.DEFECT_REPORTS["MAX_PHOTO_BYTES"]
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location", ""), b""
        length = response.getheader("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _too_large(max_bytes)
        chunks, size = [], 0
        while True:
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
        return 200, "", b"".join(chunks)
    except MediaError:
        raise
    except TimeoutError as error:
        raise MediaError(_("media_url took too long to answer.")) from error
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise MediaError(
            _("media_url could not be fetched: %(error)s") % {"error": error}
        ) from error
    finally:
        connection.close()


def _too_large(max_bytes: int) -> MediaError:
    return MediaError(
        _("The photo at media_url is larger than %(limit)s MB.")
        % {"limit": max_bytes // (1024 * 1024)}
    )


def _connection(scheme, host, port, address, deadline):
    if scheme == "https":
        return _PinnedHTTPSConnection(host, port, address, deadline)
    return _PinnedHTTPConnection(host, port, address, deadline)


class _Deadline:
    """Every read waits at most until the download's deadline, so that a server sending a
    byte at a time cannot hold the request open."""

    deadline = 0.0

    def recv_into(self, *args, **kwargs):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out")
        self.settimeout(remaining)
        return super().recv_into(*args, **kwargs)


class _DeadlineSocket(_Deadline, socket.socket):
    pass


class _DeadlineSSLSocket(_Deadline, ssl.SSLSocket):
    pass


def _open_socket(address, port, deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("timed out")
    return socket.create_connection((address, port), remaining)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to later."""

    def __init__(self, host, port, address, deadline):
        super().__init__(host, port)
        self.pinned_address, self.deadline = address, deadline

    def connect(self):
        raw = _open_socket(self.pinned_address, self.port, self.deadline)
        self.sock = _DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
        self.sock.deadline = self.deadline


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS; the certificate is checked against the host name."""

    def __init__(self, host, port, address, deadline):
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        super().__init__(host, port, context=context)
        self.pinned_address, self.deadline = address, deadline

    def connect(self):
        raw = _open_socket(self.pinned_address, self.port, self.deadline)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        self.sock.deadline = self.deadline
