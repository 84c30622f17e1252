"""What every command that talks to a SPARQL endpoint shares: URL checks and credentials.

Credentials come from ``CSKG_ENDPOINT_USER`` / ``CSKG_ENDPOINT_PASSWORD``, else from
``~/.netrc`` for the endpoint's host; never from the command line, and never printed
(``public_url`` strips them from URLs shown in messages).
"""

from __future__ import annotations

import netrc
import os
import urllib.parse

from converter.errors import UsageError

# The named graph ``cskg publish`` replaces and ``cskg query --endpoint`` reads by default.
DEFAULT_GRAPH = "https://w3id.org/cskg/graph/actions"


def check_endpoint_url(url: str, *, option: str = "--endpoint") -> str:
    """``url`` when it is an absolute http(s) URL with a host and a valid port.

    >>> check_endpoint_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'

    :raises UsageError: otherwise (the message names ``option``).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} : URL http(s) attendue, pas « {url} »")
    if port == 0:
        raise UsageError(f"{option} : port invalide dans « {public_url(url)} »")
    return url


def credentials_for(url: str) -> tuple[str, str] | None:
    """From the environment, else from ``~/.netrc`` for the URL's host, else None."""
    user = os.environ.get("CSKG_ENDPOINT_USER")
    if user:
        return user, os.environ.get("CSKG_ENDPOINT_PASSWORD", "")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if found and found[0]:
        return found[0], found[2] or ""
    return None


def public_url(url: str) -> str:
    """``url`` without user information, query or fragment, for messages.

    >>> public_url("http://moi:secret@example.org:8890/sparql?x=1")
    'http://example.org:8890/sparql'
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return "(URL invalide)"
    netloc = parts.hostname or ""
    if port:
        netloc += f":{port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
