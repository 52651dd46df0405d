"""Reads of accounts, scoped to what the user may see."""

from django.db.models import Count, Q, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.people.choices import EnrollmentRole, PersonKind
from homeroom.people.models import Enrollment, Person, SchoolClass, User

TEACHING_ROLES = [EnrollmentRole.TEACHER, EnrollmentRole.AIDE]


def users_for(user) -> QuerySet[User]:
    """Accounts an account manager may see: those sharing a site with them, or all of them
    for someone who works at every site."""
    users = User.objects.prefetch_related("groups", "sites")
    if user.sees_all_sites:
        return users
    return users.filter(Q(sites__in=sites_for(user)) | Q(sites__isnull=True)).distinct()


def _teacher_person_ids(user) -> list[int]:
    return list(Person.objects.filter(user=user).values_list("pk", flat=True))


def classes_for(user) -> QuerySet[SchoolClass]:
    """Classes at the user's sites; a teacher (without view_all_students) sees only the
    classes they teach."""
    if not user.has_perm("people.view_schoolclass"):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.select_related("site", "course")
    if not user.sees_all_sites:
        classes = classes.filter(site__in=sites_for(user))
    if not user.has_perm("people.view_all_students"):
        classes = classes.filter(
            enrollments__person__in=_teacher_person_ids(user),
            enrollments__is_active=True,
            enrollments__role__in=TEACHING_ROLES,
        ).distinct()
    return classes


def people_for(user) -> QuerySet[Person]:
    """People the user may see: everyone at their sites for roles that need it; for a
    teacher, the staff at their sites and the students of the classes they teach."""
    if not user.has_perm("people.view_person"):
        return Person.objects.none()
    people = Person.objects.select_related("primary_site", "homeroom")
    if not user.sees_all_sites:
        people = people.filter(primary_site__in=sites_for(user))
    if not user.has_perm("people.view_all_students"):
        taught = Enrollment.objects.filter(
            is_active=True,
            role=EnrollmentRole.STUDENT,
            school_class__enrollments__person__in=_teacher_person_ids(user),
            school_class__enrollments__role__in=TEACHING_ROLES,
            school_class__enrollments__is_active=True,
        ).values("person_id")
        people = people.filter(~Q(kind=PersonKind.STUDENT) | Q(pk__in=taught))
    return people


def class_roster(school_class: SchoolClass) -> QuerySet[Enrollment]:
    return (
        school_class.enrollments.filter(is_active=True)
        .select_related("person")
        .order_by("role", "person__family_name", "person__given_name")
    )


def person_enrollments(person: Person) -> QuerySet[Enrollment]:
    return (
        person.enrollments.filter(is_active=True, school_class__is_active=True)
        .select_related("school_class", "school_class__site")
        .order_by("school_class__periods", "school_class__title")
    )


def student_counts(class_ids: list[int]) -> dict[int, int]:
    """Active students per class, for one page of classes."""
    return dict(
        Enrollment.objects.filter(
            school_class__in=class_ids, is_active=True, role=EnrollmentRole.STUDENT
        )
        .values_list("school_class")
        .annotate(students=Count("pk"))
        .order_by()
    )
