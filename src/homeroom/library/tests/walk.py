from homeroom.core.testing import WalkSamples
from homeroom.library import marc
from homeroom.library.models import Copy, Library, Title


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
    by_key = {"title_id": title.pk, "barcode": copy.barcode}
    return WalkSamples(by_url_name=by_url_name, by_key=by_key)
