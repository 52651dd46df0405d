from decimal import Decimal

from django.core.files.base import ContentFile

from homeroom.core.testing import WalkSamples
from homeroom.software.models import Licence, ProvisioningExport, Review, Tool, ToolRequest


def _export(base) -> int:
    """A finished Canvas export of the walk's site, with its zip in the data dir."""
    from homeroom.software.exports import folder

    export = ProvisioningExport.objects.create(kind="canvas", site=base.site, status="done")
    path = folder() / str(export.pk) / "canvas-walk.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    ProvisioningExport.objects.filter(pk=export.pk).update(file_path=str(path))
    return export.pk


def samples(base) -> WalkSamples:
    """A tool used at the walk's site, with a licence there (a fresh one for each removal)
    and a review in progress; a request of the walking role's at the site."""
    tool = Tool.objects.create(name="Walk tool", category="content", vendor="Walk Inc.")
    tool.sites.set([base.site])

    def licence():
        return Licence.objects.create(tool=tool, site=base.site, seats=30, cost=Decimal("90")).pk

    by_url_name = {
        f"software:{name}": tool.pk for name in ("tool_detail", "tool_edit", "licence_add")
    }
    by_url_name["software:licence_remove"] = licence
    by_url_name["software:review_start"] = tool.pk
    review = Review.objects.create(tool=tool, terms_version="Walk terms")
    review.agreement_file.save("walk.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    for name in ("review_detail", "review_decide", "review_agreement", "review_agreement_download"):
        by_url_name[f"software:{name}"] = review.pk

    def asked():
        """A request of the walking role's own (anyone who may ask sees their own)."""
        user = base.walk_user if base.walk_user.is_authenticated else base.user
        return ToolRequest.objects.create(
            tool_name="Walk request",
            purpose="Walking",
            students=20,
            site=base.site,
            requested_by=user,
        ).pk

    for name in ("request_detail", "request_status", "request_to_catalog"):
        by_url_name[f"software:{name}"] = asked
    export = _export(base)
    for name in ("provisioning_export", "provisioning_export_download"):
        by_url_name[f"software:{name}"] = export
    return WalkSamples(by_url_name=by_url_name, **_api_samples(base))


def _api_samples(base) -> dict:
    """A fresh tool at the walk's site for each call (so a review can start on it), a
    review in progress on another, and a request of the walking role's own."""
    counter = iter(range(1, 100_000))

    def tool():
        made = Tool.objects.create(name=f"Walk API tool {next(counter)}", category="content")
        made.sites.set([base.site])
        return made.pk

    def review():
        return Review.objects.create(tool_id=tool(), terms_version="Walk API terms").pk

    def asked():
        user = base.walk_user if base.walk_user.is_authenticated else base.user
        return ToolRequest.objects.create(
            tool_name="Walk API request", purpose="x", students=5, site=base.site, requested_by=user
        ).pk

    return {
        "by_key": {
            "tool_id": tool,
            "review_id": review,
            "request_id": asked,
            "lms_format": "canvas",
            "export_id": lambda: _export(base),
        },
        "bodies": {
            "create_software_tool": lambda: {
                "name": f"Walk API new tool {next(counter)}",
                "category": "creation",
                "site_ids": [base.site.pk],
            },
            "start_software_review": {"terms_version": "Terms of 2026"},
            "decide_software_review": {"status": "approved"},
            "create_software_request": lambda: {
                "tool_name": f"Walk API ask {next(counter)}",
                "purpose": "Practice",
                "students": 12,
                "site_id": base.site.pk,
            },
            "set_software_request_status": {"status": "withdrawn"},
            "start_software_provisioning_export": lambda: {
                "format": "canvas",
                "site_id": base.site.pk,
            },
        },
    }
