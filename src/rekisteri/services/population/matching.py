"""Persons found by identity code through the blind index, many codes at a time.

The register never stores an identity code in plain: each is sealed, beside a keyed blind index
(adapters/crypto). A code from outside is found by computing its blind index and looking that up,
as `services/register/customers.find_by_identity_code` does for one code; here a file's codes
go in batches (one array on PostgreSQL, a few hundred per statement on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.services.register import attributes
from rekisteri.services.unit_of_work import UnitOfWork

IDENTITY_CODE = "person.personal_identity_code"


def persons_by_identity_code(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, int]:
    """The person of each code the register holds (codes it does not hold are left out). The
    codes must be in their checked form (domain.identifiers), as the blind index was made of."""
    attr = uow.catalogue[IDENTITY_CODE]
    column = attributes.blind_index_column(person, attr)
    by_index = {uow.cipher.blind_index(attr.key, code): code for code in set(codes)}
    dialect = uow.connection.dialect.name
    found: dict[str, int] = {}
    for chunk in batches(dialect, sorted(by_index)):
        rows = uow.execute(select(column, person.c.id).where(one_of(dialect, column, chunk)))
        found.update((by_index[index], int(pid)) for index, pid in rows)
    return found
