"""Serving the console with waitress (what ``callcenter run`` uses)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from waitress.server import create_server

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"  # loopback: reaching it from elsewhere is a deliberate setting
DEFAULT_PORT = 8080
DEFAULT_THREADS = 8


def make_server(
    app: Flask,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    threads: int = DEFAULT_THREADS,
) -> Any:
    """A bound waitress server for ``app`` (port 0 picks a free one: ``.effective_port``).

    ``.run()`` serves until ``.close()``; ``serve`` does both for the foreground case.
    """
    return create_server(app, host=host, port=port, threads=threads, ident="callcenter")


def serve(
    app: Flask,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    threads: int = DEFAULT_THREADS,
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted (blocks)."""
    server = make_server(app, host, port, threads=threads)
    log.info("console on http://%s:%s/", host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()
