"""The import framework: read any sheet, map its columns, dry-run, write in batches, undo.

Knows no domain. A domain registers an :class:`~guanxi.platform.imports.registry.Importer`
(contacts, accounts, orders ...) that names its fields and writes one chunk of mapped rows; the
framework does the rest (formats, mapping proposals, chunks and progress, cancel and resume,
error reports, undo).
"""
