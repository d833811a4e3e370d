"""Orders as the platform sent them, plus what customer service added: confirmations, shipments, refunds, notes."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime
from ..extensions import db


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_phone", "phone"),)  # the case queue's search by a buyer's phone, exactly

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # when the buyer's personal data was erased (shopcs.privacy): the row stays, so their orders keep their buyer and
    # the reports their figures; its external_id is then a pseudonym ("erased:…") and name, phone and e-mail are empty
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_paid_at", "status", "paid_at"),
        Index("ix_orders_status_confirmed", "status", "address_confirmed_at", "paid_at"),  # queue: oldest unconfirmed first
        Index("ix_orders_status_phone_valid", "status", "phone_valid"),  # queue: flagged contact details
        Index("ix_orders_status_promised", "status", "promised_ship_date"),
        Index("ix_orders_updated_at", "updated_at", "id"),
        Index("ix_orders_phone", "phone"),
        Index("ix_orders_recipient", "recipient"),
        # a customer's orders (history, follow-ups); the repurchase report over a long window, grouped by customer
        Index("ix_orders_customer", "customer_id", "paid_at", "previous_paid_at"),
        Index("ix_orders_status_placed_at", "status", "placed_at"),  # follow-up sweeps: unpaid orders by age
        # refund-rate and repurchase reports: orders paid in a window (their totals in their currency; their
        # customers, and whether each had paid before), index only
        Index("ix_orders_paid_at", "paid_at", "total", "customer_id", "previous_paid_at", "currency"),
        # unpaid-recovery report: the orders placed in a window, when they were paid and their totals in their
        # currency, index only (PostgreSQL keeps the id beside the key; SQLite's rowid is the id)
        Index("ix_orders_placed_at", "placed_at", "paid_at", "total", "currency", postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_no: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    # active_history: a change knows the customer it leaves, whose previous payments change too (previous_payment.py)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), active_history=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the customer's latest payment before this one (null for their first, or while unpaid); previous_payment.py
    previous_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    items_total: Mapped[Decimal] = mapped_column(Money)
    shipping_fee: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    recipient: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    district: Mapped[str] = mapped_column(String(50), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")  # abroad: the first address line
    address_line2: Mapped[str] = mapped_column(String(300), default="", server_default="")  # abroad only
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    # ISO 3166-1 alpha-2; abroad, province is the state or region and district is unused
    country: Mapped[str] = mapped_column(String(2), default="CN", server_default="CN")
    address_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    address_confirmed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address_confirm_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    promised_ship_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # when ShopCS closed it itself (unpaid too long): the platform's later payment is still taken; null otherwise
    closed_here_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the platform's own time (Shopify updated_at, WooCommerce date_modified_gmt) of the last version applied: an
    # older delivery is stale (webhooks/deliveries.py); null for orders from the API or a file, or before one was sent
    platform_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer: Mapped[Customer] = relationship(lazy="joined")
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", order_by="OrderItem.position", cascade="all, delete-orphan"
    )
    shipments: Mapped[list["Shipment"]] = relationship(order_by="Shipment.id", cascade="all, delete-orphan")
    refunds: Mapped[list["Refund"]] = relationship(order_by="Refund.id", cascade="all, delete-orphan")


class OrderItem(db.Model):
    __tablename__ = "order_items"
    __table_args__ = (Index("ix_order_items_sku", "sku"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="items")


class Shipment(db.Model):
    """A parcel: entered on ShopCS's ship form (source "shopcs") or reported by the platform ("api", "shopify").

    A platform's shipment is taken even when its number fails our format check or its carrier is unknown to us;
    it is then flagged for a look (flag_reason: codes, i18n_labels.SHIPMENT_FLAGS) until an agent clears it.
    """

    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("carrier", "tracking_no", name="uq_shipments_carrier_tracking"),
        # a platform's fulfilment becomes one shipment: its update finds it again
        UniqueConstraint("source", "external_id", name="uq_shipments_source_external"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(20))
    tracking_no: Mapped[str] = mapped_column(String(40))
    shipped_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20), default="shopcs", server_default="shopcs")  # shopcs | api | shopify
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the platform's time; null from the form
    carrier_name: Mapped[str | None] = mapped_column(String(100), nullable=True)  # as the platform named it
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the platform's fulfilment id
    shipment_status: Mapped[str | None] = mapped_column(String(30), nullable=True)  # e.g. Shopify's in_transit
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    flag_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)  # comma-separated codes


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("order_id", "idempotency_key", name="uq_refunds_idempotency"),
        # refunds by status (the queue's "requested"), and the refund-rate report's refunds completed in a window
        Index("ix_refunds_status_completed", "status", "completed_at", "order_id", "amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(30))
    with_return: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HandoffNote(db.Model):
    """A note on an order addressed to a team; it stays in that team's inbox until marked done."""

    __tablename__ = "handoff_notes"
    __table_args__ = (Index("ix_handoff_open", "department", "done_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    department: Mapped[str] = mapped_column(String(20))  # after_sales | shipping | general (to nobody)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    order: Mapped[Order] = relationship(lazy="joined", viewonly=True)  # inbox rows show the order no.


class CarrierExclusion(db.Model):
    """A province a carrier does not deliver to; supervisors edit the list."""

    __tablename__ = "carrier_exclusions"
    __table_args__ = (UniqueConstraint("carrier", "province", name="uq_carrier_exclusion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(50))
