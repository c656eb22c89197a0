"""Demo content for a fictional agency: regions, authors and bilingual stories.

Every place, person and event here is invented. Times are relative to the day the
demo is loaded, so the newest stories are always recent.
"""

from datetime import timedelta

REGIONS = [
    # slug, English, Russian
    ("north-valley", "North Valley", "Северная долина"),
    ("lake-country", "Lake Country", "Озёрный край"),
    ("steppe-province", "Steppe Province", "Степная область"),
    ("coastal-republic", "Coastal Republic", "Приморская республика"),
]

AUTHORS = [
    # key, English, Russian, other spellings seen in the archive
    ("medjid", "Faris Medjid", "Фарис Меджид", ["Faris Medzhid", "Faris Medzhidov"]),
    ("orlova", "Vera Orlova", "Вера Орлова", []),
    ("tamaev", "Ruslan Tamaev", "Руслан Тамаев", ["Ruslan Tamayev"]),
    ("beridze", "Nina Beridze", "Нина Беридзе", []),
]

# Tags are written in the story's language: the English name, then the Russian.
TAGS = {
    "courts": "суды",
    "human rights": "права человека",
    "elections": "выборы",
    "ecology": "экология",
    "media": "СМИ",
    "infrastructure": "инфраструктура",
    "protests": "протесты",
    "migration": "миграция",
}

SOURCE = {
    "ru": "корреспондент «Горного вестника»",
    "en": "Highland Herald correspondent",
}

