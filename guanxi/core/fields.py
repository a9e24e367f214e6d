"""Model fields with behaviour that must be the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db import models


class ByteOrderCharField(models.CharField):  # type: ignore[type-arg]
    """Text compared and sorted by code point on every database.

    SQLite compares text byte by byte already; on PostgreSQL the column gets the "C" collation, so
    a prefix range (``>= 'ab' AND < 'ac'``) and ``ORDER BY`` both use the column's plain B-tree
    index whatever the database's locale is.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
