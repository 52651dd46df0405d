"""The catalog's services: each checks the actor's role and sites and changes nothing when
it refuses; every change is audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.software import services
from homeroom.software.models import Licence, Tool


def tool_events():
    return AuditEvent.objects.filter(content_type__app_label="software")


def test_creating_a_tool_checks_role_sites_and_values(users, sites, tech):
    with pytest.raises(PermissionDenied):
        services.tool_create(actor=users[roles.TEACHER], name="Kahoot!", category="assessment")
    with pytest.raises(PermissionDenied, match="You do not work at South High"):
        services.tool_create(actor=tech, name="Kahoot!", category="assessment", sites=[sites[1]])
    with pytest.raises(PermissionDenied, match="every school"):
        services.tool_create(actor=tech, name="Kahoot!", category="assessment", all_schools=True)
    with pytest.raises(ValidationError) as refused:
        services.tool_create(
            actor=tech, name="Kahoot!", category="assessment", platforms=["web", "amiga"]
        )
    assert refused.value.message_dict["platforms"] == ["Unknown value: amiga."]
    with pytest.raises(ValidationError):
        services.tool_create(actor=tech, name="", category="assessment")
    with pytest.raises(ValidationError):
        services.tool_create(actor=tech, name="Kahoot!", category="toy")
    assert not Tool.objects.exists() and not tool_events().exists()
    tool = services.tool_create(
        actor=tech,
        name="Kahoot!",
        category="assessment",
        platforms=["ipad", "web", "web"],
        sites=[sites[0]],
    )
    assert tool.platforms == ["web", "ipad"]
    event = tool_events().get()
    assert event.verb == "created" and event.changes["sites"] == [None, ["North Elementary"]]


def test_updating_a_tool_refuses_what_the_actor_may_not_change(users, sites, tech, make_tool):
    tool = make_tool(sites=[sites[1]])
    with pytest.raises(PermissionDenied):
        services.tool_update(actor=users[roles.TEACHER], tool=tool, subjects="Math")
    with pytest.raises(PermissionDenied):
        services.tool_update(actor=tech, tool=tool, sites=[])  # removes another school
    with pytest.raises(PermissionDenied):
        services.tool_update(actor=tech, tool=tool, all_schools=True)
    with pytest.raises(ValidationError):
        services.tool_update(actor=tech, tool=tool, decision="approved")
    with pytest.raises(ValidationError):
        services.tool_update(actor=tech, tool=tool, extension_ids="abc")
    tool.refresh_from_db()
    assert tool.subjects == "" and list(tool.sites.all()) == [sites[1]]
    assert tool_events().filter(verb="updated").count() == 0
    services.tool_update(actor=tech, tool=tool, sites=[sites[1], sites[0]], subjects="Math")
    services.tool_update(actor=tech, tool=tool, subjects="Math")  # no change, no event
    assert tool_events().filter(verb="updated").count() == 1


def test_a_champion_is_staff(users, sites, make_tool):
    from homeroom.people.models import Person

    student = Person.objects.create(kind="student", given_name="Sam", family_name="Lee")
    with pytest.raises(ValidationError, match="not a student"):
        make_tool(champion=student)


def test_licences_check_sites_and_amounts(users, sites, tech, make_tool):
    tool = make_tool(sites=sites)
    with pytest.raises(PermissionDenied):
        services.licence_add(actor=tech, tool=tool)  # the district's
    with pytest.raises(PermissionDenied):
        services.licence_add(actor=tech, tool=tool, site=sites[1])
    with pytest.raises(PermissionDenied):
        services.licence_add(actor=users[roles.TEACHER], tool=tool, site=sites[0])
    for cost in ("-1", "abc", "nan", "100000000"):
        with pytest.raises(ValidationError):
            services.licence_add(actor=tech, tool=tool, site=sites[0], cost=cost)
    with pytest.raises(ValidationError):
        services.licence_add(actor=tech, tool=tool, site=sites[0], seats=0)
    assert not Licence.objects.exists()
    licence = services.licence_add(
        actor=tech,
        tool=tool,
        site=sites[0],
        seats=300,
        cost="1200.5",
        renews_on=datetime.date(2027, 6, 30),
        paid_by="school",
    )
    assert str(licence.cost) == "1200.50"
    district = services.licence_add(actor=users[roles.DISTRICT_ADMIN], tool=tool, cost=0)
    with pytest.raises(PermissionDenied):
        services.licence_remove(actor=tech, licence=district)
    services.licence_remove(actor=tech, licence=licence)
    assert list(Licence.objects.all()) == [district]
    messages = list(tool_events().order_by("pk").values_list("message", flat=True))
    assert messages[-3:] == [
        "Added a licence: Khan Academy for North Elementary",
        "Added a licence: Khan Academy for the district",
        "Removed a licence: Khan Academy for North Elementary",
    ]
