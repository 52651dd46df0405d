"""A student's My apps (their school and grade, never staff-only tools) and the reports."""

import datetime

from homeroom.core import roles
from homeroom.people.models import Person
from homeroom.software import services
from homeroom.software.models import Licence, Tool, ToolRequest


def test_a_student_sees_the_approved_tools_of_their_school_and_grade(
    make_tool, users, client_as, sites
):
    Person.objects.create(
        kind="student",
        given_name="Sam",
        family_name="Lee",
        grade="07",
        grades="07",
        primary_site=sites[0],
        user=users[roles.STUDENT],
    )
    make_tool("Desmos", category="assessment", grade_bands=["6_8", "9_12"], sites=[sites[0]],
              sign_in_help="Sign in with Google using your school account.")  # fmt: skip
    make_tool("Epic", category="content", grade_bands=["k2", "3_5"], sites=[sites[0]])
    make_tool("MagicSchool", category="ai_assistant", grade_bands=["staff"], all_schools=True)
    make_tool("Kahoot!", category="assessment", all_schools=True)
    make_tool("Gimkit", category="assessment", sites=[sites[1]])
    make_tool("Britannica School", category="library_database", all_schools=True)
    make_tool("Padlet", category="communication", all_schools=True)  # not reviewed
    Tool.objects.exclude(name="Padlet").update(decision="approved")
    client = client_as(users[roles.STUDENT])
    page = client.get("/apps/mine/")
    assert page.status_code == 200
    assert [tool.name for tool in page.context["tools"]] == [
        "Britannica School",
        "Desmos",
        "Kahoot!",
    ]
    assert "Sign in with Google using your school account." in page.text
    # The catalog itself stays with staff.
    assert client.get("/apps/").status_code == 403
    # "Trouble signing in?" only when the district lets students file tickets.
    assert "Trouble signing in?" not in page.text
    from homeroom.helpdesk.models import HelpdeskSettings

    HelpdeskSettings.objects.update_or_create(pk=1, defaults={"student_tickets": True})
    assert "Trouble signing in?" in client.get("/apps/mine/").text


def test_a_student_without_a_school_sees_nothing_and_no_error(users, client_as, make_tool):
    make_tool("Kahoot!", category="assessment", all_schools=True)
    Tool.objects.update(decision="approved")
    page = client_as(users[roles.STUDENT]).get("/apps/mine/")
    assert page.status_code == 200 and list(page.context["tools"]) == []
    assert "No apps are approved for your school yet" in page.text


def test_the_reports_page(frozen, make_tool, users, client_as, sites, admin):
    khanmigo = make_tool("Khanmigo", category="ai_assistant", uses_ai=True, sites=[sites[0]])
    make_tool("ChatGPT", category="ai_assistant", uses_ai=True, all_schools=True)
    make_tool("Canvas", category="lms", all_schools=True)
    Tool.objects.filter(name="ChatGPT").update(decision="denied")
    Licence.objects.create(tool=Tool.objects.get(name="Canvas"), cost=18000)
    Licence.objects.create(tool=khanmigo, site=sites[0], cost=500)
    Licence.objects.create(tool=khanmigo, site=sites[1], cost=700)
    review = services.review_start(actor=admin, tool=khanmigo, terms_version="v1")
    services.review_update(
        actor=admin,
        review=review,
        agreement="ndpa",
        agreement_signed_on=datetime.date(2020, 1, 1),
        agreement_expires_on=frozen.date() + datetime.timedelta(days=30),
    )
    services.review_decide(
        actor=admin, review=review, status="conditions", conditions="Grades 6-12"
    )
    ToolRequest.objects.create(
        tool_name="Brisk", purpose="x", students=3, site=sites[0], requested_by=admin
    )
    tech = client_as(users[roles.TECHNICIAN])
    page = tech.get("/apps/reports/")
    assert page.status_code == 200
    spend = {bar.label: bar.value for bar in page.context["charts"]["spend"]["bars"]}
    # The technician sees the district's licences and their own school's, not the other's.
    assert spend == {"Learning platform (LMS)": 18000.0, "AI assistant": 500.0}
    ai = {bar.label: bar.value for bar in page.context["charts"]["ai"]["bars"]}
    assert ai == {"Approved with conditions": 1, "Denied": 1}
    assert "Khanmigo" in page.text.split("Agreements expiring")[1]
    assert "Canvas" in page.text.split("Tools in use without a decision")[1]
    exported = tech.get("/apps/reports/?export=spend")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "Category,Cost per year"
    assert client_as(users[roles.TEACHER]).get("/apps/reports/").status_code == 403


def test_trouble_signing_in_leads_to_a_ticket_that_names_the_app(
    users, client_as, make_tool, sites
):
    import html
    import re

    from homeroom.helpdesk.models import HelpdeskSettings

    HelpdeskSettings.objects.update_or_create(pk=1, defaults={"student_tickets": True})
    Person.objects.create(
        kind="student",
        given_name="Sam",
        family_name="Lee",
        grade="07",
        grades="07",
        primary_site=sites[0],
        user=users[roles.STUDENT],
    )
    make_tool("Kahoot! & Co", category="assessment", all_schools=True)
    Tool.objects.update(decision="approved")
    client = client_as(users[roles.STUDENT])

    def link(page, words):
        found = re.search(rf'href="([^"]+)"[^>]*>{re.escape(words)}<', page.text)
        assert found, words
        return html.unescape(found.group(1))

    steps = client.get(link(client.get("/apps/mine/"), "Trouble signing in?"))
    assert steps.status_code == 200
    form = client.get(link(steps, "I still need help"))
    subject = form.context["form"].initial["subject"]
    assert "Kahoot! & Co" in subject
