"""The first bytes of real image files, enough for the type check."""

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
HEIC = b"\0\0\0\x18ftypheic" + b"\0" * 64
