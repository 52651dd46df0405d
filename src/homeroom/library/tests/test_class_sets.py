"""Class sets: a copy of one title to every student of a class in one action, refusals
listed, who still has none; taken back at the end of term; the report of students without
a copy. Through the services and the pages."""

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.library import circulation, class_sets
from homeroom.library.choices import CopyStatus, LoanStatus
from homeroom.library.models import Copy, Loan
from homeroom.people.models import Enrollment, Person, SchoolClass

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def fourth_grade(sites):
    """Ms Rivera's class of five fourth graders (one has left the class)."""
    school_class = SchoolClass.objects.create(title="Grade 4 Rivera", site=sites[0])
    teacher = Person.objects.create(
        given_name="Rosa", family_name="Rivera", kind="teacher", primary_site=sites[0]
    )
    Enrollment.objects.create(
        person=teacher, school_class=school_class, site=sites[0], role="teacher"
    )
    pupils = []
    for given, family in [("Ada", "Abe"), ("Ben", "Bo"), ("Cy", "Cole"), ("Di", "Dane")]:
        pupil = Person.objects.create(
            given_name=given, family_name=family, grade="04", primary_site=sites[0]
        )
        Enrollment.objects.create(
            person=pupil, school_class=school_class, site=sites[0], role="student"
        )
        pupils.append(pupil)
    left = Person.objects.create(given_name="Ed", family_name="Left", primary_site=sites[0])
    Enrollment.objects.create(
        person=left, school_class=school_class, site=sites[0], role="student", is_active=False
    )
    return school_class, pupils


@pytest.fixture
def textbooks(titles, library):
    """Three textbooks of "Holes" on the shelf and one on the hold shelf."""
    made = [
        Copy.objects.create(
            barcode=f"TX{n}", title=titles[0], library=library, circulation_type="textbook"
        )
        for n in range(1, 5)
    ]
    Copy.objects.filter(pk=made[3].pk).update(status=CopyStatus.ON_HOLD_SHELF)
    return made


def test_one_action_lends_a_copy_to_each_student_who_has_none(
    librarian, library, titles, textbooks, fourth_grade
):
    school_class, pupils = fourth_grade
    # Ada has one already.
    circulation.check_out(actor=librarian, copy=textbooks[0], person=pupils[0])
    done = class_sets.class_set_check_out(
        actor=librarian, title=titles[0], school_class=school_class, library=library
    )
    assert sorted(loan.person.given_name for loan in done.done) == ["Ben", "Cy"]
    assert done.without == [pupils[3]] and done.refused == []
    assert Loan.objects.filter(status=LoanStatus.OUT).count() == 3
    roster = class_sets.roster(titles[0], school_class)
    assert [(person.given_name, bool(loan)) for person, loan in roster] == [
        ("Ada", True),
        ("Ben", True),
        ("Cy", True),
        ("Di", False),
    ]
    event = AuditEvent.objects.filter(content_type__model="schoolclass").get()
    assert event.message.startswith("Class set of “Holes” from ")
    assert event.actor == librarian


def test_the_rules_apply_and_refusals_are_listed(
    librarian, library, titles, textbooks, fourth_grade
):
    school_class, pupils = fourth_grade
    circulation.loan_rule_save(actor=librarian, data={"library": library, "max_items": 1})
    other = Copy.objects.create(barcode="OWN-1", title=titles[1], library=library)
    circulation.check_out(actor=librarian, copy=other, person=pupils[1])
    done = class_sets.class_set_check_out(
        actor=librarian, title=titles[0], school_class=school_class, library=library
    )
    assert [person for person, _ in done.refused] == [pupils[1]]
    assert "1 of 1 books out" in done.refused[0][1]
    assert [loan.person for loan in done.done] == [pupils[0], pupils[2], pupils[3]]
    assert done.without == [pupils[1]]


def test_the_end_of_term_takes_the_class_set_back(
    librarian, library, titles, textbooks, fourth_grade, readers
):
    school_class, _ = fourth_grade
    class_sets.class_set_check_out(
        actor=librarian, title=titles[0], school_class=school_class, library=library
    )
    extra = Copy.objects.create(barcode="TX9", title=titles[0], library=library)
    circulation.check_out(actor=librarian, copy=extra, person=readers["maya"])  # not the class
    back = class_sets.class_set_check_in(
        actor=librarian, title=titles[0], school_class=school_class, library=library
    )
    assert len(back.done) == 3 and back.refused == []
    assert Loan.objects.filter(status=LoanStatus.OUT).get().copy == extra
    assert all(
        person is not None and loan is None
        for person, loan in class_sets.roster(titles[0], school_class)
    )


def test_others_may_not_lend_class_sets(
    users, make_user, sites, library, titles, textbooks, fourth_grade
):
    school_class, _ = fourth_grade
    far = make_user("far-librarian", roles.LIBRARIAN, sites=[sites[1]])
    for user in (users[roles.TEACHER], users[roles.TECHNICIAN], far):
        with pytest.raises(Exception) as refused:
            class_sets.class_set_check_out(
                actor=user, title=titles[0], school_class=school_class, library=library
            )
        assert refused.type.__name__ == "PermissionDenied"
    assert not Loan.objects.exists()


def test_the_page_lends_lists_and_exports(
    client_as, librarian, library, titles, textbooks, fourth_grade
):
    school_class, _ = fourth_grade
    desk = client_as(librarian)
    chooser = desk.get("/library/class-sets/", {"q": "holes", "class": school_class.pk})
    assert "Lend a copy to each student without one" in chooser.text
    assert "<strong>4</strong> without a copy" in chooser.text
    chosen = {"library": library.pk, "class": school_class.pk, "title": titles[0].pk}
    lent = desk.post("/library/class-sets/lend/", {**chosen, "action": "out"}, follow=True)
    assert "Lent 3 copies of Holes; 1 student still without one." in lent.text
    assert "<strong>1</strong> without a copy" in lent.text
    exported = desk.get("/library/class-sets/", {**chosen, "export": "csv"})
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert lines[1].startswith("Di Dane,Grade 4")
    with pinned_queries(13):  # whatever the class's size
        desk.get("/library/class-sets/", chosen)
    back = desk.post("/library/class-sets/lend/", {**chosen, "action": "in"}, follow=True)
    assert "Checked in 3 copies of Holes." in back.text


def test_the_page_is_the_librarians(users, client_as):
    for role in (roles.TEACHER, roles.TECHNICIAN, roles.STUDENT):
        assert client_as(users[role]).get("/library/class-sets/").status_code == 403
