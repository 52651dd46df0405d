from decimal import Decimal

from homeroom.core.testing import WalkSamples
from homeroom.software.models import Licence, Tool


def samples(base) -> WalkSamples:
    """A tool used at the walk's site, with a licence there (a fresh one for each removal)."""
    tool = Tool.objects.create(name="Walk tool", category="content", vendor="Walk Inc.")
    tool.sites.set([base.site])

    def licence():
        return Licence.objects.create(tool=tool, site=base.site, seats=30, cost=Decimal("90")).pk

    by_url_name = {
        f"software:{name}": tool.pk for name in ("tool_detail", "tool_edit", "licence_add")
    }
    by_url_name["software:licence_remove"] = licence
    return WalkSamples(by_url_name=by_url_name)
