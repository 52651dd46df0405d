"""Who may file and follow tickets. Teachers and staff hold `helpdesk.add_ticket`; students
hold no permission at all, so their access follows the district's help-desk setting."""

from dataclasses import dataclass

from homeroom.core import roles
from homeroom.core.access import Rule


def is_student(user) -> bool:
    return user.is_authenticated and roles.STUDENT in user.role_names


def students_may_file() -> bool:
    from homeroom.helpdesk.models import HelpdeskSettings

    return HelpdeskSettings.current().student_tickets


@dataclass(frozen=True)
class FilesTickets(Rule):
    """Signed-in users who may file tickets and follow their own: staff holding
    helpdesk.add_ticket, and students while the district allows student tickets."""

    def allows(self, user) -> bool:
        if not super().allows(user):
            return False
        if user.has_perm("helpdesk.add_ticket"):
            return True
        return is_student(user) and students_may_file()


@dataclass(frozen=True)
class ReadsArticles(Rule):
    """Signed-in users who may read the knowledge base: those who file tickets, and every
    student (the articles written for students), whether or not they may file."""

    def allows(self, user) -> bool:
        return super().allows(user) and (is_student(user) or FILES_TICKETS.allows(user))


FILES_TICKETS = FilesTickets()
READS_ARTICLES = ReadsArticles()
WORKS_TICKETS = Rule("helpdesk.work_ticket")