# days_ago, time (Moscow), region, tags, authors, {language: (headline, lead, body)}
STORIES = [
    (
        0,
        "09:40",
        "north-valley",
        ["courts", "human rights"],
        ["medjid"],
        {
            "ru": (
                "Суд в Северной долине отложил слушания по делу трёх активистов",
                "Заседание перенесли на две недели из-за неявки свидетелей обвинения.",
                [
                    "Слушания по делу трёх участников экологического пикета должны были начаться утром, однако суд объявил перерыв.",
                    "По словам адвоката, защита настаивает на открытом процессе и намерена обжаловать решение о закрытии заседаний.",
                    "Активистов обвиняют в организации несогласованной акции у здания горнодобывающей компании.",
                ],
            ),
            "en": (
                "North Valley court postpones hearing in case of three activists",
                "The session was moved by two weeks because prosecution witnesses did not appear.",
                [
                    "The hearing in the case of three participants of an environmental picket was due to start in the morning, but the court announced a recess.",
                    "According to the defence lawyer, the defence insists on an open trial and intends to appeal against the decision to close the sessions.",
                    "The activists are charged with organising an unauthorised rally outside the office of a mining company.",
                ],
            ),
        },
    ),
    (
        0,
        "07:15",
        "lake-country",
        ["ecology"],
        ["orlova"],
        {
            "ru": (
                "Жители Озёрного края требуют проверить сбросы в реку Светлую",
                "Местные жители сообщили о массовой гибели рыбы ниже по течению от очистных сооружений.",
                [
                    "Обращение подписали более четырёхсот жителей трёх посёлков.",
                    "В районной администрации заявили, что пробы воды отправлены в лабораторию, а результаты будут опубликованы через неделю.",
                ],
            ),
        },
    ),
    (
        1,
        "18:05",
        "steppe-province",
        ["elections"],
        ["tamaev"],
        {
            "ru": (
                "В Степной области завершился приём заявлений от кандидатов в местные советы",
                "Избирательная комиссия зарегистрировала 212 заявлений, 17 кандидатам отказано.",
                [
                    "Большинство отказов связано с ошибками в подписных листах, сообщили в комиссии.",
                    "Двое отклонённых кандидатов заявили, что обжалуют решение в суде.",
                ],
            ),
            "en": (
                "Steppe Province closes candidate registration for local councils",
                "The election commission registered 212 applications and turned down 17 candidates.",
                [
                    "Most of the refusals concern errors in signature sheets, the commission said.",
                    "Two of the rejected candidates said they would challenge the decision in court.",
                ],
            ),
        },
    ),
    (
        2,
        "12:30",
        "coastal-republic",
        ["media", "human rights"],
        ["beridze", "medjid"],
        {
            "ru": (
                "Журналиста из Приморской республики оштрафовали за публикацию в соцсети",
                "Суд счёл, что пост о работе полиции «дискредитирует органы власти».",
                [
                    "Сам журналист вину не признал и назвал решение попыткой запугать независимую прессу.",
                    "Правозащитники отмечают, что это уже третий подобный штраф в республике с начала года.",
                ],
            ),
            "en": (
                "Coastal Republic journalist fined over social media post",
                'The court found that a post about police work "discredits the authorities".',
                [
                    "The journalist pleaded not guilty and called the ruling an attempt to intimidate the independent press.",
                    "Human rights defenders note that this is the third such fine in the republic since the start of the year.",
                ],
            ),
        },
    ),
    (
        3,
        "21:10",
        "north-valley",
        ["infrastructure"],
        ["orlova"],
        {
            "ru": (
                "Горную дорогу в Северной долине закрыли после схода селя",
                "Движение перекрыто на участке длиной около трёх километров.",
                [
                    "Спасатели эвакуировали пассажиров двух рейсовых автобусов; пострадавших нет.",
                    "Дорожные службы рассчитывают открыть проезд не раньше чем через пять дней.",
                ],
            ),
            "en": (
                "Mountain road in North Valley closed after mudflow",
                "Traffic is blocked along a stretch of about three kilometres.",
                [
                    "Rescuers evacuated the passengers of two scheduled buses; nobody was hurt.",
                    "Road services expect to reopen the road in five days at the earliest.",
                ],
            ),
        },
    ),
    (
        5,
        "10:00",
        "lake-country",
        ["courts"],
        ["tamaev"],
        {
            "ru": (
                "Апелляционный суд оставил в силе приговор бывшему главе Озёрного района",
                "Экс-чиновник осуждён на шесть лет по делу о растрате бюджетных средств.",
                [
                    "Защита намерена обратиться в кассационную инстанцию.",
                    "По версии следствия, средства предназначались на ремонт школ района.",
                ],
            ),
        },
    ),
    (
        8,
        "16:45",
        "steppe-province",
        ["ecology", "protests"],
        ["medjid"],
        {
            "ru": (
                "Фермеры Степной области вышли на пикет против строительства полигона",
                "Участники акции опасаются загрязнения грунтовых вод.",
                [
                    "Пикет прошёл у здания областного правительства и продолжался около двух часов.",
                    "Представитель министерства природных ресурсов пообещал провести повторные общественные слушания.",
                ],
            ),
            "en": (
                "Steppe Province farmers picket against landfill construction",
                "The protesters fear contamination of groundwater.",
                [
                    "The picket took place outside the regional government building and lasted about two hours.",
                    "A spokesperson for the ministry of natural resources promised to hold new public hearings.",
                ],
            ),
        },
    ),
    (
        13,
        "08:20",
        "coastal-republic",
        ["migration"],
        ["beridze"],
        {
            "ru": (
                "В порту Приморской республики открыли центр помощи мигрантам",
                "Центр будет консультировать по вопросам документов и трудоустройства.",
                [
                    "Центр создан при поддержке местных волонтёрских организаций.",
                    "В первый день за помощью обратились около сорока человек.",
                ],
            ),
            "en": (
                "Migrant help centre opens in Coastal Republic port",
                "The centre will advise on documents and employment.",
                [
                    "The centre was set up with the support of local volunteer organisations.",
                    "About forty people asked for help on its first day.",
                ],
            ),
        },
    ),
    (
        21,
        "19:55",
        "north-valley",
        ["human rights"],
        ["medjid"],
        {
            "ru": (
                "Родственники задержанных в Северной долине заявили о давлении на них",
                "Семьи говорят о повторных вызовах в полицию и угрозах.",
                [
                    "В полиции обвинения в давлении отвергли.",
                    "Правозащитный центр «Горный щит» направил жалобу в прокуратуру.",
                    "Юристы «Горного щита» намерены представлять интересы семей в суде.",
                ],
            ),
            "en": (
                "Relatives of North Valley detainees report pressure",
                "Families speak of repeated police summonses and threats.",
                [
                    "The police rejected the allegations of pressure.",
                    "The Mountain Shield human rights centre has filed a complaint with the prosecutor's office.",
                ],
            ),
        },
    ),
    (
        34,
        "11:05",
        "lake-country",
        ["elections"],
        ["tamaev", "orlova"],
        {
            "ru": (
                "В Озёрном крае утвердили дату выборов в районные советы",
                "Голосование пройдёт в единый день голосования в сентябре.",
                [
                    "Наблюдатели обращают внимание на сокращение числа избирательных участков.",
                    "Избирательная комиссия объясняет это оттоком населения из малых сёл.",
                ],
            ),
            "en": (
                "Lake Country sets date for district council elections",
                "The vote will take place on the single voting day in September.",
                [
                    "Observers point to a reduced number of polling stations.",
                    "The election commission explains this by people leaving small villages.",
                ],
            ),
        },
    ),
    (
        47,
        "14:40",
        "steppe-province",
        ["media"],
        ["beridze"],
        {
            "ru": (
                "Районная газета в Степной области прекратила выпуск после 60 лет работы",
                "Редакция объяснила закрытие ростом цен на бумагу и печать.",
                [
                    "Архив газеты будет передан в областную библиотеку.",
                    "Часть сотрудников продолжит работу в новом интернет-издании.",
                ],
            ),
        },
    ),
    (
        63,
        "09:57",
        "coastal-republic",
        ["courts", "media"],
        ["medjid"],
        {
            "ru": (
                "Суд Приморской республики признал незаконной блокировку местного сайта",
                "Решение о блокировке было принято без уведомления редакции.",
                [
                    "Редакция узнала о блокировке от читателей.",
                    "Юристы издания считают решение важным прецедентом для региональных СМИ.",
                ],
            ),
            "en": (
                "Coastal Republic court rules blocking of local website unlawful",
                "The decision to block the website was taken without notifying the newsroom.",
                [
                    "The newsroom learnt of the blocking from its readers.",
                    "The outlet's lawyers see the ruling as an important precedent for regional media.",
                ],
            ),
        },
    ),
    (
        79,
        "17:30",
        "north-valley",
        ["ecology"],
        ["orlova"],
        {
            "ru": (
                "В Северной долине высадили тысячу саженцев на месте лесного пожара",
                "В акции участвовали школьники и сотрудники лесничества.",
                ["Пожар прошлым летом уничтожил около двухсот гектаров леса."],
            ),
            "en": (
                "A thousand saplings planted on North Valley wildfire site",
                "Schoolchildren and forestry staff took part in the planting.",
                ["Last summer's fire destroyed about two hundred hectares of forest."],
            ),
        },
    ),
    (
        96,
        "13:15",
        "lake-country",
        ["human rights", "protests"],
        ["tamaev"],
        {
            "ru": (
                "Участников одиночных пикетов в Озёрном крае отпустили без протоколов",
                "Задержания продолжались около трёх часов.",
                [
                    "Пикетчики выступали за освобождение местного блогера.",
                    "Ранее блогер публиковал расследования о грантах «Северного фонда».",
                ],
            ),
            "en": (
                "Lake Country solo picketers released without charges",
                "The detentions lasted about three hours.",
                [
                    "The picketers were demanding the release of a local blogger.",
                    "The blogger had earlier published investigations into grants "
                    "of the Northern Foundation.",
                ],
            ),
        },
    ),
    (
        118,
        "20:20",
        "steppe-province",
        ["infrastructure"],
        ["orlova"],
        {
            "ru": (
                "Жители трёх сёл Степной области две недели живут без водоснабжения",
                "Ремонт водовода задерживается из-за нехватки труб.",
                ["Воду жителям привозят в цистернах два раза в неделю."],
            ),
        },
    ),
]

