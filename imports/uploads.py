"""Uploads waiting for the user's confirmation, in a private directory of this instance.

An upload is read once (`imports.workbook.read_upload`); what is kept is its parsed rows and
the preview's report as JSON (never the workbook, never pickle), in
`NTM_IMPORT_UPLOAD_DIR/<user id>/<token>.json`, directories mode 0700 and files 0600. The
preview is drawn from the stored report, the apply re-validates the stored rows against the
database. Files go on apply, on cancel and after `MAX_AGE`; each user has a quota of pending
uploads (`NTM_IMPORT_MAX_PENDING`, `NTM_IMPORT_MAX_PENDING_BYTES`).
"""

import json
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_AGE = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # also when it existed with wider rights
    return path


def _user_dir(user) -> Path:
    root = _private_dir(Path(settings.NTM_IMPORT_UPLOAD_DIR))
    return _private_dir(root / str(user.pk))


def _path(user, token: str, suffix: str) -> Path:
    if not TOKEN.match(token):
        raise ValueError("bad token")
    return _user_dir(user) / f"{token}{suffix}"


def _write_private(path: Path, chunks) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


def quota_error(user, incoming: int) -> str:
    """Why `user` may not add an upload of `incoming` bytes now, or ""."""
    pending = list(_user_dir(user).glob("*.json"))
    if len(pending) >= settings.NTM_IMPORT_MAX_PENDING:
        return _(
            "Bạn đang có %(n)s tệp chờ xác nhận: hãy ghi hoặc hủy bớt trước khi tải tệp mới."
        ) % {"n": len(pending)}
    used = sum(p.stat().st_size for p in pending)
    if used + incoming > settings.NTM_IMPORT_MAX_PENDING_BYTES:
        return _(
            "Các tệp chờ xác nhận của bạn đã chiếm %(used)s MB (giới hạn %(limit)s MB): hãy ghi "
            "hoặc hủy bớt trước khi tải tệp mới."
        ) % {
            "used": f"{used / 1e6:.1f}",
            "limit": f"{settings.NTM_IMPORT_MAX_PENDING_BYTES / 1e6:.0f}",
        }
    return ""


def save_workbook(user, token: str, upload: UploadedFile) -> Path:
    """The uploaded workbook, to be read once and removed right after (`discard_workbook`)."""
    path = _path(user, token, ".xlsx")
    _write_private(path, upload.chunks())
    return path


def discard_workbook(user, token: str) -> None:
    _path(user, token, ".xlsx").unlink(missing_ok=True)


def store(user, token: str, data: dict) -> None:
    path = _path(user, token, ".json")
    partial = path.with_suffix(".part")
    _write_private(partial, [json.dumps(data, ensure_ascii=False).encode()])
    partial.replace(path)


def load(user, token: str) -> dict | None:
    try:
        path = _path(user, token, ".json")
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None


def remove(user, token: str) -> None:
    for suffix in (".json", ".xlsx", ".part"):
        _path(user, token, suffix).unlink(missing_ok=True)


def remove_expired(now: float | None = None) -> int:
    """Remove every user's uploads older than MAX_AGE; returns how many files went."""
    root = Path(settings.NTM_IMPORT_UPLOAD_DIR)
    if not root.is_dir():
        return 0
    cutoff = (now or time.time()) - MAX_AGE
    removed = 0
    for path in root.glob("*/*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile by the apply or cancel of another request
    return removed
