from __future__ import annotations

from typing import Any


class ModelFitError(ValueError):
    """The data cannot support the model; the message says why in words a manager understands.

    ``code`` and ``params`` let the application show the same message in the user's language
    (``analytics/explain.py``); the English text stays for logs and the command line.
    """

    def __init__(self, code: str, message: str, **params: Any):
        super().__init__(message)
        self.code = code
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": str(self), **self.params}
