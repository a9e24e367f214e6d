"""Finding one customer written twice: facts → blocking → scoring → scan (docs/duplicates.md)."""
