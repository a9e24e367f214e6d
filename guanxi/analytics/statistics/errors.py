from __future__ import annotations


class ModelFitError(ValueError):
    """The data cannot support the model; the message says why in words a manager understands."""
