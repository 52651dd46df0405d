from homeroom.core import roles
from homeroom.core.testing import WalkSamples
from homeroom.helpdesk.models import Article, Attachment, IssueType, Ticket
from homeroom.people.models import User

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def samples(base) -> WalkSamples:
    """A ticket the walk's teacher asked for, watched by the other staff roles at the site
    so every role allowed to follow tickets can open it; a photo on it; an article."""
    from homeroom.helpdesk import attachments

    ticket = Ticket.objects.create(
        site=base.site, room=base.room, requester=base.user, subject="Walk ticket"
    )
    staff = User.objects.filter(
        groups__name__in=[roles.LIBRARIAN, roles.TEST_COORDINATOR], sites=base.site
    )
    ticket.watchers.add(*staff)
    photo = attachments.Photo("walk.png", "image/png", "png", PNG)
    path = attachments.store(photo, ticket.pk)
    attachment = Attachment.objects.create(
        ticket=ticket,
        file_name="walk.png",
        file_path=str(path),
        content_type="image/png",
        size=len(PNG),
        sha256=photo.sha256,
    )
    article = Article.objects.create(
        title="Walk article", slug="walk-article", body="Steps", audience="student"
    )
    # Not physical damage: “This fixed it” is refused for that.
    issue = IssueType.objects.filter(parent__isnull=False, physical_damage=False).first()
    base.ticket = ticket
    return WalkSamples(
        by_url_name={
            **{
                f"helpdesk:{name}": ticket.pk
                for name in (
                    "ticket_detail",
                    "ticket_reply",
                    "ticket_status",
                    "ticket_assign",
                    "ticket_update",
                    "ticket_escalate",
                    "ticket_watch",
                )
            },
            "helpdesk:attachment": attachment.pk,
            "helpdesk:article_detail": article.slug,
            "helpdesk:article_edit": article.slug,
            # Both the token and the rating: a link that is not signed shows its page.
            "helpdesk:rate": 3,
        },
        by_key={
            "ticket_id": ticket.pk,
            "slug": article.slug,
            "issue_type_id": issue.pk,
        },
        bodies={
            "create_ticket": {"site_id": base.site.pk, "subject": "Projector has no image"},
            "set_ticket_status": {"status": "triaged"},
            "escalate_ticket": {"external_reference": "DIT-1"},
            "assign_ticket": {"assignee_id": None},
            "add_comment": {"body": "Any news?"},
            "record_deflection": {},
        },
    )
