"""The catalogue is complete: every column of every table is either a declared personal
attribute or a structural column with a reason, and the migrations build exactly the schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from rekisteri.adapters.schema import metadata
from rekisteri.catalogue import Category, Role, Visibility, catalogue
from rekisteri.catalogue.readers import CATEGORY_READERS
from rekisteri.services.unit_of_work import RegisterApp


def test_every_column_of_the_database_is_in_the_catalogue(register: RegisterApp) -> None:
    """Walks the migrated database itself (not only the code's metadata)."""
    insp = inspect(register.engine)
    unclassified = []
    for table in insp.get_table_names():
        if table == "alembic_version":
            continue
        spec = catalogue.tables.get(table)
        if spec is None:
            unclassified.append(f"{table} (no TableSpec)")
            continue
        for column in insp.get_columns(table):
            name = column["name"]
            if catalogue.for_column(table, name) is None and name not in spec.structural:
                unclassified.append(f"{table}.{name}")
    assert unclassified == [], f"not in the personal-data catalogue: {unclassified}"


def test_migrations_build_exactly_the_tables_the_code_declares(register: RegisterApp) -> None:
    with register.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"migrations and schema differ: {diff}"


def test_catalogue_declarations_are_coherent() -> None:
    for attr in catalogue.attributes:
        table = metadata.tables[attr.table]
        for col in attr.columns:
            assert col in table.c, f"{attr.key} names a missing column {col}"
        assert attr.purposes, attr.key
        assert attr.sources, attr.key
        assert all(attr.words), attr.key
        spec = catalogue.tables[attr.table]
        assert spec.personal and spec.subject, f"{attr.key}: its table has no path to a person"
    for name, spec in catalogue.tables.items():
        assert name in metadata.tables, f"TableSpec for a missing table {name}"
        if not spec.personal:
            assert spec.why_not_personal, name


def test_deny_by_default_marketing_never_sees_identity_codes_bank_accounts_or_payments() -> None:
    for key in ("person.personal_identity_code", "billing_account.iban", "invoice.invoice"):
        assert catalogue.visibility(catalogue[key], Role.MARKETING) is Visibility.NONE
    assert (
        catalogue.visibility(catalogue["person.personal_identity_code"], Role.CUSTOMER_SERVICE)
        is Visibility.MASKED
    )
    assert set(CATEGORY_READERS) == set(Category), "every category has declared readers"
