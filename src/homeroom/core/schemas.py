from ninja import ModelSchema, Schema

from homeroom.core.choices import RoomKind, SiteType
from homeroom.core.models import Room, Site


class SiteOut(ModelSchema):
    class Meta:
        model = Site
        fields = ["id", "name", "code", "type", "address", "phone", "is_active"]


class SiteIn(Schema):
    name: str
    code: str
    type: SiteType = SiteType.ELEMENTARY
    address: str = ""
    phone: str = ""
    is_active: bool = True


class RoomOut(ModelSchema):
    site_id: int

    class Meta:
        model = Room
        fields = ["id", "number", "name", "kind", "floor", "is_active"]


class RoomIn(Schema):
    site_id: int
    number: str
    name: str = ""
    kind: RoomKind = RoomKind.CLASSROOM
    floor: str = ""
    is_active: bool = True
