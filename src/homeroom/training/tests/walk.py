import datetime
from decimal import Decimal

from django.utils import timezone

from homeroom.core.testing import WalkSamples
from homeroom.training.choices import SignUpStatus
from homeroom.training.models import Attendance, SignUp, TrainingSession


def samples(base) -> WalkSamples:
    """A session tomorrow at the walk's site, presented by the walk's teacher, who also has
    a seat in it."""
    starts = timezone.now() + datetime.timedelta(days=1)
    session = TrainingSession.objects.create(
        title="Walk session",
        topic="ai_literacy",
        presenter=base.user,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        site=base.site,
        room=base.room,
        capacity=10,
        credit_hours=Decimal("1.00"),
    )
    SignUp.objects.create(session=session, person=base.person, status=SignUpStatus.CONFIRMED)
    attended = Attendance.objects.create(session=session, person=base.person, hours=Decimal("1.00"))
    pages = [
        "session_detail",
        "signup",
        "cancel_signup",
        "session_cancel",
        "attendance",
        "scan",
        "sign_in_sheet",
        "calendar",
        "feedback",
    ]
    by_url_name = {f"training:{name}": session.pk for name in pages}
    by_url_name["training:certificate"] = attended.pk
    return WalkSamples(by_url_name=by_url_name)