# A story the editor has scheduled: readers see it only when its time comes.
SCHEDULED = (
    "ru",
    2,
    "north-valley",
    ["elections"],
    ["tamaev"],
    (
        "Избирком Северной долины опубликует итоги проверки подписей",
        "Итоги будут объявлены на открытом заседании комиссии.",
        ["Заседание будет транслироваться на сайте комиссии."],
    ),
)

AGENCY_LABEL = (
    "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ "
    "ООО «ГОРНЫЙ ВЕСТНИК», ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА "
    "ООО «ГОРНЫЙ ВЕСТНИК»"
)

# The legal file (manage.py import_legal format): an older label version, the one
# in force, and two register entries that demo stories mention.
LEGAL = {
    "labels": [
        {
            "text": "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО ИНОСТРАННЫМ "
            "СРЕДСТВОМ МАССОВОЙ ИНФОРМАЦИИ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА, "
            "И (ИЛИ) РОССИЙСКИМ ЮРИДИЧЕСКИМ ЛИЦОМ, ВЫПОЛНЯЮЩИМ ФУНКЦИИ ИНОСТРАННОГО АГЕНТА",
            "locales": ["ru", "en"],
            "effective_from": "2020-10-01",
            "effective_to": "2022-11-30",
        },
        {
            "text": AGENCY_LABEL,
            "locales": ["ru", "en"],
            "effective_from": "2022-12-01",
            "effective_to": None,
        },
    ],
    "register": [
        {
            "kind": "foreign_agent",
            "listed_on": "2023-05-19",
            "names": {"ru": ["Горный щит"], "en": ["Mountain Shield"]},
            "footnote": {
                "ru": "*Правозащитный центр «Горный щит» внесён Минюстом РФ в реестр иностранных агентов",
                "en": "*The Mountain Shield centre is included by the Russian Ministry of Justice into the register of foreign agents",
            },
        },
        {
            "kind": "undesirable",
            "listed_on": "2024-02-07",
            "names": {"ru": ["Северный фонд"], "en": ["Northern Foundation"]},
            "footnote": {
                "ru": "*Деятельность «Северного фонда» признана нежелательной на территории России",
                "en": "*The Northern Foundation's activities are declared undesirable in Russia",
            },
        },
    ],
}

