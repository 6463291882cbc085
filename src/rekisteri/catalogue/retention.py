"""The retention rules the catalogue's attributes point to."""

from __future__ import annotations

from rekisteri.catalogue.model import Anchor, OnErasure, RetentionRule
from rekisteri.domain.vocabulary import Words

CONTRACT_RECORDS = RetentionRule(
    "contract_records",
    Anchor.CONTRACT_END,
    120,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="electricity_market_act",
    setting="contract_retention_years",
    words=Words(
        "10 vuotta sopimuksen päättymisestä (sähkömarkkinalaki, kirjanpitolaki)",
        "10 år från avtalets upphörande (elmarknadslagen, bokföringslagen)",
        "10 years after the contract ended (Electricity Market Act, Accounting Act)",
    ),
)
CUSTOMER_DATA = RetentionRule(
    "customer_data",
    Anchor.RELATIONSHIP_END,
    12,
    OnErasure.ERASE,
    words=Words(
        "asiakassuhteen ajan ja 12 kuukautta sen päättymisestä",
        "under kundrelationen och 12 månader efter att den upphört",
        "during the customer relationship and 12 months after it ended",
    ),
)
MARKETING_DATA = RetentionRule(
    "marketing_data",
    Anchor.RELATIONSHIP_END,
    24,
    OnErasure.ERASE,
    words=Words(
        "luvan tai kiellon voimassaolon ajan ja 24 kuukautta asiakassuhteen päättymisestä",
        "så länge tillståndet eller förbudet gäller och 24 månader efter kundrelationen",
        "while the permission or prohibition stands and 24 months after the relationship",
    ),
)
CONTACT_HISTORY = RetentionRule(
    "contact_history",
    Anchor.RECORDED,
    36,
    OnErasure.ERASE,
    words=Words(
        "36 kuukautta yhteydenotosta",
        "36 månader från kontakten",
        "36 months from the contact",
    ),
)
RECORDINGS = RetentionRule(
    "recordings",
    Anchor.RECORDED,
    12,
    OnErasure.ERASE,
    setting="recording_retention_months",
    words=Words(
        "12 kuukautta tallennuksesta",
        "12 månader från inspelningen",
        "12 months from the recording",
    ),
)
FEEDBACK = RetentionRule(
    "feedback",
    Anchor.RECORDED,
    24,
    OnErasure.ERASE,
    words=Words(
        "24 kuukautta palautteesta", "24 månader från responsen", "24 months from the feedback"
    ),
)
OUTBOX = RetentionRule(
    # A queued message's link expires within days; once sent its copy has no use, and one the
    # mail server never took is given up long before this.
    "outbox",
    Anchor.RECORDED,
    1,
    OnErasure.ERASE,
    words=Words(
        "1 kuukausi viestin jonoon viennistä",
        "1 månad från att meddelandet ställdes i kö",
        "1 month from queuing the message",
    ),
)
READINGS = RetentionRule(
    "readings",
    Anchor.RECORDED,
    72,
    OnErasure.ERASE,
    setting="reading_retention_months",
    words=Words(
        "6 vuotta mittauksesta; laskutuksen perusteena olevat lukemat sopimustietojen mukaan",
        "6 år från mätningen; mätvärden som är grund för fakturering enligt avtalsuppgifterna",
        "6 years from the reading; readings a bill was based on as contract records",
    ),
)
DISCLOSURE_RECORDS = RetentionRule(
    "disclosure_records",
    Anchor.RECORDED,
    60,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="gdpr_accountability",
    words=Words(
        "5 vuotta luovutuksesta (osoitusvelvollisuus, EU:n tietosuoja-asetus 5 ja 30 art.)",
        "5 år från utlämnandet (ansvarsskyldighet, EU:s dataskyddsförordning art. 5 och 30)",
        "5 years from the disclosure (accountability, GDPR Art. 5 and 30)",
    ),
)
ACCESS_LOG = RetentionRule(
    "access_log",
    Anchor.RECORDED,
    60,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="gdpr_security",
    words=Words(
        "5 vuotta kirjauksesta (käsittelyn turvallisuus ja valvonta)",
        "5 år från loggningen (behandlingens säkerhet och tillsyn)",
        "5 years from the entry (security and supervision of processing)",
    ),
)
BREACH_RECORDS = RetentionRule(
    "breach_records",
    Anchor.RECORDED,
    60,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="gdpr_accountability",
    setting="breach_retention_years",
    words=Words(
        "5 vuotta siitä, kun tietoturvaloukkaus kirjattiin (osoitusvelvollisuus, EU:n "
        "tietosuoja-asetus 33 art. 5 kohta)",
        "5 år från att personuppgiftsincidenten registrerades (ansvarsskyldighet, EU:s "
        "dataskyddsförordning art. 33.5)",
        "5 years from when the breach was recorded (accountability, GDPR Art. 33(5))",
    ),
)
PAYMENTS_IN_REVIEW = RetentionRule(
    # A payment that could not be applied is an accounting voucher (Accounting Act 2:10: six
    # years from the end of the year), also once it has been refunded or applied by hand.
    "payments_in_review",
    Anchor.RECORDED,
    72,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="accounting_act",
    words=Words(
        "6 vuotta maksun saapumisesta (kirjanpitolaki)",
        "6 år från att betalningen kom in (bokföringslagen)",
        "6 years from receiving the payment (Accounting Act)",
    ),
)
ADDRESS_NOTICES = RetentionRule(
    # An address-change notice the register could not apply is work for staff: settled within
    # weeks, and of no use once the next notices have come (the mover service sends the
    # change again only if asked).
    "address_notices",
    Anchor.RECORDED,
    6,
    OnErasure.ERASE,
    words=Words(
        "6 kuukautta osoitteenmuutosilmoituksen saapumisesta",
        "6 månader från att adressändringsanmälan kom in",
        "6 months from receiving the address-change notice",
    ),
)
CREDIT_CHECKS = RetentionRule(
    # The answer of a credit check is needed while the contract is being made and for a review
    # of it; six months from the decision covers both (the query itself is a disclosure, kept
    # as disclosures are).
    "credit_checks",
    Anchor.RECORDED,
    6,
    OnErasure.ERASE,
    setting="credit_check_retention_months",
    words=Words(
        "6 kuukautta luottotietojen tarkistuksesta",
        "6 månader från kontrollen av kreditupplysningarna",
        "6 months from the credit check",
    ),
)
ALL_RULES = (
    CONTRACT_RECORDS,
    CUSTOMER_DATA,
    MARKETING_DATA,
    CONTACT_HISTORY,
    RECORDINGS,
    FEEDBACK,
    READINGS,
    DISCLOSURE_RECORDS,
    ACCESS_LOG,
    BREACH_RECORDS,
    PAYMENTS_IN_REVIEW,
    OUTBOX,
    ADDRESS_NOTICES,
    CREDIT_CHECKS,
)
