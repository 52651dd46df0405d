"""The signed agreement's PDF on a review: kept under the data dir (not the public media
folder), PDF only and size-limited, downloadable only by those who may see the review,
replaced and removed with an audit trail."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.software import services
from homeroom.software.models import Review

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.DATA_DIR


@pytest.fixture
def review(make_tool, admin):
    tool = make_tool("Brisk Teaching")
    return services.review_start(actor=admin, tool=tool, terms_version="Terms of 2026")


def upload(client, review, content=PDF, name="ndpa.pdf"):
    return client.post(
        f"/apps/reviews/{review.pk}/agreement/",
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_an_agreement_is_kept_privately_and_downloaded(review, admin, client_as, data_dir):
    client = client_as(admin)
    assert upload(client, review).status_code == 302
    review.refresh_from_db()
    path = Path(review.agreement_file.path)
    assert path.is_relative_to(data_dir / "private") and path.read_bytes() == PDF
    assert not Path(str(data_dir.parent / "media")).exists()
    with pytest.raises(ValueError):
        _ = review.agreement_file.url  # no public URL
    page = client.get(review.get_absolute_url())
    assert "Download the agreement" in page.text
    got = client.get(f"/apps/reviews/{review.pk}/agreement/download/")
    assert got["Content-Type"] == "application/pdf" and b"".join(got.streaming_content) == PDF
    assert "attachment" in got["Content-Disposition"]

    # Replaced: the old file goes once the new one is saved; removed: gone, both audited.
    with_new = PDF.replace(b"1.7", b"1.4")
    with django_on_commit():
        upload(client, review, with_new)
    review.refresh_from_db()
    assert not path.exists() and Path(review.agreement_file.path).read_bytes() == with_new
    newer = Path(review.agreement_file.path)
    with django_on_commit():
        client.post(f"/apps/reviews/{review.pk}/agreement/", {"remove": "1"})
    review.refresh_from_db()
    assert not review.agreement_file and not newer.exists()
    messages = list(
        AuditEvent.objects.filter(object_id=review.pk, message__startswith="Agreement")
        .order_by("pk")
        .values_list("message", flat=True)
    )
    assert messages == [
        "Agreement document uploaded",
        "Agreement document replaced",
        "Agreement document removed",
    ]
    assert client.get(f"/apps/reviews/{review.pk}/agreement/download/").status_code == 404


def django_on_commit():
    """Run the on_commit callbacks of what happens inside (the test's transaction never
    commits)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_only_a_pdf_of_a_sane_size_is_kept(review, admin, client_as, data_dir, monkeypatch):
    client = client_as(admin)
    refused = upload(client, review, b"MZ\x90\x00 not a pdf", name="agreement.pdf")
    assert refused.status_code == 302
    page = client.get(review.get_absolute_url())
    assert "not a PDF" in page.text
    monkeypatch.setattr(services, "AGREEMENT_MAX_BYTES", 20)
    upload(client, review)
    assert "larger than" in client.get(review.get_absolute_url()).text
    review.refresh_from_db()
    assert not review.agreement_file
    assert not (data_dir / "private").exists() or not any((data_dir / "private").rglob("*.pdf"))


def test_who_may_not_see_or_change_the_review_gets_nothing(
    review, admin, users, client_as, data_dir
):
    upload(client_as(admin), review)
    review.refresh_from_db()
    kept = review.agreement_file.name
    teacher, student = users[roles.TEACHER], users[roles.STUDENT]
    for user in (teacher, student):
        client = client_as(user)
        assert client.get(f"/apps/reviews/{review.pk}/agreement/download/").status_code == 403
        assert upload(client, review, PDF.replace(b"1.7", b"1.3")).status_code == 403
        assert (
            client.post(f"/apps/reviews/{review.pk}/agreement/", {"remove": "1"}).status_code == 403
        )
    # A technician limited to one school may not change a review of a tool used everywhere.
    review.tool.all_schools = True
    review.tool.save(update_fields=["all_schools"])
    tech = client_as(users[roles.TECHNICIAN])
    answer = tech.post(f"/apps/reviews/{review.pk}/agreement/", {"remove": "1"})
    assert answer.status_code in (403, 404)
    assert Review.objects.get(pk=review.pk).agreement_file.name == kept
    assert Path(review.agreement_file.path).read_bytes() == PDF
