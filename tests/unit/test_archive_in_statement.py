"""The catalogue declares the readings archive as a storage of consumption data, so the privacy
statement says where readings are kept while the register keeps an archive, and only then."""

from __future__ import annotations

from pathlib import Path

import pytest

from rekisteri.catalogue import Category, catalogue
from rekisteri.config import Settings
from rekisteri.services.statement.notice import build_notice

ARCHIVE_WORD = {"fi": "lukema-arkisto", "sv": "mätvärdesarkiv", "en": "readings archive"}


def _retention_text(settings: Settings, lang: str) -> str:
    notice = build_notice(catalogue, settings, lang)
    section = next(s for s in notice.sections if s.key == "retention")
    return section.words()


def test_the_catalogue_declares_the_archive_a_storage_of_consumption_readings() -> None:
    (archive,) = catalogue.storages
    assert archive.category is Category.CONSUMPTION
    assert all(catalogue[key].category is Category.CONSUMPTION for key in archive.attributes)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_statement_says_where_readings_are_kept_only_with_an_archive(lang: str) -> None:
    with_archive = Settings(archive_dir=Path("arkisto"))
    assert ARCHIVE_WORD[lang] in _retention_text(with_archive, lang)
    assert ARCHIVE_WORD[lang] not in _retention_text(Settings(), lang)
