import datetime
import itertools

from django.utils import timezone

from homeroom.core.testing import WalkSamples
from homeroom.library import marc
from homeroom.library.models import Copy, Hold, Library, Loan, LoanRule, Stocktake, Title
from homeroom.people.models import Person


def samples(base) -> WalkSamples:
    """A title with a copy in the library of the walk's site."""
    library = Library.objects.create(site=base.site, name="Walk library", barcode_prefix="W")
    record = marc.written(None, {"title": "Walk in the woods", "author": "Walker, Tess"})
    text, print_ = marc.serialised(record)
    title = Title.objects.create(record=text, fingerprint=print_, title="Walk in the woods")
    copy = Copy.objects.create(barcode="WALK-1", title=title, library=library)
    by_url_name = {
        f"library:{name}": title.pk
        for name in ("title_detail", "title_edit", "title_status", "copy_create", "catalog_title")
    }
    by_url_name.update(
        {f"library:{name}": copy.pk for name in ("copy_detail", "copy_edit", "copy_status")}
    )
    rule = LoanRule.objects.order_by("pk").first()
    by_url_name["library:loan_rule_edit"] = rule.pk
    numbers = itertools.count(1)

    def new_copy() -> Copy:
        return Copy.objects.create(barcode=f"WALK-N{next(numbers)}", title=title, library=library)

    def new_loan() -> Loan:
        """A loan due now, which a renewal lengthens."""
        now = timezone.now()
        lent = new_copy()
        Copy.objects.filter(pk=lent.pk).update(status="checked_out")
        reader = Person.objects.create(
            given_name="Walking", family_name="Reader", kind="student", grade="04"
        )
        return Loan.objects.create(
            copy=lent,
            library=library,
            person=reader,
            rule=rule,
            due_on=timezone.localdate(now),
            due_at=now - datetime.timedelta(minutes=1),
        )

    def new_title() -> Title:
        other = Title.objects.create(record=text, fingerprint=print_, title="Another walk")
        Copy.objects.create(barcode=f"WALK-T{next(numbers)}", title=other, library=library)
        return other

    def new_stocktake(status: str = "open") -> int:
        return Stocktake.objects.create(library=library, status=status).pk

    by_url_name.update(
        {
            "library:stocktake": new_stocktake,
            "library:stocktake_close": new_stocktake,
            "library:stocktake_report": new_stocktake,
            "library:stocktake_mark_missing": lambda: new_stocktake("closed"),
        }
    )

    def new_hold() -> Hold:
        """A hold of the walking role's own, which everyone may cancel."""
        user = base.walk_user
        reader = Person.objects.filter(user=user).first() if user.is_authenticated else None
        if reader is None:
            reader = Person.objects.create(
                given_name="Waiting",
                family_name="Reader",
                user=user if user.is_authenticated else None,
            )
        return Hold.objects.create(title=new_title(), library=library, person=reader)

    by_key = {
        "stocktake_id": new_stocktake,
        "title_id": title.pk,
        "barcode": copy.barcode,
        "loan_id": lambda: new_loan().pk,
        "hold_id": lambda: new_hold().pk,
        "library_id": base.site.pk,
    }
    by_url_name.update(
        {
            "library:loan_claim_returned": lambda: new_loan().pk,
            "library:my_loan_renew": 1,
            "library:my_hold_cancel": 1,
            "library:hold_place": title.pk,
        }
    )

    def own_hold(wanted: Title) -> dict:
        """A hold for the walking role's own roster record (made for it when missing)."""
        user = base.walk_user
        if user.is_authenticated and getattr(user, "person", None) is None:
            Person.objects.create(given_name="Own", family_name="Reader", user=user)
        return {"title_id": wanted.pk, "library_id": base.site.pk}

    bodies = {
        "check_out_library_copy": lambda: {
            "barcode": new_copy().barcode,
            "person_id": base.person.pk,
        },
        "check_in_library_copy": lambda: {"barcode": new_loan().copy.barcode},
        "renew_library_loan": {},
        "cancel_library_hold": {},
        "mark_library_copy_damaged": lambda: {"barcode": new_loan().copy.barcode},
        "place_library_hold": lambda: own_hold(new_title()),
        "start_library_stocktake": lambda: {
            "library_id": base.site.pk,
            "call_number_from": f"{next(numbers):03d}",
        },
        "scan_library_stocktake": {"barcode": "WALK-1"},
        "close_library_stocktake": {},
    }
    return WalkSamples(by_url_name=by_url_name, by_key=by_key, bodies=bodies)
