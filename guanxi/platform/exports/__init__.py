"""Streamed exports of any list: CSV, XLSX and vCard writers, and the registry domains fill in.

Knows no domain. A domain registers an :class:`~guanxi.platform.exports.registry.Exporter` (its
permission check, its columns and an iterator of visible rows); :func:`export_start` checks the
permission, audits the export and returns the file as an iterator of byte chunks, so a million
rows leave through a streamed response or a command's stdout with flat memory.
"""
