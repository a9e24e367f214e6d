"""Where uploaded import files live while a batch may still run, resume or be imported for real.

Files are copied into ``GUANXI_DATA_DIR/imports/`` under a name the server chooses (never the
uploader's), so that a background worker reads exactly the bytes the user sent, and the SHA-256
digest tells two uploads of one file apart from two different files.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError

COPY_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^a-z0-9]")


def imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def safe_extension(file_name: str) -> str:
    """The upload's extension (it tells CSV from XLSX), reduced to letters and digits."""
    suffix = _UNSAFE.sub("", Path(file_name).suffix.lower())[:10]
    return f".{suffix}" if suffix else ""


def too_large(max_bytes: int) -> ServiceValidationError:
    megabytes = max(1, max_bytes // (1024 * 1024))
    return ServiceValidationError.for_field(
        "file",
        _(
            "The file is larger than %(limit)s MB. Split it into smaller files, or import it "
            "with the command line (guanxi import), which has no size limit."
        )
        % {"limit": megabytes},
    )


@contextmanager
def _readable(path_or_stream: str | Path | IO[bytes] | Any) -> Iterator[Any]:
    if isinstance(path_or_stream, str | Path):
        with Path(path_or_stream).open("rb") as stream:
            yield stream
        return
    if hasattr(path_or_stream, "seek"):
        path_or_stream.seek(0)
    yield path_or_stream


def store_copy(
    path_or_stream: str | Path | IO[bytes] | Any, target: Path, *, max_bytes: int | None = None
) -> str:
    """Copy into ``target`` and return the SHA-256 hex digest; nothing is left behind on error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with _readable(path_or_stream) as source, target.open("wb") as copy:
            while chunk := source.read(COPY_CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise too_large(max_bytes)
                digest.update(chunk)
                copy.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def stored_path(relative: str) -> Path:
    return Path(settings.DATA_DIR) / relative


def relative_to_data_dir(path: Path) -> str:
    return str(path.relative_to(Path(settings.DATA_DIR)))


def remove_stored(relative: str) -> None:
    if relative:
        stored_path(relative).unlink(missing_ok=True)


def remove_older_than(directory: Path, seconds: float) -> None:
    """Uploads nobody went on with (the mapping page was left) are cleared after a while."""
    if not directory.is_dir():
        return
    cutoff = time.time() - seconds
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
