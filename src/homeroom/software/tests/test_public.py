"""The public list for families, the catalog export and the district's setting."""

import datetime

from homeroom.core import roles
from homeroom.people.models import Person
from homeroom.software import services
from homeroom.software.models import SoftwareSettings, Tool


def _decided(make_tool, admin, name, status, **fields):
    tool = make_tool(name, **fields)
    review = services.review_start(actor=admin, tool=tool, terms_version="Terms of 2025")
    services.review_update(
        actor=admin,
        review=review,
        data_elements=["name", "student_work"],
        agreement="ndpa",
        agreement_signed_on=datetime.date(2025, 1, 1),
        agreement_expires_on=datetime.date(2028, 6, 30),
    )
    extra = {"conditions": "Grades 6-12"} if status == "conditions" else {}
    if status == "denied":
        extra = {"reasons": "Sells data"}
    services.review_decide(actor=admin, review=review, status=status, **extra)
    return tool


def test_the_public_list_shows_only_approved_tools_and_no_names(
    make_tool, users, admin, sites, client, client_as
):
    champion = Person.objects.create(
        kind="teacher", given_name="Zelda", family_name="Champion", primary_site=sites[0]
    )
    _decided(make_tool, admin, "Desmos", "approved", category="assessment", sites=[sites[0]],
             owner=users[roles.TECHNICIAN], champion=champion)  # fmt: skip
    _decided(make_tool, admin, "Khanmigo", "conditions", category="ai_assistant",
             uses_ai=True, grade_bands=["6_8", "9_12"], all_schools=True)  # fmt: skip
    _decided(make_tool, admin, "ChatGPT", "denied", category="ai_assistant")
    make_tool("Blooket", category="assessment", all_schools=True)  # not reviewed
    assert client.get("/apps/public/").status_code == 404
    assert client.get("/api/v1/software/public").status_code == 404
    SoftwareSettings.objects.create(pk=1, public_list=True, public_note="Ask the office.")
    page = client.get("/apps/public/")
    assert page.status_code == 200
    assert [tool.name for tool in page.context["tools"]] == ["Desmos", "Khanmigo"]
    text = page.text
    assert "Student name, Student work" in text and "until June 2028" in text
    assert "Grades 6-12" in text and "Ask the office." in text
    for name in ("Zelda", "Champion", "technician", "district_admin", "ChatGPT", "Blooket"):
        assert name not in text
    assert [t.name for t in client.get(f"/apps/public/?site={sites[1].pk}").context["tools"]] == [
        "Khanmigo"
    ]
    assert [t.name for t in client.get("/apps/public/?grade=k2").context["tools"]] == ["Desmos"]
    assert client.get("/apps/public/?site=abc&grade=zz").status_code == 200
    listed = client.get("/api/v1/software/public").json()
    assert [row["name"] for row in listed] == ["Desmos", "Khanmigo"]
    assert listed[0]["data_elements"] == ["name", "student_work"]
    assert listed[0]["agreement"] == "ndpa"
    assert "owner" not in str(listed) and "Zelda" not in str(listed)


def test_the_district_admin_turns_the_public_list_on(users, client_as, client):
    admin = client_as(users[roles.DISTRICT_ADMIN])
    assert client_as(users[roles.TECHNICIAN]).get("/apps/settings/").status_code == 403
    admin.post("/apps/settings/", {"public_list": "on", "public_note": "Questions? Call us."})
    assert SoftwareSettings.current().public_list
    assert client.get("/apps/public/").status_code == 200


def test_the_catalog_exports_what_its_filters_show_with_formulas_neutralised(
    make_tool, users, client_as, sites
):
    make_tool('=HYPERLINK("http://x")', vendor="+Evil", category="content", sites=sites)
    make_tool("Desmos", category="assessment", all_schools=True)
    Tool.objects.filter(name="Desmos").update(decision="approved")
    client = client_as(users[roles.TEACHER])
    exported = client.get("/apps/?export=csv")
    rows = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Name,Vendor,Website,Category")
    assert rows[1].startswith("\"'=HYPERLINK") and ",'+Evil," in rows[1]
    assert "North Elementary; South High" in rows[1]
    assert rows[2].startswith("Desmos,") and "Every school" in rows[2]
    only = client.get("/apps/?decision=approved&export=csv")
    assert len(b"".join(only.streaming_content).decode().splitlines()) == 2
    xlsx = client.get("/apps/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
