"""A loopback HTTP proxy that injects faults between cskg and a real SPARQL server.

Each rule matches a method, a path prefix and, when given, a text the body holds (one step of a
publish: ``MOVE``, ``INSERT DATA``…), and is used ``times`` times (forever when None):
``status`` answers with that HTTP status (and ``answer`` as its body), ``cut`` forwards half of the request body then drops
both connections (an upload cut off), ``hang`` answers nothing for ``seconds``, ``lost`` lets
the server run the request and then drops the connection before the answer reaches the client.
Requests that no rule matches are forwarded unchanged.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class Rule:
    method: str
    path: str
    action: str  # "status", "cut", "hang" or "lost"
    status: int = 500
    times: int | None = None
    seconds: float = 3.0
    body: bytes = b""  # matched when the request body holds it
    answer: bytes = b""  # body of a "status" answer (a server's error text)


@dataclass
class FaultProxy:
    upstream: str  # http://127.0.0.1:PORT
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, outcome
    authorizations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rule = proxy._match(self.command, self.path, body)
                outcome = rule.action if rule else "forward"
                proxy.seen.append((self.command, self.path, outcome))
                proxy.authorizations.append(self.headers.get("Authorization", ""))
                if rule is None:
                    self._forward(body)
                elif rule.action == "status":
                    self.send_response(rule.status)
                    self.send_header("Content-Length", str(len(rule.answer)))
                    self.end_headers()
                    self.wfile.write(rule.answer)
                elif rule.action == "hang":
                    time.sleep(rule.seconds)
                    self.close_connection = True
                elif rule.action == "cut":
                    self._cut(body)
                elif rule.action == "lost":
                    self._send_upstream(body)  # the server runs it…
                    self.close_connection = True  # …and its answer never arrives

            def _send_upstream(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                target = urllib.parse.urlsplit(proxy.upstream)
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.status, response.getheaders(), response.read()
                connection.close()
                return answer

            def _forward(self, body: bytes) -> None:
                status, headers, data = self._send_upstream(body)
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _cut(self, body: bytes) -> None:
                target = urllib.parse.urlsplit(proxy.upstream)
                with socket.create_connection((target.hostname, target.port), timeout=5) as raw:
                    head = f"{self.command} {self.path} HTTP/1.1\r\n"
                    for key, value in self.headers.items():
                        head += f"{key}: {value}\r\n"
                    raw.sendall(head.encode() + b"\r\n" + body[: len(body) // 2])
                self.close_connection = True  # the client gets no answer

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _match(self, method: str, path: str, body: bytes) -> Rule | None:
        for rule in self.rules:
            if (
                rule.method == method
                and path.startswith(rule.path)
                and rule.body in body
                and rule.times != 0
            ):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def publish_steps(*, store: str, query: str, update: str) -> list[tuple[str, str, bytes, bool]]:
    """Every request of a publish, as a rule matches it: (method, path, text of its body, whether
    the staging graph goes by Graph Store), for a server's Graph Store, query and update paths.
    Counts are form-encoded queries, named here by the graph they count; a Graph Store load
    in parts is a PUT then POSTs (``publish.STORE_PART_TRIPLES``)."""
    by_graph_store = [
        ("PUT", store, b""),  # the first part (the tests make parts small enough for two)
        ("POST", store, b""),  # a following part
        ("POST", query, b"urn%3Acskg%3Astaging"),  # count of the staging graph
        ("POST", update, b"MOVE"),
        ("POST", query, b"example.org%2Fgraph"),  # count of the published graph
    ]
    by_updates = [
        ("POST", update, b"DROP SILENT"),
        ("POST", update, b"INSERT DATA"),
        ("POST", update, b"MOVE"),
    ]
    return [(*step, True) for step in by_graph_store] + [(*step, False) for step in by_updates]
