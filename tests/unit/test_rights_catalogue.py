"""The rights tables are classified in the catalogue, column by column."""

from __future__ import annotations

from rekisteri.adapters.schema import rights
from rekisteri.catalogue import catalogue


def test_every_column_of_the_rights_tables_is_an_attribute_or_structural() -> None:
    for table in (
        rights.rights_request,
        rights.rights_request_event,
        rights.recipient_notification,
        rights.marketing_suppression,
        rights.retention_run,
    ):
        spec = catalogue.tables[table.name]
        for column in table.c:
            assert (
                column.name in spec.structural
                or catalogue.for_column(table.name, column.name) is not None
            ), f"{table.name}.{column.name}"
