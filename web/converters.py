"""URL converters: ``<int:...>`` limited to what a database integer holds.

Werkzeug's ``int`` accepts any number of digits; ``/calls/9223372036854775808`` would then
reach the database and fail there (a 500). Bounded, such a URL simply matches no route (404).
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

DATABASE_INT_MAX = 2**63 - 1  # BIGINT; SQLite's INTEGER


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)
