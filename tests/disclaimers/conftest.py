from datetime import date

import pytest

from disclaimers.models import DesignatedEntity, Disclaimer

LABEL_2022 = (
    "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ "
    "ООО «ТЕСТ», ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА ООО «ТЕСТ»"
)
LABEL_2020 = "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО ИНОСТРАННЫМ АГЕНТОМ ООО «ТЕСТ»"


@pytest.fixture
def labels(db):
    """The 2020 wording, replaced by the 2022 wording in force today."""
    old = Disclaimer.objects.create(
        text=LABEL_2020,
        effective_from=date(2020, 10, 1),
        effective_to=date(2022, 11, 30),
    )
    new = Disclaimer.objects.create(text=LABEL_2022, effective_from=date(2022, 12, 1))
    return old, new


@pytest.fixture
def memorial(db):
    return DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Мемориал",
        names_en="Memorial",
        footnote_ru="*Внесён Минюстом РФ в реестр иностранных агентов",
        footnote_en="*Included by the Russian Ministry of Justice into the register of foreign agents",
        listed_on=date(2023, 5, 19),
    )
