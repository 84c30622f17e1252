"""A real Virtuoso (Debian's ``virtuoso-opensource``, 7.2) on free 127.0.0.1 ports, with a
throwaway database folder and a ``virtuoso.ini`` written here; the tests and the benchmark
start it and stop it.

Its URLs: ``/sparql`` (queries and, once ``SPARQL_UPDATE`` is granted to the ``SPARQL`` user,
updates, no authentication), ``/sparql-auth`` (Digest, user ``dba``), ``/sparql-graph-crud``
and ``/sparql-graph-crud-auth`` (Graph Store HTTP Protocol).
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from converter.endpoint import free_port

BINARY = "virtuoso-t"
ISQL = "isql-vt"
MISSING = (
    "Virtuoso absent (virtuoso-t introuvable) : `make test` l'installe "
    "(apt-get install virtuoso-opensource) ; ces tests ne passent pas sans lui"
)
USER, PASSWORD = "dba", "dba"  # a new database's administrator

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = .
CheckpointInterval = 60
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 3600
"""
# Not MaxQueryCostEstimationTime: with it set, Virtuoso 7.2.5 reads back every integral
# xsd:decimal ("31600"^^xsd:decimal) as xsd:integer.


def available() -> bool:
    return shutil.which(BINARY) is not None and shutil.which(ISQL) is not None


@dataclass
class Virtuoso:
    process: subprocess.Popen[bytes]
    folder: Path
    http: int
    sql: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    def isql(self, statement: str) -> str:
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql}", USER, PASSWORD, f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql : {statement} : {done.stdout}{done.stderr}")
        return done.stdout

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    folder: Path,
    *,
    memory_mb: int = 400,
    wait: float = 120,
    after_image: int = 2_000_000_000,
) -> Virtuoso:
    """Start Virtuoso with its database in ``folder`` (created), on two free loopback ports,
    and let the anonymous ``/sparql`` user update (as a publisher without credentials would).
    ``after_image`` is ``TransactionAfterImageLimit`` (bytes a transaction may log; Virtuoso's
    default, 50 MB, refuses the ``MOVE`` of a 100,000-action graph: error SR325).

    :raises RuntimeError: Virtuoso is not installed, or did not start.
    """
    if not available():
        raise RuntimeError(MISSING)
    shutil.rmtree(folder, ignore_errors=True)  # a throwaway database, new at each start
    folder.mkdir(parents=True)
    http = free_port()
    sql = free_port()
    while sql == http:
        sql = free_port()
    buffers = memory_mb * 1024 // 8 * 2 // 3  # 8 KiB pages, about 2/3 of the memory given
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(
            folder=folder,
            sql=sql,
            http=http,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            after_image=after_image,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [BINARY, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Virtuoso(process, folder, http, sql)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Virtuoso s'est arrêté : {server.log()}")
        try:
            with urllib.request.urlopen(server.sparql + "?query=ASK%7B%7D", timeout=5):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    else:
        server.stop()
        raise RuntimeError(f"Virtuoso n'a pas répondu en {wait:g} s : {server.log()}")
    try:
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        server.isql("DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7)")
    except BaseException:
        server.stop()
        raise
    return server
