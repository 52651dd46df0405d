"""Teachers' requests and the privacy and AI reviews, as the people who use them."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.people.models import Person
from homeroom.software import services
from homeroom.software.models import Review, Tool, ToolRequest


@pytest.fixture
def teacher_person(users, sites):
    return Person.objects.create(
        kind="teacher",
        given_name="Tess",
        family_name="Walker",
        primary_site=sites[0],
        user=users[roles.TEACHER],
    )


def test_asking_for_an_already_decided_tool_shows_the_decision_without_filing(
    make_tool, users, client_as, teacher_person
):
    make_tool("MagicSchool", category="ai_assistant")
    make_tool("ChatGPT", category="ai_assistant")
    Tool.objects.filter(name="MagicSchool").update(decision="conditions", conditions="Staff only")
    Tool.objects.filter(name="ChatGPT").update(decision="denied")
    client = client_as(users[roles.TEACHER])
    page = client.get("/apps/request/?q=magicschool")
    assert page.context["decided"].name == "MagicSchool"
    assert "Staff only" in page.text and "no request is needed" in page.text
    assert "Send the request" not in page.text
    denied = client.get("/apps/request/?q=chatgpt").text
    assert "Denied" in denied and "Please do not use it with students" in denied
    # Posting anyway files nothing and says the decision.
    posted = client.post(
        "/apps/request/", {"tool_name": "chatgpt", "purpose": "Essays", "students": "25"}
    )
    assert posted.status_code == 200 and "Please do not use it with students" in posted.text
    assert not ToolRequest.objects.exists()
    with pytest.raises(ValidationError, match="ChatGPT is already denied"):
        services.request_create(
            actor=users[roles.TEACHER], tool_name="CHATGPT", purpose="Essays", students=25
        )
    # A tool not decided yet is asked for.
    new = client.get("/apps/request/?q=Brisk").text
    assert "Ask for Brisk" in new and "Send the request" in new


def test_a_request_through_review_to_a_decision_mails_the_teacher(
    users, client_as, teacher_person, sites, django_capture_on_commit_callbacks
):
    teacher = client_as(users[roles.TEACHER])
    filed = teacher.post(
        "/apps/request/",
        {
            "tool_name": "Brisk Teaching",
            "website": "briskteaching.com",
            "purpose": "Feedback on essays",
            "classes": "Grade 8 ELA",
            "students": "60",
        },
    )
    asked = ToolRequest.objects.get()
    assert filed.status_code == 302 and filed.url == asked.get_absolute_url()
    assert asked.site == sites[0] and asked.status == "new" and asked.tool is None
    again = teacher.post(
        "/apps/request/", {"tool_name": "brisk teaching", "purpose": "x", "students": "1"}
    )
    assert "You have already asked for this tool." in again.text
    assert "Brisk Teaching" in teacher.get("/").text  # the teacher's Today card

    tech = client_as(users[roles.TECHNICIAN])
    assert "Apps to vet" in tech.get("/").text
    queue = tech.get("/apps/requests/?status=open")
    assert [r.tool_name for r in queue.context["page"].object_list] == ["Brisk Teaching"]
    tech.post(f"/apps/requests/{asked.pk}/to-catalog/", {"category": "browser_extension"})
    tool = Tool.objects.get(name="Brisk Teaching")
    assert list(tool.sites.all()) == [sites[0]]
    started = tech.post(
        f"/apps/tools/{tool.pk}/reviews/new/", {"terms_version": "Privacy policy of 1 Aug 2025"}
    )
    review = Review.objects.get()
    assert started.url == review.get_absolute_url()
    asked.refresh_from_db()
    assert asked.status == "in_review" and asked.tool == tool
    checklist = tech.get(review.get_absolute_url()).text
    assert "Does it use student data to train AI models?" in checklist
    assert "Student work (essays, projects, recordings)" in checklist
    answers = {
        "terms_version": "Privacy policy of 1 Aug 2025",
        "data_elements": ["name", "student_work", "identifiers"],
        "agreement": "ndpa",
        "agreement_signed_on": "2025-09-01",
        "agreement_expires_on": "2028-08-31",
        "under_13": "no",
        "consent": "not_needed",
        "third_party_consent": "unknown",
        "retention_policy": "yes",
        "ferpa_school_official": "yes",
        "sells_data": "no",
        "targeted_ads": "no",
        "third_party_sharing": "yes",
        "deletion_on_request": "yes",
        "breach_notification": "yes",
        "generative_ai": "yes",
        "trains_on_student_data": "no",
        "human_review": "yes",
        "minimum_age": "13",
        "content_filtering": "yes",
        "ai_opt_out": "yes",
        "model_source": "third_party",
        "vpat": "yes",
        "wcag": "aa",
        "sso": "yes",
        "mfa": "yes",
        "encryption": "yes",
    }
    bad = tech.post(review.get_absolute_url(), {**answers, "agreement_expires_on": "2025-01-01"})
    assert "The agreement must expire after it was signed." in bad.text
    saved = tech.post(review.get_absolute_url(), answers)
    assert saved.status_code == 302
    review.refresh_from_db()
    assert review.data_elements == ["identifiers", "name", "student_work"]
    assert review.trains_on_student_data == "no" and review.minimum_age == 13
    no_conditions = tech.post(
        f"/apps/reviews/{review.pk}/decide/", {"status": "conditions"}, follow=True
    )
    assert "Say the conditions" in no_conditions.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tech.post(
            f"/apps/reviews/{review.pk}/decide/",
            {"status": "conditions", "conditions": "Staff only", "reasons": "AI feedback"},
        )
    review.refresh_from_db()
    tool.refresh_from_db()
    asked.refresh_from_db()
    assert review.status == "conditions" and review.reviewer == users[roles.TECHNICIAN]
    assert tool.decision == "conditions" and tool.conditions == "Staff only"
    assert asked.status == "decided" and asked.decided_at is not None
    assert [m.to for m in mail.outbox] == [[users[roles.TEACHER].email]]
    assert "approved with conditions" in mail.outbox[0].subject
    assert "Conditions: Staff only" in mail.outbox[0].body
    # The decision is audited on the review and on the tool.
    verbs = set(
        AuditEvent.objects.filter(content_type__app_label="software").values_list(
            "object_repr", "verb"
        )
    )
    assert ("Brisk Teaching (Privacy policy of 1 Aug 2025)", "status_changed") in verbs
    assert ("Brisk Teaching", "status_changed") in verbs
    # Decided: read only, and a second decision is refused without an error page.
    page = tech.get(review.get_absolute_url()).text
    assert "Save the checklist" not in page and "Conditions:" in page
    twice = tech.post(f"/apps/reviews/{review.pk}/decide/", {"status": "denied"}, follow=True)
    assert twice.status_code == 200 and "already approved with conditions" in twice.text


def test_review_rules(make_tool, users, sites, tech, admin):
    theirs = make_tool("Gimkit", sites=[sites[1]])
    with pytest.raises(PermissionDenied, match="schools you do not work at"):
        services.review_start(actor=tech, tool=theirs, terms_version="v1")
    with pytest.raises(PermissionDenied):
        services.review_start(actor=users[roles.TEACHER], tool=theirs, terms_version="v1")
    mine = make_tool("Kahoot!", sites=[sites[0]])
    with pytest.raises(ValidationError):
        services.review_start(actor=tech, tool=mine, terms_version=" ")
    review = services.review_start(actor=tech, tool=mine, terms_version="v1")
    with pytest.raises(Conflict):
        services.review_start(actor=tech, tool=mine, terms_version="v2")
    with pytest.raises(ValidationError):
        services.review_update(actor=tech, review=review, decision="approved")
    with pytest.raises(ValidationError):
        services.review_update(actor=tech, review=review, data_elements=["shoe_size"])
    with pytest.raises(ValidationError, match="Say why"):
        services.review_decide(actor=tech, review=review, status="denied")
    with pytest.raises(ValidationError):
        services.review_decide(actor=tech, review=review, status="expired")
    services.review_update(actor=tech, review=review, sells_data="yes", data_elements=["name"])
    services.review_decide(actor=tech, review=review, status="denied", reasons="Sells data")
    with pytest.raises(Conflict):
        services.review_update(actor=tech, review=review, sells_data="no")
    mine.refresh_from_db()
    assert mine.decision == "denied"
    # New terms: a new review starts from the last answers.
    second = services.review_start(actor=admin, tool=mine, terms_version="v2")
    assert second.sells_data == "yes" and second.data_elements == ["name"]
    assert second.status == "in_progress"


def test_request_lifecycle_and_refusals(make_tool, users, sites, tech, teacher_person):
    teacher = users[roles.TEACHER]
    with pytest.raises(ValidationError):
        services.request_create(actor=teacher, tool_name="Padlet", purpose="Walls", students=0)
    with pytest.raises(PermissionDenied):
        services.request_create(
            actor=teacher, tool_name="Padlet", purpose="Walls", students=3, site=sites[1]
        )
    asked = services.request_create(actor=teacher, tool_name="Padlet", purpose="x", students=3)
    with pytest.raises(PermissionDenied):
        services.request_set_status(actor=teacher, tool_request=asked, status="decided")
    services.request_set_status(actor=tech, tool_request=asked, status="waiting_vendor")
    with pytest.raises(Conflict):
        services.request_set_status(actor=tech, tool_request=asked, status="new")
    services.request_set_status(actor=teacher, tool_request=asked, status="withdrawn")
    asked.refresh_from_db()
    assert asked.status == "withdrawn"
    with pytest.raises(Conflict):
        services.request_set_status(actor=tech, tool_request=asked, status="in_review")


def test_a_bad_status_on_the_page_changes_nothing(users, client_as, teacher_person):
    asked = services.request_create(
        actor=users[roles.TEACHER], tool_name="Padlet", purpose="x", students=3
    )
    tech = client_as(users[roles.TECHNICIAN])
    for status in ("nonsense", "new"):
        page = tech.post(f"/apps/requests/{asked.pk}/status/", {"status": status}, follow=True)
        assert page.status_code == 200
    asked.refresh_from_db()
    assert asked.status == "new"
    # Another teacher sees neither the request nor its page.
    other = client_as(users[roles.LIBRARIAN])
    assert other.get(asked.get_absolute_url()).status_code == 404


def test_agreement_reminders_and_expiry_with_a_frozen_clock(
    make_tool, users, admin, django_capture_on_commit_callbacks
):
    tool = make_tool("Newsela", owner=admin)
    review = services.review_start(actor=admin, tool=tool, terms_version="v1")
    services.review_update(
        actor=admin,
        review=review,
        agreement="ndpa",
        agreement_signed_on=datetime.date(2025, 1, 1),
        agreement_expires_on=datetime.date(2027, 3, 31),
    )
    services.review_decide(actor=admin, review=review, status="approved")
    mail.outbox.clear()

    def sweep_on(day):
        with (
            time_machine.travel(datetime.datetime(*day, 12, tzinfo=datetime.UTC), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.reviews_sweep()

    sweep_on((2027, 1, 29))  # 61 days before: nothing yet
    assert mail.outbox == []
    assert sweep_on((2027, 1, 30)) == "1 agreement reminders, 0 approvals expired"
    sweep_on((2027, 2, 10))  # reminded already
    assert len(mail.outbox) == 1 and "expires in 60 days" in mail.outbox[0].subject
    assert mail.outbox[0].to == [admin.email]
    sweep_on((2027, 3, 17))
    sweep_on((2027, 3, 18))
    assert len(mail.outbox) == 2 and "expires in 14 days" in mail.outbox[1].subject
    sweep_on((2027, 3, 31))  # the last day it holds
    tool.refresh_from_db()
    assert tool.decision == "approved"
    assert sweep_on((2027, 4, 1)) == "0 agreement reminders, 1 approvals expired"
    tool.refresh_from_db()
    review.refresh_from_db()
    assert review.status == "expired" and tool.decision == "expired"
    assert sweep_on((2027, 4, 2)) == "0 agreement reminders, 0 approvals expired"
