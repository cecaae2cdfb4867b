"""How often things happen in the demo town: the odds the simulation draws from.

Weighted choices are tuples of (value, weight). Tuning the town (more shelling,
fewer refusals) is done here, not in the simulation.
"""

from __future__ import annotations

import math
import random

# Hours (UTC) of fire: around the clock, heavier before dawn and in the afternoon.
FIRE_HOURS = (3, 3, 3, 5, 6, 6, 5, 4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 6, 5, 4, 3, 3, 3, 3)
INCIDENT_KINDS = (
    ("shelling", 50),
    ("mortar", 18),
    ("rocket", 15),
    ("airstrike", 5),
    ("fire", 9),
    ("mine", 3),
)
INCIDENT_ZONES = (("east-north", 36), ("east-south", 30), ("centre", 15), ("west", 14), ("outskirts-west", 5))
NEEDS = (
    ("medicine", 14),
    ("food", 9),
    ("heating", 10),
    ("shelter-repair", 9),
    ("water", 7),
    ("evacuation", 4),
    ("crossing-help", 4),
    ("information", 5),
    ("animal-feed", 4),
    ("documents", 4),
    ("psychosocial", 3),
    ("hygiene", 4),
    ("household-items", 5),
    ("pension", 3),
)
URGENCY = (("normal", 60), ("high", 28), ("critical", 4), ("low", 8))
REPORTERS = (
    ("", 60),
    ("сусідка", 12),
    ("сусід", 6),
    ("донька (Дніпро)", 6),
    ("син (Київ)", 5),
    ("волонтер", 6),
    ("староста будинку", 5),
)
REFUSALS = (
    ("home", 34),
    ("no-place-to-go", 16),
    ("property", 12),
    ("health", 12),
    ("caring-for-someone", 10),
    ("waiting-for-family", 6),
    ("animals", 6),
    ("other", 4),
)
WELFARE_ASKERS = (
    "донька (Дніпро)",
    "син (Київ)",
    "сестра (Полтава)",
    "онука (Львів)",
    "племінник (Запоріжжя)",
    "сусідка, що виїхала",
)
# Per household per day: what the town draws, for sizing convoys.
DAILY_RATE = {
    "food-kit": 0.055,
    "water": 0.03,
    "hygiene-kit": 0.01,
    "candles": 0.004,
    "stove-fuel": 0.003,
    "blanket": 0.002,
    "medicine-kit": 0.002,
    "animal-feed": 0.002,
    "burial-kit": 0.0002,
}


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small rates of a day's incidents."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
