"""The roster import in the authorization walk (tests/test_authorization.py): each role
uploads the shared OneRoster sample as a whole-district file to apply straight away, the
riskiest way in, and applies a checked import. Only district admins may."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core.testing import WalkSamples
from homeroom.people.tests.oneroster_sets import SAMPLE


def sample_zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.write(path, path.name)
    return SimpleUploadedFile("roster.zip", buffer.getvalue(), "application/zip")


def samples(base) -> WalkSamples:
    return WalkSamples(
        bodies={
            "upload_roster": lambda: {
                "file": sample_zip(),
                "dry_run": "false",
                "whole_district": "true",
                "confirm_deactivations": "0",
            },
            "apply_roster": {},
        },
    )
