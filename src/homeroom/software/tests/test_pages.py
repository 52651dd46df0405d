"""The catalog, a tool's page and the tool form, as the people who use them."""

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.software.models import Licence, Tool

EXTENSION = "ghbmnnjooekpmoecnnnilnnbdlolhkhi"


def test_the_catalog_filters_by_decision_category_grade_school_ai_and_words(
    make_tool, users, client_as, sites
):
    make_tool("Khan Academy", grade_bands=["3_5", "6_8"], sites=[sites[0]])
    make_tool(
        "MagicSchool",
        vendor="MagicSchool AI",
        category="ai_assistant",
        uses_ai=True,
        grade_bands=["staff"],
        all_schools=True,
    )
    make_tool("Desmos", vendor="Amplify", category="assessment", subjects="Math", sites=[sites[1]])
    Tool.objects.filter(name="Desmos").update(decision="approved")
    client = client_as(users[roles.TEACHER])

    def names(query=""):
        page = client.get(f"/apps/?{query}")
        assert page.status_code == 200
        return [tool.name for tool in page.context["page"].object_list]

    assert names() == ["Desmos", "Khan Academy", "MagicSchool"]
    assert names("decision=approved") == ["Desmos"]
    assert names("category=ai_assistant") == ["MagicSchool"]
    assert names("ai=true") == ["MagicSchool"]
    assert names("ai=false") == ["Desmos", "Khan Academy"]
    assert names("grade=6_8") == ["Desmos", "Khan Academy"]  # Desmos is for any grade
    assert names(f"site={sites[0].pk}") == ["Khan Academy", "MagicSchool"]
    assert names("q=math") == ["Desmos"]
    assert names("q=magicschool ai") == ["MagicSchool"]
    bad = client.get("/apps/?decision=nonsense&site=x")
    assert bad.status_code == 200 and len(bad.context["page"].object_list) == 3
    assert "Ignored the filter" in bad.text
    partial = client.get("/apps/?decision=approved", headers={"HX-Request": "true"})
    assert "<h1>" not in partial.text and "Desmos" in partial.text


def test_the_catalog_costs_the_same_with_more_tools(make_tool, users, client_as, sites):
    client = client_as(users[roles.TEACHER])
    for n in range(3):
        make_tool(f"Tool {n}", sites=[sites[0]], owner=users[roles.TECHNICIAN])
    client.get("/apps/")
    with pinned_queries(10) as first:
        client.get("/apps/")
    for n in range(6):
        make_tool(f"More {n}", sites=sites, owner=users[roles.TECHNICIAN])
    with pinned_queries(len(first.captured_queries)):
        client.get("/apps/")


def test_a_technician_adds_a_tool_at_their_school_and_edits_it(users, client_as, sites):
    client = client_as(users[roles.TECHNICIAN])
    data = {
        "name": "  Book Creator ",
        "vendor": "Book Creator",
        "website": "bookcreator.com",
        "category": "creation",
        "grade_bands": ["k2", "3_5"],
        "sign_in": ["google"],
        "rostering": ["google_classroom"],
        "platforms": ["web", "ipad"],
        "extension_ids": f"{EXTENSION}\n",
        "sites": [sites[0].pk],
    }
    refused = client.post("/apps/tools/new/", {**data, "extension_ids": "not-an-id"})
    assert refused.status_code == 200 and "Not a Chrome extension id: not-an-id" in refused.text
    other_school = client.post("/apps/tools/new/", {**data, "sites": [sites[1].pk]})
    assert other_school.status_code == 200 and not Tool.objects.exists()
    made = client.post("/apps/tools/new/", data)
    tool = Tool.objects.get()
    assert made.status_code == 302 and made.url == tool.get_absolute_url()
    assert tool.name == "Book Creator" and tool.website == "https://bookcreator.com"
    assert tool.extension_ids == [EXTENSION] and tool.decision == "not_reviewed"
    page = client.get(tool.get_absolute_url()).text
    assert "Not reviewed" in page and "K\N{EN DASH}2, 3\N{EN DASH}5" in page and EXTENSION in page
    assert "Added Book Creator to the catalog" in page  # the history
    again = client.post("/apps/tools/new/", {**data, "name": "book creator"})
    assert "Book Creator is already in the catalog." in again.text, again.context["form"].errors
    # Editing keeps the other school's use, which the technician cannot change.
    tool.sites.add(sites[1])
    edited = client.post(f"/apps/tools/{tool.pk}/edit/", {**data, "subjects": "ELA", "sites": []})
    assert edited.status_code == 302
    tool.refresh_from_db()
    assert tool.subjects == "ELA" and list(tool.sites.all()) == [sites[1]]
    event = AuditEvent.objects.filter(verb="updated", content_type__app_label="software").get()
    assert event.changes["subjects"] == ["", "ELA"]
    assert event.changes["sites"] == [sorted([sites[0].pk, sites[1].pk]), [sites[1].pk]]


