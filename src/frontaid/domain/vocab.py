"""The closed vocabularies of the field: each word a slug, with its English label.

Labels are gettext msgids; the Ukrainian lives in the catalog.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import Final

Vocab = dict[str, str]

SHELTERS: Final[Vocab] = {
    "basement": "basement",
    "flat": "flat",
    "house": "house",
    "collective": "collective shelter",
    "damaged": "damaged home",
    "other": "other",
}

# What a household still has. "none" says so explicitly; an empty set means unknown.
UTILITIES: Final[Vocab] = {
    "none": "none",
    "power": "electricity",
    "heat": "heating",
    "gas": "gas",
    "water": "water",
    "signal": "mobile signal",
    "internet": "internet",
    "radio": "radio",
}

VULNERABILITIES: Final[Vocab] = {
    "elderly": "elderly (65+)",
    "very-old": "very old (80+)",
    "immobile": "cannot walk far",
    "disabled": "disability",
    "pregnant": "pregnant",
    "alone": "lives alone",
    "wounded": "wounded",
    "chronic-illness": "chronic illness",
    "child": "child",
    "infant": "infant",
    "caregiver": "cares for someone",
}

NEEDS: Final[Vocab] = {
    "food": "food",
    "water": "water",
    "medicine": "medicine",
    "hygiene": "hygiene",
    "heating": "heating",
    "shelter-repair": "shelter repair",
    "evacuation": "evacuation",
    "medevac": "medical evacuation",
    "crossing-help": "help to cross",
    "home-delivery": "home delivery",
    "body-recovery": "body recovery",
    "burial-support": "burial support",
    "information": "information",
    "animal-feed": "animal feed",
    "pension": "pension",
    "documents": "documents",
    "psychosocial": "psychosocial support",
    "household-items": "household items",
}

URGENCIES: Final[Vocab] = {
    "critical": "critical",
    "high": "high",
    "normal": "normal",
    "low": "low",
}
URGENCY_RANK: Final[dict[str, int]] = {"critical": 0, "high": 1, "normal": 2, "low": 3}

REQUEST_STATES: Final[Vocab] = {
    "open": "open",
    "assigned": "assigned",
    "in-progress": "in progress",
    "done": "done",
    "cancelled": "cancelled",
}

INCIDENT_KINDS: Final[Vocab] = {
    "shelling": "shelling",
    "airstrike": "airstrike",
    "rocket": "rocket strike",
    "mortar": "mortar fire",
    "fire": "fire",
    "mine": "mine or unexploded ordnance",
    "crossing-damage": "crossing damaged",
    "other": "other",
}

EVAC_ANSWERS: Final[Vocab] = {
    "accepted": "accepted",
    "refused": "refused",
    "undecided": "undecided",
}

EVAC_REASONS: Final[Vocab] = {
    "home": "will not leave home",
    "animals": "has animals",
    "health": "health",
    "caring-for-someone": "caring for someone",
    "no-place-to-go": "nowhere to go",
    "waiting-for-family": "waiting for family",
    "property": "guarding property",
    "other": "other",
}

REFERRAL_KINDS: Final[Vocab] = {
    "pension": "pension",
    "medical": "medical",
    "psychosocial": "psychosocial",
    "documents": "documents",
    "legal": "legal",
    "shelter": "shelter",
}

REFERRAL_OUTCOMES: Final[Vocab] = {
    "resolved": "resolved",
    "in-progress": "in progress",
    "not-possible": "not possible",
    "declined": "declined by the person",
}

WELFARE_ANSWERS: Final[Vocab] = {
    "alive-well": "alive and well",
    "alive-needs-help": "alive, needs help",
    "moved": "moved elsewhere in town",
    "evacuated": "left the town",
    "deceased": "deceased",
    "not-found": "not found",
}

SITE_KINDS: Final[Vocab] = {
    "food-point": "food point",
    "heating-point": "heating and charging point",
    "stabilisation-point": "field stabilisation point",
    "warehouse": "warehouse",
    "evac-pickup": "evacuation pick-up point",
    "crossing": "crossing",
    "shelter": "shelter",
    "burial": "burial place",
    "vehicle": "vehicle",
}

CROSSING_STATES: Final[Vocab] = {
    "open": "open",
    "damaged": "damaged, on foot only",
    "destroyed": "destroyed",
}

SEXES: Final[Vocab] = {"f": "female", "m": "male"}

PERSON_STATES: Final[Vocab] = {
    "present": "in town",
    "evacuated": "left the town",
    "missing": "missing",
    "deceased": "deceased",
}

HOUSEHOLD_STATES: Final[Vocab] = {
    "active": "in town",
    "left": "left the town",
    "closed": "closed",
}

# Items, with their unit and (for entitlements) the cycle in days.
ITEMS: Final[Vocab] = {
    "food-kit": "food kit",
    "water": "drinking water (5 l)",
    "hygiene-kit": "hygiene kit",
    "blanket": "blanket",
    "candles": "candles (pack)",
    "stove-fuel": "stove fuel (briquettes)",
    "medicine-kit": "medicine kit",
    "bread": "bread",
    "animal-feed": "animal feed",
    "burial-kit": "burial kit",
}


# A deployment's own items and renamed built-in ones (queries/items.py fills it from the item
# records): slug → English name. ITEM_NAMES is every item's English name, the deployment's first.
OWN_ITEMS: dict[str, str] = {}
ITEM_NAMES: Final[Mapping[str, str]] = ChainMap(OWN_ITEMS, ITEMS)


# Words people type for a slug besides the slug itself and its labels (the English label and
# its Ukrainian translation are always accepted): Ukrainian and Russian, as the field says them.
# Matching is case-insensitive, with ё as е and any apostrophe as ’.
ALSO: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "SHELTERS": {
        "basement": ("підвал", "погріб", "укриття", "сховище", "подвал", "погреб", "убежище"),
        "flat": ("квартира", "квартирі"),
        "house": ("будинок", "дім", "хата", "дом", "частный дом"),
        "collective": ("колективний", "гуртожиток", "коллективный", "общежитие"),
        "damaged": ("пошкоджене", "зруйноване", "поврежденное", "разрушенное"),
        "other": ("інше", "інший", "другое"),
    },
    "INCIDENT_KINDS": {
        "shelling": ("обстріл", "артобстріл", "обстрел", "артобстрел"),
        "airstrike": ("авіаудар", "авіабомба", "авиаудар", "бомба"),
        "rocket": ("ракета", "ракетний удар", "ракетный удар"),
        "mortar": ("міномет", "мінометний обстріл", "миномет", "минометный обстрел"),
        "fire": ("пожежа", "пожар"),
        "mine": ("міна", "розтяжка", "нерозірваний боєприпас", "мина", "растяжка"),
        "crossing-damage": ("міст", "переправа", "мост"),
        "other": ("інше", "другое"),
    },
    "EVAC_ANSWERS": {
        "accepted": ("так", "згоден", "згодна", "погодився", "погодилася", "да", "согласен", "согласна"),
        "refused": ("ні", "відмова", "відмовився", "відмовилася", "нет", "отказ", "отказался"),
        "undecided": ("не вирішив", "не вирішила", "думає", "не решил", "думает"),
    },
    "EVAC_REASONS": {
        "home": ("дім", "вдома", "не покине дім", "дом"),
        "animals": ("тварини", "тварин", "має тварин", "собака", "животные", "есть животные"),
        "health": ("здоров’я", "хвороба", "здоровье", "болезнь"),
        "caring-for-someone": ("догляд", "доглядає", "уход", "ухаживает"),
        "no-place-to-go": ("нікуди", "нема куди", "некуда"),
        "waiting-for-family": ("родина", "чекає на родину", "семья", "ждет семью"),
        "property": ("майно", "господарство", "имущество"),
        "other": ("інше", "другое"),
    },
    "SEXES": {
        "f": ("ж", "ж.", "жін", "жінка", "жен", "женщина"),
        "m": ("ч", "ч.", "чол", "чоловік", "м", "м.", "муж", "мужчина"),
    },
    "NEEDS": {
        "food": ("їжа", "продукти", "харчі", "еда", "продукты"),
        "water": ("вода",),
        "medicine": ("ліки", "медикаменти", "лекарства"),
        "hygiene": ("гігієна", "гигиена"),
        "heating": ("опалення", "дрова", "обігрів", "отопление"),
        "evacuation": ("евакуація", "эвакуация"),
        "medevac": ("медична евакуація", "медэвакуация"),
        "crossing-help": ("переправа", "перейти річку", "переправиться"),
        "home-delivery": ("доставка", "доставка додому", "доставка на дом"),
        "body-recovery": ("тіло", "забрати тіло", "тело"),
        "burial-support": ("поховання", "похорон", "похороны"),
        "information": ("інформація", "информация"),
    },
    "ITEMS": {
        "food-kit": ("продуктовий набір", "продукти", "набір", "продуктовый набор", "продукты"),
        "water": ("вода", "питна вода", "питьевая вода"),
        "hygiene-kit": ("гігієнічний набір", "гігієна", "гигиенический набор"),
        "blanket": ("ковдра", "одеяло"),
        "candles": ("свічки", "свечи"),
        "stove-fuel": ("паливо", "брикети", "топливо"),
        "medicine-kit": ("аптечка",),
        "bread": ("хліб", "хлеб"),
        "animal-feed": ("корм", "корм для тварин", "корм для животных"),
        "burial-kit": ("набір для поховання",),
    },
}
