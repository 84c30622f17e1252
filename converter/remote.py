"""What every command that talks to a SPARQL endpoint shares: URL checks and credentials.

Credentials come from ``CSKG_ENDPOINT_USER`` / ``CSKG_ENDPOINT_PASSWORD``, else from
``~/.netrc`` for the endpoint's host; never from the command line, and never printed
(``public_url`` strips them from URLs shown in messages).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import netrc
import os
import re
import urllib.error
import urllib.parse
import urllib.request

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


# What each URL asked for, probed once per process: ("basic" | "digest", realm).
PROBE_GRAPH = "urn:cskg:probe:absent"
_SCHEMES: dict[str, tuple[str, str]] = {}


def auth_scheme(url: str, *, timeout: float = 10) -> tuple[str, str]:
    """The authentication scheme ``url`` asks for, and its realm: ``("digest", realm)`` when an
    anonymous GET is answered 401 with a Digest challenge (Virtuoso's ``/sparql-auth``), else
    ``("basic", realm or "")``. Probed once per URL (without its query) and remembered; a server
    that does not answer the probe is taken as Basic, and its failure shows on the real request.
    The probe names a graph that does not exist (``PROBE_GRAPH``), so that a Graph Store
    answers it at once instead of sending its whole default graph.
    """
    key = public_url(url)
    if key in _SCHEMES:
        return _SCHEMES[key]
    found = ("basic", "")
    probe = f"{key}?graph={urllib.parse.quote(PROBE_GRAPH, safe='')}"
    try:
        with urllib.request.urlopen(
            urllib.request.Request(probe, method="GET"), timeout=min(timeout, 10)
        ):
            pass
    except urllib.error.HTTPError as error:
        if error.code == 401:
            challenges = error.headers.get_all("WWW-Authenticate") or []
            found = _challenge(challenges)
        _SCHEMES[key] = found
        return found
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return found  # not remembered: the server may come up before the next request
    _SCHEMES[key] = found
    return found


# (URL, user, digest of the password) whose Digest credentials passed: never the password
_ACCEPTED: set[tuple[str, str, str]] = set()


def _check_digest(
    url: str,
    credentials: tuple[str, str],
    handler: urllib.request.HTTPDigestAuthHandler,
    *,
    timeout: float,
) -> None:
    """Before the first request with a body to ``url``, the credentials are tried on its
    bodiless probe: a wrong password is answered 401 there, where a body would have been cut
    off by that 401 and reported as a broken connection.

    :raises urllib.error.HTTPError: 401, the credentials are refused.
    """
    user, password = credentials
    key = (public_url(url), user, hashlib.sha256(password.encode()).hexdigest())
    if key in _ACCEPTED:
        return
    challenge = _fresh_challenge(url, timeout=timeout)
    probe = urllib.request.Request(
        f"{public_url(url)}?graph={urllib.parse.quote(PROBE_GRAPH, safe='')}", method="GET"
    )
    answer = handler.get_authorization(probe, challenge) if challenge else None
    if answer is None:
        return
    probe.add_unredirected_header("Authorization", f"Digest {answer}")
    try:
        with urllib.request.urlopen(probe, timeout=min(timeout, 10)):
            pass
    except urllib.error.HTTPError as error:
        if error.code == 401:
            raise
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return  # not remembered: the real request says what is wrong
    _ACCEPTED.add(key)


def _fresh_challenge(url: str, *, timeout: float) -> dict[str, str] | None:
    """The Digest challenge (realm, nonce…) that a bodiless GET of ``url``'s probe gets, or None.

    A request with a body is sent once, already authenticated with this fresh nonce: sent
    anonymously first (as urllib's Digest handler does), a body of some megabytes is cut off
    by the server's early 401 (Virtuoso resets the connection: broken pipe), and the publish
    of any real graph failed.
    """
    probe = f"{public_url(url)}?graph={urllib.parse.quote(PROBE_GRAPH, safe='')}"
    try:
        with urllib.request.urlopen(
            urllib.request.Request(probe, method="GET"), timeout=min(timeout, 10)
        ):
            return None
    except urllib.error.HTTPError as error:
        for header in error.headers.get_all("WWW-Authenticate") or []:
            kind, _, rest = header.strip().partition(" ")
            if error.code == 401 and kind.lower() == "digest":
                items = urllib.request.parse_http_list(rest)
                return dict(urllib.request.parse_keqv_list(items))
        return None
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return None


def _challenge(headers: list[str]) -> tuple[str, str]:
    """``("digest", realm)`` when one of the ``WWW-Authenticate`` headers asks Digest, else
    ``("basic", realm)``.

    >>> _challenge(['Digest realm="SPARQL", nonce="ab", qop="auth", algorithm="MD5"'])
    ('digest', 'SPARQL')
    >>> _challenge(['Basic realm="fuseki"'])
    ('basic', 'fuseki')
    """
    scheme, realm = "basic", ""
    for header in headers:
        match = re.search(r'realm="([^"]*)"', header)
        if header.strip().lower().startswith("digest"):
            return "digest", match.group(1) if match else ""
        if match:
            realm = match.group(1)
    return scheme, realm


def open_url(
    request: urllib.request.Request, credentials: tuple[str, str] | None, *, timeout: float
) -> http.client.HTTPResponse:
    """Send ``request``, with ``credentials`` when given: Basic sent with the request, or Digest
    answered to the server's challenge when the URL asks Digest (``auth_scheme``). The password
    goes in clear only to a server that asks Basic (or does not ask at all).

    :raises urllib.error.HTTPError, urllib.error.URLError, OSError: as ``urlopen``.
    """
    if not credentials:
        return urllib.request.urlopen(request, timeout=timeout)  # type: ignore[no-any-return]
    scheme, _ = auth_scheme(request.full_url, timeout=timeout)
    if scheme == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, public_url(request.full_url), *credentials)
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        if request.data is not None:
            _check_digest(request.full_url, credentials, handler, timeout=timeout)
        challenge = _fresh_challenge(request.full_url, timeout=timeout)
        answer = handler.get_authorization(request, challenge) if challenge else None
        if answer is None:  # no challenge to answer: let the handler meet the server's own
            opener = urllib.request.build_opener(handler)
            return opener.open(request, timeout=timeout)  # type: ignore[no-any-return]
        request.add_unredirected_header("Authorization", f"Digest {answer}")
        return urllib.request.urlopen(request, timeout=timeout)  # type: ignore[no-any-return]
    token = base64.b64encode(":".join(credentials).encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    return urllib.request.urlopen(request, timeout=timeout)  # type: ignore[no-any-return]
