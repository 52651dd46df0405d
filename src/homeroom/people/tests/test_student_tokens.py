"""Students make API tokens only when the district admin allows it (off by default)."""

import pytest
from django.core.management import CommandError, call_command

from homeroom.core.models import DistrictSettings
from homeroom.people.models import ApiToken


@pytest.fixture
def student(users):
    return users["Student"]


def test_a_student_sees_no_token_section_and_cannot_make_one(student, client_as):
    client = client_as(student)
    profile = client.get("/profile/").content.decode()
    assert "API tokens" not in profile and "Create token" not in profile

    response = client.post("/profile/tokens/", {"name": "My script"}, follow=True)
    assert "Your district does not let students create API tokens." in response.content.decode()
    assert not ApiToken.objects.filter(user=student).exists()

    with pytest.raises(CommandError, match="does not let students create API tokens"):
        call_command("token", "create", student.username)
    assert not ApiToken.objects.filter(user=student).exists()


def test_the_district_admin_allows_student_tokens_in_the_admin(student, users, client_as):
    admin = client_as(users["District admin"])
    response = admin.post(
        "/admin/core/districtsettings/add/", {"student_api_tokens": "on"}, follow=True
    )
    assert response.status_code == 200
    assert DistrictSettings.current().student_api_tokens

    client = client_as(student)
    assert "Create token" in client.get("/profile/").content.decode()
    client.post("/profile/tokens/", {"name": "My script"})
    assert ApiToken.objects.filter(user=student, name="My script").exists()


def test_staff_make_tokens_whatever_the_student_setting(users, client_as):
    teacher = users["Teacher"]
    client = client_as(teacher)
    assert "Create token" in client.get("/profile/").content.decode()
    client.post("/profile/tokens/", {"name": "Inventory"})
    assert ApiToken.objects.filter(user=teacher, name="Inventory").exists()
