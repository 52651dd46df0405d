"""The page-numbered pagination every API list uses."""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import PageNumberPagination

from homeroom.core.numbers import LARGEST_ID


class Pages(PageNumberPagination):
    """Django Ninja's page numbers, with the page number bounded so that its offset still
    fits in the 64 bits a database takes (a larger one answered a server error)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=LARGEST_ID // settings.PAGINATION_MAX_PER_PAGE_SIZE)
        page_size: int | None = Field(None, ge=1)
