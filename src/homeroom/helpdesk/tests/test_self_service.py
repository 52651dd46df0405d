"""Self-service first: picking an issue shows its troubleshooting steps; “This fixed it”
counts a deflection and files nothing. Articles are sanitized and searchable."""

import pytest

from homeroom.core import roles
from homeroom.helpdesk import services
from homeroom.helpdesk.choices import Level, Priority
from homeroom.helpdesk.models import Article, Deflection, IssueType, Ticket


def test_picking_an_issue_shows_its_steps_first(power_article, wont_power_on, teacher, client_as):
    page = client_as(teacher).get(f"/help/?issue={wont_power_on.pk}").content.decode()
    assert "Won&#x27;t power on: try this first" in page
    assert "Hold the power button." in page
    assert "This fixed it" in page
    assert f"/help/new/?issue={wont_power_on.pk}" in page


def test_this_fixed_it_counts_a_deflection_and_files_no_ticket(
    power_article, wont_power_on, teacher, client_as, sites
):
    response = client_as(teacher).post(
        "/help/fixed/", {"issue": wont_power_on.pk, "article": power_article.pk}, follow=True
    )
    assert "Glad that fixed it" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.issue_type, deflection.article, deflection.user, deflection.site) == (
        wont_power_on,
        power_article,
        teacher,
        sites[0],
    )
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("group", "issue"),
    [
        ("Chromebook", "Cracked screen"),
        ("Chromebook", "Liquid spill"),
        ("Chromebook", "Broken hinge or case"),
        ("Laptop", "Cracked screen"),
    ],
)
def test_physical_damage_is_not_offered_this_fixed_it(group, issue, teacher, client_as, sites):
    damage = IssueType.objects.get(parent__name=group, name=issue)
    services.article_save(
        actor=None, title="Bring it in", body="1. Stop using it.", issue_types=[damage]
    )
    client = client_as(teacher)
    page = client.get(f"/help/?issue={damage.pk}").content.decode()
    assert "Stop using it." in page and "This needs a repair." in page
    assert "This fixed it" not in page and f"/help/new/?issue={damage.pk}" in page
    refused = client.post("/help/fixed/", {"issue": damage.pk}, follow=True).content.decode()
    assert "needs a repair; file a ticket instead" in refused
    assert not Deflection.objects.exists()


def test_a_students_broken_device_is_not_low_priority_by_default(
    cracked_screen, wont_power_on, chromebook, teacher, client_as
):
    client = client_as(teacher)
    form = client.get(f"/help/new/?issue={cracked_screen.pk}&device={chromebook.pk}")
    assert form.context["form"].initial["impact"] == Level.HIGH
    assert "Someone cannot work at all" in form.content.decode()
    for issue in (cracked_screen, wont_power_on):
        ticket = services.ticket_create(
            actor=teacher, site=chromebook.site, subject=issue.name, issue_type=issue
        )
        assert (ticket.impact, ticket.priority) == (Level.HIGH, Priority.HIGH)


def test_i_still_need_help_prefills_the_ticket(cracked_screen, chromebook, teacher, client_as):
    page = (
        client_as(teacher)
        .get(f"/help/new/?issue={cracked_screen.pk}&device={chromebook.pk}")
        .content.decode()
    )
    assert 'value="Cracked screen"' in page
    assert 'value="NES-0001"' in page


def test_filing_from_a_device_page_links_the_device(cracked_screen, chromebook, tech, client_as):
    response = client_as(tech).post(
        f"/help/new/?device={chromebook.pk}",
        {
            "device": chromebook.pk,
            "issue_type": cracked_screen.pk,
            "subject": "Cracked screen",
            "site": chromebook.site_id,
            "asset_tag": "NES-0001",
            "impact": 3,
            "urgency": 2,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.device == chromebook
    assert ticket.issue_type == cracked_screen
    assert ticket.source == "technician"


def test_article_html_is_sanitized(screen_article, teacher, client_as):
    assert "<script" not in screen_article.body_html
    assert "<ol>" in screen_article.body_html
    article = services.article_save(
        actor=None,
        title="Links",
        body='[bad](javascript:alert(1)) <img src=x onerror="alert(1)"> <b onclick="x()">b</b>',
        audience="teacher",
    )
    assert "javascript:" not in article.body_html
    assert "onerror" not in article.body_html
    assert "onclick" not in article.body_html
    page = client_as(teacher).get(f"/kb/{screen_article.slug}/").content.decode()
    assert "alert('x')" not in page


def test_knowledge_base_search_and_audiences(users, client_as):
    for title, audience in [
        ("Reset your Google password", "student"),
        ("Google Classroom for teachers", "teacher"),
        ("Powerwash a Chromebook", "technician"),
    ]:
        services.article_save(actor=None, title=title, body="Google steps", audience=audience)
    teacher_page = client_as(users[roles.TEACHER]).get("/kb/?q=google").content.decode()
    assert "Reset your Google password" in teacher_page
    assert "Google Classroom for teachers" in teacher_page
    assert "Powerwash" not in teacher_page
    tech_page = client_as(users[roles.TECHNICIAN]).get("/kb/?q=powerwash").content.decode()
    assert "Powerwash a Chromebook" in tech_page
    assert "Reset your Google password" not in tech_page


def test_technicians_write_articles(cracked_screen, tech, client_as):
    response = client_as(tech).post(
        "/kb/new/",
        {
            "title": "Charging port",
            "summary": "",
            "audience": "teacher",
            "body": "## Steps\n\n1. Try another charger",
            "issue_types": [cracked_screen.pk],
            "is_published": "on",
        },
    )
    article = Article.objects.get(title="Charging port")
    assert response["Location"] == f"/kb/{article.slug}/"
    assert "<h2>Steps</h2>" in article.body_html
    assert list(article.issue_types.all()) == [cracked_screen]


def test_an_article_called_new_gets_an_address_of_its_own(tech, client_as):
    first = services.article_save(actor=tech, title="New", body="a", audience="teacher")
    second = services.article_save(actor=tech, title="New", body="b", audience="teacher")
    assert (first.slug, second.slug) == ("new-2", "new-3")
    assert client_as(tech).get("/kb/new-2/").status_code == 200


def test_the_knowledge_base_lists_plain_text_not_markdown(teacher, client_as):
    services.article_save(
        actor=None,
        title="Charger",
        summary="Plug in the charger and wait **15 minutes**.",
        body="1. Plug it in.",
    )
    services.article_save(
        actor=None,
        title="Keys",
        body="## Stuck keys\n\n1. Blow out *crumbs* with [a can](https://example.org/air) "
        "& <script>alert(1)</script>restart.\n" + "More words. " * 40,
    )
    page = client_as(teacher).get("/kb/").content.decode()
    assert "Plug in the charger and wait 15 minutes." in page
    assert "Stuck keys Blow out crumbs with a can &amp; restart. More words." in page
    assert "**" not in page and "##" not in page and "alert(1)" not in page
    assert "More words.…" in page
