from datetime import datetime
from decimal import Decimal

from ninja import Field, ModelSchema, Schema

from homeroom.core.schemas import Id, amount_of
from homeroom.fees.choices import PaymentMethod
from homeroom.fees.models import Charge, FeeReason, Payment, Waiver


class FeeReasonOut(ModelSchema):
    class Meta:
        model = FeeReason
        fields = ["id", "name", "category", "default_amount", "is_active"]


class ChargeOut(ModelSchema):
    person_id: int
    person_name: str
    site_id: int
    reason_id: int
    reason_name: str

    class Meta:
        model = Charge
        fields = [
            "id",
            "amount",
            "paid",
            "waived",
            "balance",
            "status",
            "note",
            "source_label",
            "created_at",
        ]

    @staticmethod
    def resolve_person_name(charge) -> str:
        return str(charge.person)

    @staticmethod
    def resolve_reason_name(charge) -> str:
        return charge.reason.name


class PaymentShareOut(Schema):
    payment_id: int
    amount: Decimal = Field(description="The part of the payment that went to this charge.")
    method: PaymentMethod = Field(alias="payment.method")
    receipt_number: str = Field(alias="payment.receipt_number")
    received_at: datetime = Field(alias="payment.received_at")


class WaiverOut(ModelSchema):
    waived_by: str | None

    class Meta:
        model = Waiver
        fields = ["id", "amount", "reason", "waived_at"]

    @staticmethod
    def resolve_waived_by(waiver) -> str | None:
        return str(waiver.waived_by) if waiver.waived_by else None


class ChargeDetailOut(ChargeOut):
    payments: list[PaymentShareOut]
    waivers: list[WaiverOut]

    @staticmethod
    def resolve_payments(charge) -> list:
        return list(charge.payment_shares.select_related("payment").order_by("pk"))

    @staticmethod
    def resolve_waivers(charge) -> list:
        return list(charge.waivers.select_related("waived_by").order_by("pk"))


class ChargeIn(Schema):
    person_id: Id
    reason_id: Id
    amount: amount_of(Charge, "amount") | None = Field(
        None, description="Empty: the fee schedule's amount."
    )
    site_id: Id | None = Field(None, description="Empty: the person's school.")
    note: str = ""


class PaymentIn(Schema):
    person_id: Id
    amount: amount_of(Payment, "amount")
    method: PaymentMethod
    receipt_number: str = ""
    charge_ids: list[Id] | None = Field(
        None, description="The charges it pays, oldest first; empty: all the person owes."
    )
    note: str = ""


class PaymentOut(ModelSchema):
    person_id: int
    charge_ids: list[int]

    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "receipt_number", "note", "received_at"]

    @staticmethod
    def resolve_charge_ids(payment) -> list[int]:
        return [share.charge_id for share in payment.shares.order_by("pk")]


class WaiverIn(Schema):
    amount: amount_of(Waiver, "amount") | None = Field(
        None, description="Empty: all that is still owed."
    )
    reason: str


class BalanceOut(Schema):
    person_id: int
    balance: Decimal = Field(description="Unpaid fees over every site.")
    check_out_blocked: bool = Field(description="The district's fee rule stops a check-out.")
    limit: Decimal | None = Field(description="The rule's limit, when the rule is on.")
