"""Rendered report files (PDF, xlsx) in `STORAGES["reports"]`, shared by every app server.

By default a file-system storage under `settings.REPORT_CACHE_DIR` (a directory the app servers
share); an S3-compatible bucket through django-storages by configuration (README). Files are
named `<variant>-<digest>.<ext>`: the variant names the report (kind, code, year, provisional,
language), the digest the data it shows, so a new version gets a new name and a reader never
sees half a file or a stale one; the older files of the variant are removed when a new one is
stored.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class ReportFileStorage(FileSystemStorage):
    """FileSystemStorage rooted at `settings.REPORT_CACHE_DIR` (read when first used and again
    after the setting changes, so tests can point it at a temporary directory)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.REPORT_CACHE_DIR)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "REPORT_CACHE_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def report_storage() -> Storage:
    return storages["reports"]


def stored_name(variant: str, digest: str, extension: str) -> str:
    return f"{variant}-{digest}.{extension}"


def read(name: str) -> bytes | None:
    """The stored file's bytes, or None when there is none."""
    storage = report_storage()
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def store(name: str, content: bytes, *, variant: str) -> None:
    """Save `content` as `name` and remove the older files of `variant`. The file system
    storage writes to a temporary file and renames it, so a concurrent reader never gets
    half a file."""
    storage = report_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(content))
        if saved != name:  # another worker stored the same file meanwhile
            storage.delete(saved)
    extension = name.rsplit(".", 1)[-1]
    _directories, files = storage.listdir("")
    for other in files:
        if other != name and other.endswith(f".{extension}") and _variant_of(other) == variant:
            storage.delete(other)


def _variant_of(name: str) -> str:
    return name.rsplit(".", 1)[0].rsplit("-", 1)[0]