PHOTOGRAPHERS = [
    # key, English, Russian, author key (when the photographer also writes)
    ("karimov", "Aziz Karimov", "Азиз Каримов", None),
    ("beridze", "Nina Beridze", "Нина Беридзе", "beridze"),
]

# Drawn by the demo loader (no downloads): key, scene, credit form, photographer,
# credit text, captions (en, ru), indices of STORIES that lead with it.
PHOTOS = [
    ("courthouse", "dusk", "photo_by_for_agency", "karimov", "",
     ("Outside the North Valley district court", "У здания районного суда Северной долины"),
     [0, 5]),
    ("river", "lake", "photo_agency", None, "Lake Country Online",
     ("The Svetlaya river below the treatment plant", "Река Светлая ниже очистных сооружений"),
     [1]),
    ("mountain-road", "mountains", "photo_by_for_agency", "beridze", "",
     ("The closed mountain road", "Закрытая горная дорога"),
     [4]),
    ("picket", "steppe", "video_screenshot_by", "karimov", "",
     ("Farmers at the picket", "Фермеры на пикете"),
     [6, 13]),
    ("port", "sea", "free_text", None, "Press service of the port",
     ("The port of the Coastal Republic", "Порт Приморской республики"),
     [7, 11]),
]  # fmt: skip

# The newsroom's day in progress: (language, headline, lead, paragraphs).
AWAITING_APPROVAL = (
    "ru",
    "В Озёрном крае начали ремонт моста через реку Светлую",
    "Работы должны завершиться до конца года.",
    ["Движение по мосту ограничено одной полосой."],
)
RETURNED = (
    "ru",
    "Депутаты Степной области обсудили бюджет на следующий год",
    "Обсуждение продолжалось более пяти часов.",
    ["Проект бюджета будет рассмотрен во втором чтении в декабре."],
)
RETURN_COMMENT = "Добавьте комментарий министерства финансов и цифры дефицита."
# An original corrected after its translation was approved: the translation is stale.
STALE_ORIGINAL_INDEX = 2
STALE_UPDATE = "<p>Обновлено: ещё трое кандидатов обжаловали отказ в регистрации.</p>"
# A published Russian-only story a translator has started on.
TRANSLATION_IN_PROGRESS_INDEX = 1
# A published story whose author proposed a correction: it waits for an editor.
PROPOSED_CHANGE_INDEX = 0
PROPOSED_LEAD_PREFIX = "Уточнение: "
# Filed, submitted and approved through the workflow, two hours apart.
APPROVED_AFTER_SUBMISSION = (
    "ru",
    "В Северной долине открыли новую поликлинику",
    "Поликлиника рассчитана на двести посещений в смену.",
    ["Строительство шло полтора года и завершилось в срок."],
)
APPROVAL_WAIT = timedelta(hours=2)
