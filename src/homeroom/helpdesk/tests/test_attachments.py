"""Photos: the type comes from the file's first bytes, the size is limited, a refused
upload saves nothing, and a photo is served only to people who may see its ticket."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.core import roles
from homeroom.helpdesk import attachments
from homeroom.helpdesk.models import Attachment, Comment, Ticket
from homeroom.helpdesk.tests.samples import HEIC, JPEG, PNG


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "helpdesk"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def new_ticket_form(site, **extra) -> dict:
    return {"subject": "Cracked screen", "site": site.pk, "impact": 3, "urgency": 2, **extra}


def test_a_ticket_with_photos_stores_them_under_the_data_folder(teacher, client_as, sites):
    response = client_as(teacher).post(
        "/help/new/",
        new_ticket_form(
            sites[0],
            photos=[upload("front.jpg", JPEG, "image/jpeg"), upload("back.heic", HEIC)],
        ),
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    photos = {a.file_name: a.content_type for a in ticket.attachments.all()}
    assert photos == {"front.jpg": "image/jpeg", "back.heic": "image/heic"}
    assert len(stored_files()) == 2


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(teacher, client_as, sites):
    response = client_as(teacher).post(
        "/help/new/",
        new_ticket_form(
            sites[0],
            photos=[upload("ok.png", PNG), upload("screen.png", b"MZ\x90\0 not really a png")],
        ),
    )
    assert response.status_code == 200
    assert "screen.png is not a JPEG, PNG, WebP or HEIC photo" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_a_photo_that_is_too_big_is_refused_on_a_reply(
    file_ticket, teacher, client_as, monkeypatch
):
    monkeypatch.setattr(attachments, "MAX_BYTES", 50)
    ticket = file_ticket()
    response = client_as(teacher).post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Here is a photo", "photos": [upload("big.png", PNG)]},
        follow=True,
    )
    assert "big.png is larger than" in response.content.decode()
    assert Comment.objects.count() == 0
    assert stored_files() == []


def test_photos_are_served_only_to_people_who_see_the_ticket(
    file_ticket, teacher, users, client_as, make_user, sites
):
    ticket = file_ticket()
    client_as(teacher).post(
        f"/tickets/{ticket.pk}/reply/", {"body": "", "photos": [upload("cable.png", PNG)]}
    )
    photo = Attachment.objects.get()
    url = f"/tickets/photos/{photo.pk}/"
    response = client_as(users[roles.TECHNICIAN]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client_as(teacher).get(url).status_code == 200
    other_teacher = make_user("other", roles.TEACHER, sites=[sites[0]])
    assert client_as(other_teacher).get(url).status_code == 404
    other_site_tech = make_user("south_tech", roles.TECHNICIAN, sites=[sites[1]])
    assert client_as(other_site_tech).get(url).status_code == 404


def test_photos_on_internal_notes_stay_internal(file_ticket, teacher, tech, client_as):
    ticket = file_ticket()
    client_as(tech).post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Serial sticker", "is_internal": "on", "photos": [upload("sticker.png", PNG)]},
    )
    photo = Attachment.objects.get()
    assert photo.is_internal
    assert client_as(teacher).get(f"/tickets/photos/{photo.pk}/").status_code == 404
    page = client_as(teacher).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Serial sticker" not in page
    assert "sticker.png" not in page


def test_photo_names_are_made_safe_for_headers(file_ticket, teacher, client_as):
    ticket = file_ticket()
    client_as(teacher).post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "x", "photos": [upload('my "best" photo.png', PNG)]},
    )
    photo = Attachment.objects.get()
    assert photo.file_name == "my_best_photo.png"
    response = client_as(teacher).get(f"/tickets/photos/{photo.pk}/")
    assert response["Content-Disposition"] == 'inline; filename="my_best_photo.png"'
