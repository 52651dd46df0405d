from django import template

from homeroom.repairs.choices import RepairStatus

register = template.Library()


@register.inclusion_tag("repairs/includes/ticket_actions.html", takes_context=True)
def ticket_repair_actions(context, ticket):
    """A ticket's repair and loaner on its page: the repair opened from it (or “Open
    repair” while it has none), the loaner out for it (or “Give a loaner”)."""
    user = context["request"].user
    repair = ticket.repairs.first() if user.has_perm("repairs.view_repairorder") else None
    loaner = None
    if user.has_perm("repairs.view_loaner"):
        loaner = (
            ticket.loaners.filter(assignment__checked_in_at__isnull=True)
            .select_related("assignment__device")
            .first()
        )
    repair_needed = repair is None or repair.status == RepairStatus.CANCELLED
    may_repair = ticket.is_open and ticket.device_id and user.has_perm("repairs.add_repairorder")
    may_lend = ticket.is_open and ticket.affected_person_id and user.has_perm("repairs.add_loaner")
    return {
        "ticket": ticket,
        "repair": repair,
        "loaner": loaner,
        "can_open_repair": may_repair and repair_needed,
        "can_lend": may_lend and loaner is None,
        "csrf_token": context.get("csrf_token"),
    }