def test_only_people_who_keep_the_catalog_change_it(make_tool, users, client_as):
    tool = make_tool()
    teacher = client_as(users[roles.TEACHER])
    assert teacher.get(tool.get_absolute_url()).status_code == 200
    assert "Edit</a>" not in teacher.get(tool.get_absolute_url()).text
    assert teacher.get("/apps/tools/new/").status_code == 403
    assert teacher.get(f"/apps/tools/{tool.pk}/edit/").status_code == 403
    assert (
        teacher.post(f"/apps/tools/{tool.pk}/licences/", {"paid_by": "school"}).status_code == 403
    )
    assert client_as(users[roles.STUDENT]).get("/apps/").status_code == 403
    assert client_as(users[roles.TEACHER]).get("/apps/tools/999999/").status_code == 404


def test_licences_on_the_tools_page(make_tool, users, client_as, sites):
    tool = make_tool(sites=sites)
    client = client_as(users[roles.TECHNICIAN])
    url = f"/apps/tools/{tool.pk}/licences/"
    added = client.post(
        url,
        {
            "site": sites[0].pk,
            "seats": "120",
            "cost": "480.00",
            "renews_on": "2027-06-30",
            "paid_by": "school",
        },
        follow=True,
    )
    assert "Added a licence of Khan Academy" in added.text and "$480.00" in added.text
    district = client.post(url, {"site": "", "paid_by": "district"}, follow=True)
    assert "A district licence is for someone who works at every site." in district.text
    bad = client.post(url, {"site": sites[0].pk, "cost": "-4", "paid_by": "school"}, follow=True)
    assert "The licence was not added." in bad.text
    assert Licence.objects.count() == 1
    # A licence at the other school is not shown to the technician, nor removable.
    theirs = Licence.objects.create(tool=tool, site=sites[1], seats=10)
    page = client.get(tool.get_absolute_url()).text
    assert "South High" not in page.split("Licences")[1].split("</table>")[0]
    client.post(f"/apps/licences/{theirs.pk}/remove/")
    assert Licence.objects.filter(pk=theirs.pk).exists()
    mine = Licence.objects.get(site=sites[0])
    removed = client.post(f"/apps/licences/{mine.pk}/remove/", follow=True)
    assert "Removed the licence for North Elementary" in removed.text
    assert not Licence.objects.filter(pk=mine.pk).exists()


def test_search_finds_a_tool_with_its_decision(make_tool, users, client_as):
    make_tool("MagicSchool", vendor="MagicSchool AI", category="ai_assistant")
    Tool.objects.update(decision="conditions", conditions="Staff only")
    page = client_as(users[roles.TEACHER]).get("/search/?q=magicschool")
    assert "MagicSchool" in page.text and "Staff only" in page.text


def test_my_apps_lists_the_approved_tools_of_my_school_with_sign_in_help(
    make_tool, users, client_as, sites
):
    from homeroom.people.models import Person

    Person.objects.create(
        kind="teacher",
        given_name="Tess",
        family_name="Walker",
        primary_site=sites[0],
        user=users[roles.TEACHER],
    )
    make_tool(
        "Canvas",
        vendor="Instructure",
        category="lms",
        sites=[sites[0]],
        website="https://canvas.example",
    )
    make_tool("Kahoot!", category="assessment", all_schools=True, sign_in_help="Use the game PIN.")
    make_tool("Gimkit", category="assessment", sites=[sites[1]])
    make_tool("ChatGPT", category="ai_assistant", all_schools=True)
    make_tool("Blooket", category="assessment", all_schools=True)
    Tool.objects.exclude(name__in=["ChatGPT", "Blooket"]).update(decision="approved")
    Tool.objects.filter(name="ChatGPT").update(decision="denied")
    Tool.objects.filter(name="Kahoot!").update(decision="conditions", conditions="Staff only")
    page = client_as(users[roles.TEACHER]).get("/apps/mine/")
    assert [tool.name for tool in page.context["tools"]] == ["Canvas", "Kahoot!"]
    assert "Use the game PIN." in page.text and "Staff only" in page.text
    assert "Open Canvas" in page.text and "Trouble signing in?" in page.text
    canvas = page.context["tools"][0]
    from homeroom.helpdesk.models import IssueType

    issue = IssueType.objects.get(name="Access to Canvas")
    assert canvas.help_query == f"issue={issue.pk}&about=Canvas"
