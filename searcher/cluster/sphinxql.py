"""Talking to one ``searchd`` over SphinxQL (the MySQL protocol, through pymysql), and the
only code that writes SphinxQL text: string literals and full-text terms are escaped here.

Every failure becomes one line naming the node:

    node2 (127.0.0.1:9308) did not answer: connection refused
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import SearcherError
from .config import INDEX, STORE, Node

__all__ = ["Connection", "NodeDown", "literal", "match_term"]

CONNECT_SECONDS = 2.0
READ_SECONDS = 30.0
MAX_TERM_BYTES = 40  # Sphinx cuts longer words: such terms are sent as a hash
_PLAIN = re.compile(r"[0-9a-z_\u00e0-\u00f6\u00f8-\u00ff\u0100-\u01b4\u1ea0-\u1ef9]+")  # config.CHARSET_TABLE


class NodeDown(SearcherError):
    """A node did not answer (it is down, or not where the configuration says)."""

    def __init__(self, node: Node, reason: str):
        super().__init__(f"{node.name} ({node.address}) did not answer: {reason}")
        self.node = node


def literal(text: str) -> str:
    """A SphinxQL string literal: ``it's`` -> ``'it\\'s'``.

        >>> print(literal("x'); DROP TABLE t; -- \\\\"))
        'x\\'); DROP TABLE t; -- \\\\'
    """
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@functools.lru_cache(maxsize=1 << 16)  # called for every syllable at ingest
def match_term(term: str) -> str:
    """A term as the shards index it: itself when Sphinx keeps it whole as one word (letters of
    Vietnamese, digits), else ``zz`` and a hash of it (``covid-19``, ``23.155``, a URL, a word in
    another script), so that it is still one word at one position. Nothing returned is syntax
    of Sphinx's query language.

        >>> match_term("đoàn"), match_term("23.155"), match_term('a"|@(b)')
        ('đoàn', 'zz0ba537399a5e01c1', 'zz19b9db82d6df514a')
    """
    if _PLAIN.fullmatch(term) and len(term.encode("utf-8")) <= MAX_TERM_BYTES and not term.startswith("zz"):
        return term
    return "zz" + hashlib.blake2b(term.encode("utf-8"), digest_size=8).hexdigest()


class Connection:
    """One node's SphinxQL connection, opened on first use and again after a failure; one
    statement at a time (a lock), as the protocol allows."""

    def __init__(self, node: Node):
        self.node = node
        self._connection: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        import pymysql
        from pymysql.constants import CLIENT

        try:
            connection = pymysql.connect(
                host=self.node.host, port=self.node.port, charset="utf8mb4", autocommit=True,
                connect_timeout=CONNECT_SECONDS, read_timeout=READ_SECONDS, write_timeout=READ_SECONDS,
                client_flag=CLIENT.MULTI_STATEMENTS,
            )
        except pymysql.err.OperationalError as error:
            raise NodeDown(self.node, _reason(error)) from None
        version = str(connection.server_version or "")
        if not re.match(r"\d+\.\d+\.\d+", version) or "mysql" in version.lower() or "mariadb" in version.lower():
            connection.close()
            raise SearcherError(f"{self.node.name} ({self.node.address}) is not a Sphinx or Manticore searchd (it says {version!r})")
        with connection.cursor() as cursor:  # a node of another configuration or layout is refused at once
            cursor.execute("SHOW TABLES")
            found = {str(row[0]) for row in cursor.fetchall()}
        missing = [index for index in (self.node.shard, self.node.store, INDEX, STORE) if index not in found]
        if missing:
            connection.close()
            raise SearcherError(
                f"{self.node.name} ({self.node.address}) has no index {missing[0]} (it has {', '.join(sorted(found)) or 'none'}): "
                "it runs another configuration, or one written by another version of vnsearch; start it with the searchd.conf "
                "that `vnsearch cluster config` wrote"
            )
        return connection

    @property
    def version(self) -> str:
        with self._lock:
            if self._connection is None:
                self._connection = self._open()
            return str(self._connection.server_version)

    def run(self, statements: Sequence[str]) -> list[list[tuple[Any, ...]]]:
        """Run ``statements`` in one round trip; each one's rows. SHOW META and SHOW WARNINGS
        may follow a SELECT, as Sphinx's multi-queries allow."""
        import pymysql

        with self._lock:
            for attempt in (1, 2):  # a connection the node closed (restarted) is opened again, once
                fresh = self._connection is None
                if fresh:
                    self._connection = self._open()
                try:
                    with self._connection.cursor() as cursor:
                        cursor.execute(";\n".join(statements))
                        results = [list(cursor.fetchall())]
                        while cursor.nextset():
                            results.append(list(cursor.fetchall()))
                    return results
                except pymysql.err.ProgrammingError as error:
                    raise SearcherError(f"{self.node.name} ({self.node.address}) refused a query: {_reason(error)}") from None
                except (OSError, pymysql.err.OperationalError, pymysql.err.InterfaceError) as error:
                    self.close_quietly()
                    if fresh or attempt == 2 or not _lost(error):
                        message = _reason(error)
                        if isinstance(error, pymysql.err.OperationalError) and error.args and error.args[0] == 1064:
                            raise SearcherError(f"{self.node.name} ({self.node.address}) refused a query: {message}") from None
                        raise NodeDown(self.node, message) from None
        raise AssertionError("unreachable")

    def one(self, statement: str) -> list[tuple[Any, ...]]:
        return self.run([statement])[0]

    def close_quietly(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                pass
            self._connection = None


def _lost(error: Exception) -> bool:
    """A connection that was open and is gone (the node restarted): worth one new try."""
    code = error.args[0] if error.args else None
    return code in (2006, 2013, 0) or isinstance(error, (BrokenPipeError, ConnectionResetError))


def _reason(error: Exception) -> str:
    """pymysql's error as a short reason."""
    text = str(error.args[1] if len(error.args) > 1 else error).strip().rstrip("\x00").splitlines()[0]
    if "Connection refused" in text or "errno=111" in text:
        return "connection refused"
    if "timed out" in text:
        return "timed out"
    return text


def missing_agents(warnings: Iterable[str], nodes: Sequence[Node]) -> list[Node]:
    """The nodes named as failed agents in Sphinx's warnings
    (``index vnsearch_v3: agent 127.0.0.1:9309: connect() failed …``)."""
    found = []
    for node in nodes:
        if any(f"agent {node.host}:{node.agent_port}" in warning for warning in warnings):
            found.append(node)
    return found
