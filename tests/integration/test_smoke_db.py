from sqlalchemy import inspect

from rekisteri.services.unit_of_work import RegisterApp


def test_migrated_schema_has_the_register_tables(register: RegisterApp) -> None:
    tables = set(inspect(register.engine).get_table_names())
    assert {"person", "contact_point", "contract", "attribute_change"} <= tables
