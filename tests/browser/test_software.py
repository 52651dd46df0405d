"""Apps and AI tools in the browser: a teacher asks for an AI writing tool, the technician
adds it to the catalog, goes through the privacy and AI checklist and approves it with
conditions, the teacher's mail arrives, and a student finds it under My apps on a phone."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.core import roles
from homeroom.core.demo import DEMO_PASSWORD
from homeroom.people import services as people_services
from homeroom.people.models import Person, User
from homeroom.software.models import Tool

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser

TOOL = "Writable"
CONDITIONS = "Grades 3-5; no student names in prompts"


def _student_at(school) -> None:
    """A fifth grader at the demo teacher's school, with an account."""
    account = people_services.user_create(
        actor=None,
        username="student5",
        first_name="Ana",
        last_name="Ruiz",
        role=roles.STUDENT,
        password=DEMO_PASSWORD,
        sites=[school],
    )
    Person.objects.create(
        kind="student",
        given_name="Ana",
        family_name="Ruiz",
        grade="05",
        grades="05",
        primary_site=school,
        user=account,
    )


def _switch(page, username: str, next: str) -> None:
    page.context.clear_cookies()
    log_in(page, username, next=next)


def test_a_request_reviewed_approved_with_conditions_and_seen_by_a_student(page, demo, smtp_server):
    teacher = User.objects.get(username="teacher")
    school = Person.objects.get(user=teacher).primary_site
    _student_at(school)

    log_in(page, "teacher", next="/apps/request/")
    check_page(page, "apps-request-start")
    page.get_by_label("Which tool?").fill(TOOL)
    page.get_by_role("button", name="Look it up").click()
    expect(page.get_by_role("heading", name=f"Ask for {TOOL}")).to_be_visible()
    check_page(page, "apps-request-form")
    page.get_by_label("What would you use it for?").fill("Feedback on drafts of essays")
    page.get_by_label("Which classes").fill("Grade 5 writing")
    page.get_by_label("How many students").fill("48")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(f"Asked for {TOOL}.")).to_be_visible()
    check_page(page, "apps-request")

    _switch(page, "tech", "/apps/requests/?status=open")
    check_page(page, "apps-requests")
    page.get_by_role("link", name=TOOL).first.click()
    check_page(page, "apps-request-detail")
    page.get_by_label("Category").select_option(label="AI assistant")
    page.get_by_role("button", name="Add it to the catalog").click()
    expect(page.get_by_role("heading", name=TOOL)).to_be_visible()
    check_page(page, "apps-tool")
    page.get_by_role("link", name="Start a review").click()
    check_page(page, "apps-review-start")
    page.get_by_label("Which terms are you reading?").fill("Privacy policy of 1 Aug 2025")
    page.get_by_role("button", name="Start the checklist").click()
    expect(page.get_by_text("Does it use student data to train AI models?")).to_be_visible()
    check_page(page, "apps-review-checklist")
    page.get_by_label("Student name", exact=True).check()
    page.get_by_label("Student work (essays, projects, recordings)").check()
    page.get_by_label("Is an agreement signed?").select_option(value="ndpa")
    page.locator("#id_generative_ai_0").check()  # yes
    page.locator("#id_trains_on_student_data_1").check()  # no
    page.locator("#id_human_review_0").check()  # yes
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("Saved the checklist.")).to_be_visible()
    check_page(page, "apps-review-saved")
    page.get_by_label("Approve with conditions").check()
    page.get_by_role("textbox", name="Conditions").fill(CONDITIONS)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(re.compile("approved with conditions. The teachers"))).to_be_visible()
    check_page(page, "apps-review-decided")

    tool = Tool.objects.get(name=TOOL)
    assert tool.decision == "conditions" and tool.conditions == CONDITIONS
    mails = smtp_server.to(teacher.email)
    assert len(mails) == 1 and "approved with conditions" in mails[0]["Subject"]
    assert CONDITIONS in mails[0].get_content()

    page.set_viewport_size({"width": 390, "height": 844})
    _switch(page, "student5", "/apps/mine/")
    expect(page.get_by_role("heading", name="My apps")).to_be_visible()
    expect(page.get_by_text(TOOL).first).to_be_visible()
    expect(page.get_by_text(CONDITIONS)).to_be_visible()
    check_page(page, "apps-my-apps-phone")
