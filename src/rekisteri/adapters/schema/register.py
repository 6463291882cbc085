"""Tables of the register core: persons, contacts, sites, contracts, billing, service contacts.

Every column is classified in the personal-data catalogue (rekisteri.catalogue); a test fails
for any column that is not.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from rekisteri.adapters.schema.base import (
    UtcDateTime,
    encrypted_columns,
    metadata,
    provenance_columns,
)

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_number", String(12), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # natural | legal
    Column("relationship", String(10), nullable=False),  # customer | prospect
    Column("first_names", String(100)),
    Column("last_name", String(100)),
    Column("organisation_name", String(200)),
    *encrypted_columns("hetu"),
    Column("business_id", String(9), index=True),
    Column("birth_year", Integer),
    Column("gender", String(12)),  # as stated by the person; never inferred from the code
    Column("mother_tongue", String(5)),
    Column("customer_class", String(30)),
    Column("deceased_on", Date),
    Column("restricted", Boolean, nullable=False, default=False),
    Column("restricted_reason", String(200)),
    # Told by the population register (or the person, with proof): a non-disclosure for personal
    # safety (turvakielto), a ban on using population-register data for direct marketing, and
    # guardianship (edunvalvonta). Server defaults so bulk loads need not name them.
    Column("non_disclosure", Boolean, nullable=False, default=False, server_default=false()),
    Column(
        "population_marketing_ban", Boolean, nullable=False, default=False, server_default=false()
    ),
    Column("under_guardianship", Boolean, nullable=False, default=False, server_default=false()),
    # An organisation's situation in the trade register (registered, restructuring,
    # liquidation, bankrupt, ceased) and the day the register entered it.
    Column("trade_status", String(14)),
    Column("trade_status_on", Date),
    Column("created_at", UtcDateTime(), nullable=False),
    *provenance_columns(),
    CheckConstraint("kind in ('natural', 'legal')", name="kind"),
    CheckConstraint("relationship in ('customer', 'prospect')", name="relationship"),
)
Index("ix_person_last_name", person.c.last_name)

contact_point = Table(
    "contact_point",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # phone | email | postal
    Column("phone", String(20), index=True),  # E.164
    Column("email", String(254), index=True),
    Column("street", String(200)),
    Column("postal_code", String(10)),
    Column("post_office", String(100)),
    Column("country", String(2)),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    *provenance_columns(),
    CheckConstraint("kind in ('phone', 'email', 'postal')", name="kind"),
)

site = Table(
    "site",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("street", String(200), nullable=False),
    Column("postal_code", String(10), nullable=False),
    Column("post_office", String(100), nullable=False),
    Column("housing_type", String(20)),
    Column("ownership", String(20)),
    Column("usage_timing", String(20)),
    Column("heating_type", String(20)),
    Column("consumption_estimate_kwh", Integer),
    Column("main_fuse_a", Integer),
    Column("connection_details", String(200)),
    *provenance_columns(),
)

metering_point = Table(
    "metering_point",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("gsrn", String(18), nullable=False, unique=True),
    Column("site_id", ForeignKey("site.id"), nullable=False, index=True),
    Column("kind", String(12), nullable=False),  # consumption | production
    # The distribution system operator whose grid the point is in, by its GS1 party code
    # (13 digits) as Datahub names it.
    Column("grid_owner", String(13)),
    *provenance_columns(),
)

device = Table(
    "device",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", ForeignKey("site.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("description", String(200)),
    Column("installed_on", Date),
    Column("removed_on", Date),  # null while the device is at the site
    *provenance_columns(),
)

billing_account = Table(
    "billing_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("street", String(200), nullable=False),
    Column("postal_code", String(10), nullable=False),
    Column("post_office", String(100), nullable=False),
    Column("country", String(2), nullable=False),
    Column("due_day", Integer, nullable=False),
    Column("rhythm", String(12), nullable=False),
    Column("method", String(16), nullable=False),
    *encrypted_columns("iban"),
    *provenance_columns(),
    CheckConstraint("due_day between 1 and 28", name="due_day"),
)

contract = Table(
    "contract",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contract_number", String(16), nullable=False, unique=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("site_id", ForeignKey("site.id"), nullable=False, index=True),
    Column("billing_account_id", ForeignKey("billing_account.id"), index=True),
    Column("kind", String(10), nullable=False),  # sales | network
    Column("product", String(60), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("fixed_term_end", Date),
    Column("end_reason", String(30)),
    # A contract sold by telephone (Consumer Protection Act, chapter 6, from 2023): which party
    # made the call and when; after a call the company made, the written offer (when, how) and
    # the consumer's written acceptance (when, how), without which the contract is not in force.
    Column("sales_call", String(8)),  # inbound | outbound; null: not sold by telephone
    Column("sales_call_at", UtcDateTime()),
    Column("offer_sent_at", UtcDateTime()),
    Column("offer_sent_how", String(12)),
    Column("accepted_at", UtcDateTime()),
    Column("accepted_how", String(12)),
    *provenance_columns(),
    CheckConstraint("end_date is null or end_date >= start_date", name="period"),
)

contact_person = Table(
    # A natural person acting for an organisation (a legal person's row) in a role. The row is
    # the contact person's data: they are the data subject, the organisation is not.
    "contact_person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),  # contact | signatory | invoice_receiver
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    *provenance_columns(),
    CheckConstraint("role in ('contact', 'signatory', 'invoice_receiver')", name="role"),
    CheckConstraint("valid_to is null or valid_to >= valid_from", name="validity"),
)

representative = Table(
    # Someone who acts for the person: a guardian, the contact of the person's estate after
    # their death, or a holder of their power of attorney (domain/representatives). The row is
    # the represented person's data (who may act for them); the representative's name and
    # address are kept here only to reach them for the person, and go with the row.
    "representative",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # guardian | estate_contact | power_of_attorney
    Column("powers", String(80), nullable=False),  # see_data,rights_requests,...
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("name", String(200), nullable=False),
    Column("street", String(200)),
    Column("postal_code", String(10)),
    Column("post_office", String(100)),
    Column("country", String(2)),
    Column("email", String(254)),
    Column("phone", String(20)),
    # How the authority was shown: the kind of document and a reference to it (never the
    # document: a court decision's number, the estate inventory's date and drafter).
    Column("evidence", String(30), nullable=False),
    Column("evidence_ref", String(200), nullable=False),
    *provenance_columns(),
    CheckConstraint("kind in ('guardian', 'estate_contact', 'power_of_attorney')", name="kind"),
    CheckConstraint("valid_to is null or valid_to >= valid_from", name="validity"),
)

invoice = Table(
    "invoice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_number", String(16), nullable=False, unique=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("billing_account_id", ForeignKey("billing_account.id"), nullable=False, index=True),
    Column("contract_id", ForeignKey("contract.id"), index=True),
    # Payments from the bank find their invoice by it (services/billing/payments).
    Column("reference", String(20), nullable=False, index=True),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("status", String(14), nullable=False),  # open | paid | in_collection | cancelled
    Column("paid_on", Date),
    Column("reminders", Integer, nullable=False, default=0),
    # e_invoice | direct_payment | email | paper: how the billing system sent it (a Finvoice
    # message's recipient details); none for invoices from before the billing system's file.
    Column("delivery_method", String(16)),
    *provenance_columns(),
)

invoice_file = Table(
    # Every Finvoice file imported once: its content hash makes a repeated import change
    # nothing (P2: the file is the source of each invoice it brought).
    "invoice_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("messages", Integer, nullable=False),
    Column("invoices_new", Integer, nullable=False),
    Column("invoices_changed", Integer, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(60), nullable=False),
)

payment = Table(
    "payment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", ForeignKey("invoice.id"), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    # The bank's own reference of the transaction (camt.054 AcctSvcrRef): the same payment
    # notified twice is found by it and changes nothing.
    Column("bank_ref", String(35), unique=True),
    # What the payment brought beyond the invoice's open balance, kept for review (a refund).
    Column("excess_cents", Integer),
    *provenance_columns(),
)

contact_log = Table(
    "contact_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("direction", String(8), nullable=False),  # inbound | outbound
    Column("topic", String(60), nullable=False),
    Column("note", Text),
    Column("handled_by", String(60)),
    # The customer-service system's own id of an entry that came in a feed: the same record
    # sent again is the same entry (null for entries made here).
    Column("feed_ref", String(80), unique=True),
    *provenance_columns(),
)

call_recording = Table(
    "call_recording",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("contact_log_id", ForeignKey("contact_log.id"), index=True),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("duration_seconds", Integer, nullable=False),
    Column("file_ref", String(300)),  # null once the audio file has been destroyed
    Column("file_destroyed_at", UtcDateTime()),
    *provenance_columns(),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("satisfaction", Integer),  # 1-5
    Column("text", Text),
    # The contact the feedback is about, if any (cleared when that entry's period ends first).
    Column("contact_log_id", ForeignKey("contact_log.id"), index=True),
    # The survey system's own id of an answer that came in a feed (null for feedback given here).
    Column("feed_ref", String(80), unique=True),
    *provenance_columns(),
    CheckConstraint("satisfaction is null or satisfaction between 1 and 5", name="satisfaction"),
)

digital_account = Table(
    "digital_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, unique=True),
    Column("login", String(254), nullable=False, unique=True),
    Column("registered_at", UtcDateTime(), nullable=False),
    Column("last_login_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    *provenance_columns(),
)

consent_event = Table(
    "consent_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("purpose", String(30), nullable=False),
    Column("channel", String(10), nullable=False),  # email | sms | letter | phone
    Column("event", String(12), nullable=False),  # granted | withdrawn | prohibited
    Column("at", UtcDateTime(), nullable=False),
    Column("captured_how", String(20), nullable=False),
    Column("captured_by", String(60), nullable=False),
    Column("wording", Text),
    Column("wording_version", String(20)),
    Column("ip_address", String(45)),
    Column("user_agent", String(300)),
    Column("expires_at", UtcDateTime()),
    *provenance_columns(),
    CheckConstraint("event in ('granted', 'withdrawn', 'prohibited')", name="event"),
)
Index(
    "ix_consent_event_person_purpose_channel_at",
    consent_event.c.person_id,
    consent_event.c.purpose,
    consent_event.c.channel,
    consent_event.c.at,
)

attribute_change = Table(
    # The rectification history (P12): who changed which attribute, when, from what to what, why.
    # Values of encrypted attributes are stored encrypted here too.
    "attribute_change",
    metadata,
    Column("id", Integer, primary_key=True),
    # The person the changed data belonged to at the time (null for a site nobody holds).
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(60), nullable=False),
    Column("table_name", String(40), nullable=False),
    Column("row_id", Integer, nullable=False),
    Column("attribute", String(60), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("reason", String(300), nullable=False),
    *provenance_columns(),
)

counter = Table(
    # Number series (customer, contract and invoice numbers); not personal data.
    "counter",
    metadata,
    Column("name", String(30), primary_key=True),
    Column("value", Integer, nullable=False),
)
