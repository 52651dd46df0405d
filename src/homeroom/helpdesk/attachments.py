"""Photo attachments: checked by their first bytes (never by their name), limited in size,
and stored under the data folder, outside anything the web server serves directly."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


@dataclass(frozen=True)
class Photo:
    """An uploaded photo that passed the checks, held in memory until it is stored."""

    file_name: str
    content_type: str
    extension: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def image_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG, WebP or HEIC file from its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic", "heic"
    return None


def _safe_name(name: str | None) -> str:
    """A file name fit for a header and a page: letters, digits, dashes, dots."""
    try:
        return get_valid_filename(Path(name or "photo").name)[:200]
    except SuspiciousFileOperation:
        return "photo"


def check_photos(files) -> list[Photo]:
    """Read and check every uploaded file; raise ValidationError naming each bad one, so
    nothing is stored unless all of them are photos of an allowed size."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError(f"Attach at most {MAX_FILES} photos at a time.")
    photos, problems = [], []
    for upload in files:
        name = _safe_name(upload.name)
        if upload.size > MAX_BYTES:
            problems.append(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
            continue
        data = upload.read()
        found = image_type(data[:16])
        if found is None:
            problems.append(f"{name} is not a JPEG, PNG, WebP or HEIC photo.")
            continue
        photos.append(Photo(name, found[0], found[1], data))
    if problems:
        raise ValidationError(problems)
    return photos


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "helpdesk"


def store(photo: Photo, ticket_id: int) -> Path:
    """Write the photo under the data folder, named by its content, and return the path."""
    directory = folder() / str(ticket_id)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{photo.sha256}.{photo.extension}"
    if not path.exists():
        path.write_bytes(photo.data)
    return path.resolve()
