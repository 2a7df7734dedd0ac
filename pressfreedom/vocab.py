"""Controlled vocabularies: declared once, shared by the ETL, the query layer and the UI.

Each vocabulary is a list of stable codes (what the data stores) with a label in every
UI language. Codes never change once published; labels may. Every vocabulary that
describes a fact from a source has an explicit ``unknown`` so that "the source does not
say" is never confused with a missing value.

Labels marked ``review=True`` are translations that still need a native speaker's review
(listed on the methodology page). Legal terms follow the Russian and Azerbaijani wording
of the documents in ``shared/sources`` where those documents use them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

LANGUAGES: tuple[str, ...] = ("en", "ru", "az")


@dataclass(frozen=True)
class Term:
    code: str
    en: str
    ru: str
    az: str
    review: bool = False  # translation awaits a native speaker's review

    def label(self, lang: str) -> str:
        return getattr(self, lang if lang in LANGUAGES else "en")


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    unknown: str | None = "unknown"  # the code meaning "the source does not say"
    _by_code: dict[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {t.code: t for t in self.terms})
        if self.unknown is not None and self.unknown not in self._by_code:
            raise ValueError(f"vocabulary {self.name} lacks its unknown code {self.unknown!r}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def label(self, code: str | None, lang: str = "en") -> str:
        if code is None or code == "":
            code = self.unknown or ""
        term = self._by_code.get(code)
        return term.label(lang) if term else str(code)

    def labels(self, lang: str = "en") -> dict[str, str]:
        return {t.code: t.label(lang) for t in self.terms}

    def keys(self) -> dict[str, str]:
        """Folded code or label (``fold``) -> code: the codes and their labels in every language.
        ``tests/test_vocab_labels.py`` fails if two codes share a folded key."""
        keys: dict[str, str] = {}
        for t in self.terms:
            keys.setdefault(t.code, t.code)
        for t in self.terms:
            for lang in LANGUAGES:
                keys.setdefault(fold(t.label(lang)), t.code)
        return keys

    def normalise(self, value: str) -> str | None:
        """Map a raw cell to a code, or None: the code or a label in any language, case and
        accents ignored, spaces or hyphens for underscores (the ETL's ``vkey`` folds alike)."""
        return self.keys().get(fold(value))


def fold(value: str) -> str:
    """A cell as the key it is looked up by: trimmed, lower case, accents dropped (NFKD without
    combining marks; the Azerbaijani dotless ı as i), spaces and hyphens as underscores. The
    ETL's SQL macro ``vkey`` computes the same (checked by ``tests/test_vocab_labels.py``)."""
    s = unicodedata.normalize("NFKD", value.strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("ı", "i").replace(" ", "_").replace("-", "_")


def V(name: str, *rows: tuple, unknown: str | None = "unknown") -> Vocabulary:
    return Vocabulary(name, tuple(Term(*r) for r in rows), unknown=unknown)


UNKNOWN = ("unknown", "Unknown", "Неизвестно", "Naməlum")

CATEGORY = V(
    "category",
    ("physical_assault", "Physical assaults", "Физические нападения", "Fiziki hücumlar"),
    ("detention", "Detentions", "Задержания и аресты", "Həbs və saxlanılma halları"),
    ("website_blocking", "Website blockings", "Блокировки сайтов", "Saytların bloklanması"),
    ("court_outcome", "Court outcomes", "Судебные решения", "Məhkəmə qərarları"),
    unknown=None,
)

DATE_PRECISION = V(
    "date_precision",
    ("day", "Day", "День", "Gün"),
    ("month", "Month only", "Только месяц", "Yalnız ay"),
    ("year", "Year only", "Только год", "Yalnız il"),
    unknown=None,
)

VICTIM_ROLE = V(
    "victim_role",
    ("journalist", "Journalist", "Журналист", "Jurnalist"),
    ("blogger", "Blogger", "Блогер", "Bloqer"),
    ("activist", "Activist", "Активист", "Fəal"),
    ("opposition_politician", "Opposition politician", "Оппозиционный политик", "Müxalifət siyasətçisi"),
    ("human_rights_defender", "Human rights defender", "Правозащитник", "Hüquq müdafiəçisi"),
    ("lawyer", "Lawyer", "Адвокат", "Vəkil"),
    ("relative_of_journalist", "Relative of a journalist", "Родственник журналиста", "Jurnalistin qohumu"),
    ("media_outlet", "Media outlet", "СМИ", "Media orqanı"),
    ("website", "Website", "Веб-сайт", "Veb-sayt"),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

PERPETRATOR = V(
    "perpetrator",
    ("police", "Police", "Полиция", "Polis"),
    ("state_security", "State security", "Служба государственной безопасности", "Dövlət Təhlükəsizlik Xidməti"),
    ("military", "Military", "Военные", "Hərbçilər"),
    ("court", "Court", "Суд", "Məhkəmə"),
    ("prosecutor", "Prosecutor's office", "Прокуратура", "Prokurorluq"),
    ("prison_staff", "Prison staff", "Сотрудники пенитенциарных учреждений", "Penitensiar müəssisə əməkdaşları"),
    ("government_agency", "Government agency", "Государственный орган", "Dövlət qurumu", True),
    ("foreign_armed_forces", "Foreign armed forces", "Иностранные вооружённые силы", "Xarici silahlı qüvvələr", True),
    ("foreign_authorities", "Foreign authorities", "Иностранные власти", "Xarici dövlət orqanları", True),
    ("private_individual", "Private individual", "Частное лицо", "Fiziki şəxs", True),
    ("unidentified_attackers", "Unidentified attackers", "Неизвестные лица", "Naməlum şəxslər"),
    UNKNOWN,
)

# Kind-specific "type" vocabularies. The column named in CATEGORY_SUBCATEGORY_COLUMN is also
# the incident's subcategory, so the per-kind type and the common subcategory never disagree.
ASSAULT_TYPE = V(
    "assault_type",
    ("beating", "Beating", "Избиение", "Döyülmə"),
    ("violence_at_protest", "Violence at a protest", "Насилие на акции протеста", "Etiraz aksiyasında zorakılıq"),
    (
        "torture_or_ill_treatment",
        "Torture or ill-treatment",
        "Пытки или жестокое обращение",
        "İşgəncə və ya pis rəftar",
    ),
    (
        "armed_attack",
        "Targeted with weapons",
        "Обстрел или вооружённое нападение",
        "Atəşə tutulma və ya silahlı hücum",
    ),
    ("stabbing", "Stabbing", "Ножевое нападение", "Bıçaqlanma"),
    ("abduction", "Abduction", "Похищение человека", "Adam oğurluğu"),
    ("killing", "Killing", "Убийство", "Qətl"),
    ("other", "Other assault", "Другое нападение", "Digər hücum"),
    UNKNOWN,
)

ASSAULT_CONTEXT = V(
    "assault_context",
    ("protest", "Protest", "Акция протеста", "Etiraz aksiyası"),
    ("election", "Election", "Выборы", "Seçki"),
    ("reporting", "While reporting", "При исполнении профессиональных обязанностей", "Peşə fəaliyyəti zamanı"),
    ("custody", "In custody", "Под стражей", "Həbsdə və ya saxlanılarkən"),
    ("war", "War", "Война", "Müharibə"),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

YES_NO_UNKNOWN = V(
    "yes_no_unknown",
    ("yes", "Yes", "Да", "Bəli"),
    ("no", "No", "Нет", "Xeyr"),
    UNKNOWN,
)

DETENTION_TYPE = V(
    "detention_type",
    ("administrative_detention", "Administrative detention", "Административный арест", "İnzibati həbs"),
    ("pretrial_detention", "Pretrial detention", "Содержание под стражей до суда", "Məhkəməyədək həbs", True),
    ("arrest", "Arrest", "Арест", "Həbs"),
    ("house_arrest", "House arrest", "Домашний арест", "Ev dustaqlığı"),
    ("short_detention", "Detained and released", "Кратковременное задержание", "Saxlanılıb və buraxılıb"),
    (
        "forced_psychiatric_commitment",
        "Forced psychiatric commitment",
        "Принудительное помещение в психиатрическую больницу",
        "Məcburi psixiatrik müalicəyə yerləşdirilmə",
    ),
    ("release", "Release", "Освобождение", "Azadlığa buraxılma"),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

BLOCKING_TYPE = V(
    "blocking_type",
    ("court_ordered_block", "Court-ordered block", "Блокировка по решению суда", "Məhkəmə qərarı ilə bloklama"),
    ("administrative_block", "Administrative block", "Административная блокировка", "İnzibati bloklama"),
    (
        "social_media_restriction",
        "Social-media restriction",
        "Ограничение доступа к социальным сетям",
        "Sosial şəbəkələrə məhdudiyyət",
    ),
    ("internet_shutdown", "Internet shutdown", "Отключение интернета", "İnternetin kəsilməsi"),
    ("cyberattack", "Cyberattack", "Кибератака", "Kiberhücum"),
    (
        "account_takedown",
        "Account or content takedown",
        "Удаление аккаунта или контента",
        "Hesabın və ya məzmunun silinməsi",
    ),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

OUTCOME = V(
    "outcome",
    ("prison_sentence", "Prison sentence", "Лишение свободы", "Azadlıqdan məhrum etmə"),
    ("suspended_sentence", "Suspended sentence", "Условное осуждение", "Şərti məhkum etmə", True),
    ("restriction_of_liberty", "Restriction of liberty", "Ограничение свободы", "Azadlığın məhdudlaşdırılması"),
    ("corrective_labour", "Corrective labour", "Исправительные работы", "İslah işləri"),
    ("fine", "Fine", "Штраф", "Cərimə"),
    ("acquittal", "Acquittal", "Оправдательный приговор", "Bəraət hökmü"),
    (
        "release_to_house_arrest",
        "Released to house arrest",
        "Перевод под домашний арест",
        "Ev dustaqlığına buraxılma",
        True,
    ),
    (
        "pretrial_detention_ordered",
        "Pretrial detention ordered",
        "Арест (мера пресечения)",
        "Həbs qətimkan tədbiri seçilib",
    ),
    ("arrest_in_absentia", "Arrest ordered in absentia", "Заочный арест", "Qiyabi həbs"),
    ("lawsuit_rejected", "Lawsuit rejected", "Иск отклонён", "İddia rədd edilib"),
    ("appeal_rejected", "Appeal rejected", "Апелляция отклонена", "Apellyasiya şikayəti rədd edilib"),
    (
        "sentence_reduced",
        "Sentence reduced on appeal",
        "Наказание смягчено в апелляции",
        "Apellyasiyada cəza yüngülləşdirilib",
        True,
    ),
    (
        "released_by_court",
        "Release ordered by a court",
        "Освобождение по решению суда",
        "Məhkəmə qərarı ilə azadlığa buraxılma",
        True,
    ),
    ("pardon", "Pardon", "Помилование", "Əfv", True),
    ("echr_judgment", "ECHR judgment", "Постановление ЕСПЧ", "AİHM qərarı"),
    ("pending", "Pending", "Рассматривается", "Baxılır"),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

# What a person was charged with or sentenced for (a list per detention or court row). The
# Criminal Code (CC) or Code of Administrative Offences (CAO) article is recorded apart
# (``articles``) and only where the source states it. ``not_criminal``: what reaches a court or
# the authorities without being a charge (a lawsuit, a tax claim, a request to block a site).
OFFENCE = V(
    "offence",
    ("smuggling", "Smuggling", "Контрабанда", "Qaçaqmalçılıq", True),
    (
        "illegal_entrepreneurship",
        "Illegal entrepreneurship",
        "Незаконное предпринимательство",
        "Qanunsuz sahibkarlıq",
        True,
    ),
    ("tax_evasion", "Tax evasion", "Уклонение от уплаты налогов", "Vergi ödəməkdən yayınma", True),
    (
        "money_laundering",
        "Money laundering",
        "Легализация преступных доходов",
        "Cinayət yolu ilə əldə edilmiş pul vəsaitlərinin leqallaşdırılması",
        True,
    ),
    ("document_forgery", "Document forgery", "Подделка документов", "Sənədlərin saxtalaşdırılması", True),
    ("fraud", "Fraud", "Мошенничество", "Dələduzluq", True),
    (
        "embezzlement_or_abuse_of_office",
        "Embezzlement or abuse of office",
        "Растрата или злоупотребление должностными полномочиями",
        "Mənimsəmə və ya vəzifə səlahiyyətlərindən sui-istifadə",
        True,
    ),
    ("extortion", "Extortion", "Вымогательство", "Hədə-qorxu ilə tələb etmə", True),
    ("hooliganism", "Hooliganism", "Хулиганство", "Xuliqanlıq", True),
    ("defamation_or_insult", "Defamation or insult", "Клевета или оскорбление", "Böhtan və ya təhqir", True),
    ("drug_offence", "Drug offence", "Преступление, связанное с наркотиками", "Narkotiklərlə bağlı cinayət", True),
    (
        "disobeying_police",
        "Disobeying the police",
        "Неповиновение законному требованию полиции",
        "Polisin qanuni tələbinə tabe olmama",
        True,
    ),
    (
        "incitement_or_calls_against_state",
        "Incitement or public calls against the state",
        "Призывы против государства или возбуждение вражды",
        "Dövlət əleyhinə çağırışlar və ya nifrət salma",
        True,
    ),
    (
        "treason_or_espionage",
        "Treason or espionage",
        "Государственная измена или шпионаж",
        "Dövlətə xəyanət və ya casusluq",
        True,
    ),
    ("mass_disorder", "Mass disorder", "Массовые беспорядки", "Kütləvi iğtişaşlar", True),
    (
        "illegal_border_crossing",
        "Illegal border crossing",
        "Незаконное пересечение границы",
        "Sərhədi qanunsuz keçmə",
        True,
    ),
    ("weapons", "Illegal possession of weapons", "Незаконное хранение оружия", "Silahın qanunsuz saxlanması", True),
    (
        "quarantine_violation",
        "Breach of quarantine rules",
        "Нарушение карантинного режима",
        "Karantin rejiminin pozulması",
        True,
    ),
    (
        "not_criminal",
        "Not a charge (lawsuit, claim, block request)",
        "Не обвинение (иск, требование, запрос о блокировке)",
        "İttiham deyil (iddia, tələb, bloklama sorğusu)",
        True,
    ),
    ("other", "Other charge", "Другое обвинение", "Digər ittiham", True),
    UNKNOWN,
)

# What a source covers for one kind of incident (``coverage`` table): a review of everything in a
# period, statements about single cases, or a list of the people held on a date.
COVERAGE_TYPE = V(
    "coverage_type",
    ("comprehensive_review", "Comprehensive review", "Полный обзор", "Hərtərəfli icmal", True),
    (
        "case_statements",
        "Statements on single cases",
        "Заявления по отдельным делам",
        "Ayrı-ayrı işlər üzrə bəyanatlar",
        True,
    ),
    (
        "prisoner_list",
        "List of people held on a date",
        "Список содержащихся под стражей на дату",
        "Tarixə həbsdə olanların siyahısı",
        True,
    ),
    unknown=None,
)

# A source's word on whether a person was held on a date (``custody_reports`` table): in prison or
# pretrial detention (``held``), under house arrest (not behind bars: counted apart), or released.
CUSTODY_STATUS = V(
    "custody_status",
    ("held", "Held", "Под стражей", "Həbsdə", True),
    ("released", "Released", "Освобождён", "Azadlığa buraxılıb", True),
    ("house_arrest", "Under house arrest", "Под домашним арестом", "Ev dustaqlığında", True),
    unknown=None,
)

# How court outcomes feed the KPIs (declared once; shown on the methodology page).
CONVICTION_OUTCOMES: frozenset[str] = frozenset(
    {"prison_sentence", "suspended_sentence", "restriction_of_liberty", "corrective_labour", "fine"}
)
CUSTODIAL_OUTCOMES: frozenset[str] = frozenset({"prison_sentence"})  # prison-years count these only
ACQUITTAL_OUTCOMES: frozenset[str] = frozenset({"acquittal"})

QUALIFIER = V(
    "qualifier",
    ("exactly", "exactly", "ровно", "dəqiq"),
    ("at_least", "at least", "не менее", "ən azı"),
    ("more_than", "more than", "более", "-dən çox"),
    ("about", "about", "около", "təxminən"),
    ("up_to", "up to", "до", "-dək"),
    ("range_min", "range, lower bound", "нижняя граница диапазона", "aralığın aşağı həddi"),
    ("range_max", "range, upper bound", "верхняя граница диапазона", "aralığın yuxarı həddi"),
    unknown=None,
)

# Whether the dashboard itemises the same thing a published figure counts (``published_figures``):
# ``itemised`` — same kind, type, victim roles, offences, unit and period, so the two numbers compare;
# ``none`` — nothing here counts the same thing (the figure is shown without a counterpart). Closed:
# an empty cell means ``none``, never "unknown".
COUNTERPART = V(
    "counterpart",
    ("itemised", "Itemised here", "Перечислено здесь", "Burada sadalanır", True),
    ("none", "No itemised counterpart", "Нет перечисленного соответствия", "Burada qarşılığı yoxdur", True),
    unknown=None,
)

EVENT_KIND = V(
    "event_kind",
    ("election", "Election", "Выборы", "Seçki"),
    ("war", "War", "Война", "Müharibə"),
    ("martial_law", "Martial law", "Военное положение", "Hərbi vəziyyət"),
    ("curfew", "Curfew", "Комендантский час", "Komendant saatı"),
    ("quarantine", "Quarantine", "Карантин", "Karantin"),
    ("internet_restriction", "Internet restriction", "Ограничение интернета", "İnternet məhdudiyyəti"),
    ("other", "Other", "Другое", "Digər"),
    UNKNOWN,
)

SOURCE_LANGUAGE = V(
    "source_language",
    ("en", "English", "Английский", "İngilis dili"),
    ("ru", "Russian", "Русский", "Rus dili"),
    ("az", "Azerbaijani", "Азербайджанский", "Azərbaycan dili"),
    ("fr", "French", "Французский", "Fransız dili"),
    UNKNOWN,
)

ALL: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        CATEGORY,
        DATE_PRECISION,
        VICTIM_ROLE,
        PERPETRATOR,
        ASSAULT_TYPE,
        ASSAULT_CONTEXT,
        YES_NO_UNKNOWN,
        DETENTION_TYPE,
        BLOCKING_TYPE,
        OUTCOME,
        QUALIFIER,
        COUNTERPART,
        EVENT_KIND,
        SOURCE_LANGUAGE,
        OFFENCE,
        COVERAGE_TYPE,
        CUSTODY_STATUS,
    )
}

# Which kind-specific column of each category is its subcategory.
CATEGORY_SUBCATEGORY: dict[str, tuple[str, Vocabulary]] = {
    "physical_assault": ("assault_type", ASSAULT_TYPE),
    "detention": ("detention_type", DETENTION_TYPE),
    "website_blocking": ("blocking_type", BLOCKING_TYPE),
    "court_outcome": ("outcome", OUTCOME),
}


def subcategory_label(category: str, code: str, lang: str = "en") -> str:
    _, vocab = CATEGORY_SUBCATEGORY[category]
    return vocab.label(code, lang)
