"""The eleven situations of the field report, each in the data exactly as the report tells it.

Each function schedules one situation on the simulation's calendar (day 0 is six
weeks ago, `DAYS` is today) and notes the codes of its records in `sim.story`, so
tests and the tour can find them. The report is docs/field-report.md; its
machine translation calls Anna "Give it" and Ihor "Skin" (Finnish anna, iho).
Everyone's name is invented.
"""

from __future__ import annotations

from typing import Any

from frontaid.actions import evacuation, incidents, referrals, registry, requests
from frontaid.scenario import geography
from frontaid.scenario.history import DAYS, DESK, HUB, Sim
from frontaid.scenario.people import Household, Person

TODAY = DAYS
HOUSEHOLDS = 10  # registered by the situations below; the rest of the town is drawn at random
WOMAN_ON_THE_BRIDGE = "жінка на мосту"


def _household(
    sim: Sim,
    zone: str,
    address: str,
    shelter: str,
    members: list[Person],
    *,
    utilities: tuple[str, ...] = ("none",),
    animals: int = 0,
    animal_kinds: str | None = None,
    note: str | None = None,
) -> Household:
    lat, lon = geography.ZONE_BY_SLUG[zone].random_point(sim.rng)
    return Household(zone, address, shelter, list(utilities), lat, lon, members, animals, animal_kinds, note)


def _relocate(sim: Sim, code: str, zone: str) -> None:
    """The household's point on the map follows it to its new zone."""
    lat, lon = geography.ZONE_BY_SLUG[zone].random_point(sim.rng)
    registry.set_household(sim.rep, DESK, code, "lat", lat)
    registry.set_household(sim.rep, DESK, code, "lon", lon)


def anna_born(year: int) -> int:
    """Eighty, and born during the Second World War (1939–45): as close to both as the year allows."""
    return max(1939, min(1945, year - 80))


def schedule(sim: Sim) -> None:
    for situation in (
        old_man_who_cannot_cross,
        anna,
        refuses_i_live_here,
        refuses_i_have_animals,
        wounded_seller,
        father_died_a_week_ago,
        nadia_fled_west,
        young_family_killed,
        ihor,
        bodies_in_yards,
    ):
        situation(sim)


def _note(sim: Sim, key: str, **codes: Any) -> None:
    sim.story.setdefault(key, {}).update(codes)


# "– On the other side is an old man who can't get over by himself. He is asking for
#  humanitarian help, one of the women crossing the bridge shouts."
def old_man_who_cannot_cross(sim: Sim) -> None:
    y = sim.year

    def register() -> None:
        hh = _household(
            sim,
            "east-north",
            "вул. Набережна, 7",
            "basement",
            [Person("Степан Гриценко", y - 87, "m", ["elderly", "very-old", "immobile", "alone"])],
            note="Сам через річку не перейде.",
        )
        code, (pid,) = sim.register(hh, 5)
        _note(sim, "old_man", household=code, person=pid)

    def shout() -> None:
        req = requests.open_request(
            sim.rep,
            DESK,
            need="home-delivery",
            urgency="high",
            household=sim.story["old_man"]["household"],
            reported_by=WOMAN_ON_THE_BRIDGE,
            at=sim.now(),
            note="Жінка, що переходила міст, гукнула: на тому боці старий чоловік, сам не перейде, "
            "просить гуманітарну допомогу.",
        )
        _note(sim, "old_man", request=req)

    sim.at(5, 14 * 60, register)
    sim.at(TODAY, 8 * 60 + 20, shout)


# "Eighty years old [Anna] says [she huddles] in [her] basement on the east side of town.
#  [She] has just crossed the destroyed bridge. ... born in the middle of a war (World War II)
#  ... The windows of [her] house have been destroyed, so the basement is the only escape."
# "... there is no electricity, heat or gas. The internet and phones don't work either.
#  I don't even have a radio." (situation 3: her needs include information)
def anna(sim: Sim) -> None:
    def register() -> None:
        hh = _household(
            sim,
            "east-south",
            "вул. Вишнева, 23",
            "basement",
            [Person("Анна Ткаченко", anna_born(sim.year), "f", ["elderly", "very-old", "alone"])],
            utilities=("none",),
            note="Вікна вибиті, живе в підвалі. По допомогу переходить зруйнований центральний міст.",
        )
        code, (pid,) = sim.register(hh, 20)
        sim.hand_out(code, "food-kit", "food-point")
        _note(sim, "anna", household=code, person=pid)

    def crossed_for_aid() -> None:
        code = sim.story["anna"]["household"]
        handout = sim.hand_out(code, "food-kit", "food-point")
        info = requests.open_request(
            sim.rep,
            DESK,
            need="information",
            household=code,
            at=sim.now(),
            note="Немає світла, тепла, газу; не працюють інтернет і телефон, немає навіть радіо. "
            "Майже нічого не знає про те, що відбувається.",
        )
        _note(sim, "anna", handout_today=handout, information_request=info)

    sim.at(sim.open_day(20), 9 * 60 + 10, register)
    sim.at(TODAY, 8 * 60 + 40, crossed_for_aid)


# "– Why would I leave? I live here, says one man."
def refuses_i_live_here(sim: Sim) -> None:
    def register() -> None:
        hh = _household(
            sim,
            "east-north",
            "вул. Степова, 41",
            "house",
            [Person("Василь Кушнір", sim.year - 71, "m", ["elderly", "alone"])],
        )
        code, _ = sim.register(hh, 12)
        _note(sim, "refuses_home", household=code)

    def refuse() -> None:
        offer = evacuation.offer(
            sim.rep,
            "team-evac",
            household=sim.story["refuses_home"]["household"],
            answer="refused",
            reason="home",
            on=sim.iso(sim.day),
            note="«Чому я маю їхати? Я тут живу.»",
        )
        _note(sim, "refuses_home", offer=offer)

    sim.at(12, 15 * 60, register)
    sim.at(30, 11 * 60 + 30, refuse)


# "– I have animals, says another."
def refuses_i_have_animals(sim: Sim) -> None:
    def register() -> None:
        hh = _household(
            sim,
            "east-south",
            "вул. Абрикосова, 9",
            "house",
            [Person("Петро Савчук", sim.year - 63, "m", ["alone"])],
            animals=7,
            animal_kinds="собаки, кури, коза",
        )
        code, _ = sim.register(hh, 8)
        _note(sim, "refuses_animals", household=code)

    def refuse() -> None:
        offer = evacuation.offer(
            sim.rep,
            "team-evac",
            household=sim.story["refuses_animals"]["household"],
            answer="refused",
            reason="animals",
            animals=7,
            on=sim.iso(sim.day),
            note="«У мене тварини.»",
        )
        _note(sim, "refuses_animals", offer=offer)

    sim.at(8, 16 * 60, register)
    sim.at(33, 12 * 60 + 15, refuse)


# "A seller in one of the stores in the center has just been seriously wounded in a Russian attack."
def wounded_seller(sim: Sim) -> None:
    def register() -> None:
        hh = _household(
            sim,
            "centre",
            "вул. Торгова, 3, кв. 14",
            "flat",
            [Person("Лариса Бєлова", sim.year - 52, "f", ["alone"])],
            utilities=("signal",),
        )
        code, (pid,) = sim.register(hh, 15)
        _note(sim, "seller", household=code, person=pid)

    def wounded() -> None:
        s = sim.story["seller"]
        shop = geography.SITE_BY_SLUG["food-point"]
        lat, lon = round(shop.lat + 0.0012, 5), round(shop.lon + 0.0009, 5)
        inc = incidents.report_incident(
            sim.rep,
            HUB,
            kind="shelling",
            zone="centre",
            at=sim.now(),
            wounded=1,
            lat=lat,
            lon=lon,
            note="Тяжко поранено продавчиню магазину на вул. Торговій.",
        )
        registry.set_person(sim.rep, HUB, s["person"], "vulnerabilities", ["alone", "wounded"])
        req = requests.open_request(
            sim.rep,
            HUB,
            need="medevac",
            urgency="critical",
            household=s["household"],
            lat=lat,
            lon=lon,
            reported_by="колега з магазину",
            at=sim.now(),
            note="Тяжке поранення; стабпункт, далі евакуація до лікарні.",
        )
        requests.assign(sim.rep, HUB, req, "medics")
        _note(sim, "seller", incident=inc, medevac=req)

    sim.at(15, 10 * 60 + 5, register)
    sim.at(TODAY, 7 * 60 + 50, wounded)


# "– I want to thank the Ukrainian troops. My father died a week ago on the east side of town.
#  The army also gave me a body and other supplies so that I could bury my father humanely."
def father_died_a_week_ago(sim: Sim) -> None:
    y, died = sim.year, TODAY - 7

    def register() -> None:
        father = _household(
            sim,
            "east-north",
            "вул. Зарічна, 18",
            "basement",
            [Person("Микола Лисенко", y - 79, "m", ["elderly", "alone", "chronic-illness"])],
        )
        son = _household(
            sim,
            "west",
            "вул. Козацька, 26",
            "house",
            [Person("Олександр Лисенко", y - 49, "m", ["alone"])],
            utilities=("signal",),
        )
        fcode, (fid,) = sim.register(father, 3)
        scode, (sid,) = sim.register(son, 3)
        _note(sim, "father", father_household=fcode, father=fid, son_household=scode, son=sid)

    def death() -> None:
        s = sim.story["father"]
        registry.person_died(
            sim.rep,
            HUB,
            s["father"],
            on=sim.iso(died),
            place="вул. Зарічна, 18 (східний берег)",
            burial_place="burial-cemetery",
        )
        registry.set_household(sim.rep, HUB, s["father_household"], "status", "closed")
        req = requests.open_request(
            sim.rep,
            DESK,
            need="burial-support",
            household=s["son_household"],
            reported_by="син",
            at=sim.now(),
            note="Батько помер на східному березі; син просить допомогти з похованням.",
        )
        _note(sim, "father", burial_request=req)

    def buried() -> None:
        req = sim.story["father"]["burial_request"]
        requests.assign(sim.rep, HUB, req, "military")
        requests.done(
            sim.rep,
            "військові",
            req,
            at=sim.now(),
            note="Військові передали тіло й усе потрібне для поховання; поховано на міському кладовищі.",
        )

    sim.at(3, 13 * 60, register)
    sim.at(died, 17 * 60, death)
    sim.at(died + 1, 11 * 60, buried)


# "Nadia leans on [her] bicycle. [She] has fled from the east side of the city to the west side.
#  – There is no life there, only destruction."
def nadia_fled_west(sim: Sim) -> None:
    def register() -> None:
        hh = _household(
            sim,
            "east-south",
            "вул. Донецька, 56",
            "damaged",
            [Person("Надія Гуменюк", sim.year - 57, "f", ["alone"])],
            note="Їздить на велосипеді.",
        )
        code, (pid,) = sim.register(hh, 4)
        sim.hand_out(code, "food-kit", "food-point")
        _note(sim, "nadia", household=code, person=pid, from_zone="east-south")

    def moved() -> None:
        code = sim.story["nadia"]["household"]
        registry.move_household(
            sim.rep, DESK, code, zone="west", address="вул. Весняна, 8 (у знайомих)", displaced=True
        )
        _relocate(sim, code, "west")
        _note(sim, "nadia", to_zone="west")

    def back_in_line() -> None:
        sim.hand_out(sim.story["nadia"]["household"], "food-kit", "food-point")

    sim.at(sim.open_day(4), 9 * 60 + 30, register)
    sim.at(27, 10 * 60 + 45, moved)
    sim.at(sim.open_day(30), 9 * 60 + 15, back_in_line)


# "– Just recently, a young family lost their lives. One of the dead was a young woman who was pregnant."
def young_family_killed(sim: Sim) -> None:
    y, day = sim.year, TODAY - 4

    def register() -> None:
        hh = _household(
            sim,
            "east-north",
            "вул. Шахтарська, 12",
            "basement",
            [
                Person("Денис Остапчук", y - 29, "m"),
                Person("Юлія Остапчук", y - 26, "f", ["pregnant"]),
                Person("Софія Остапчук", y - 4, "f", ["child"]),
            ],
        )
        code, pids = sim.register(hh, 6)
        _note(sim, "young_family", household=code, people=pids, lat=hh.lat, lon=hh.lon)

    def killed() -> None:
        s = sim.story["young_family"]
        inc = incidents.report_incident(
            sim.rep,
            HUB,
            kind="shelling",
            zone="east-north",
            at=sim.now(),
            killed=len(s["people"]),
            lat=s["lat"],
            lon=s["lon"],
            note="Загинула молода сім'я, серед загиблих вагітна жінка.",
        )
        for pid in s["people"]:
            registry.person_died(
                sim.rep,
                HUB,
                pid,
                on=sim.iso(day),
                place="вул. Шахтарська, 12",
                cause="обстріл",
                burial_place="burial-cemetery",
            )
        registry.set_household(sim.rep, HUB, s["household"], "status", "closed")
        _note(sim, "young_family", incident=inc)

    sim.at(6, 15 * 60 + 30, register)
    sim.at(day, 5 * 60 + 20, killed)


# "A retired man [Ihor] is in line for food. Before that, he was waiting for his pension.
#  – We fled to this side of town. All our possessions were destroyed by fire after the strike.
#  TV, appliances, house. ... I live with humanitarian aid, but life here is really scary."
def ihor(sim: Sim) -> None:
    y, fire = sim.year, 24

    def register() -> None:
        hh = _household(
            sim,
            "east-south",
            "вул. Садова, 31",
            "house",
            [
                Person("Ігор Бондаренко", y - 69, "m", ["elderly"]),
                Person("Валентина Бондаренко", y - 66, "f", ["elderly", "chronic-illness"]),
            ],
        )
        code, (pid, _) = sim.register(hh, 2)
        sim.hand_out(code, "food-kit", "food-point")
        _note(sim, "ihor", household=code, person=pid, lat=hh.lat, lon=hh.lon)

    def second_round() -> None:
        sim.hand_out(sim.story["ihor"]["household"], "food-kit", "food-point")

    def burned() -> None:
        s = sim.story["ihor"]
        incidents.report_incident(
            sim.rep,
            HUB,
            kind="fire",
            zone="east-south",
            at=sim.now(),
            lat=s["lat"],
            lon=s["lon"],
            note="Після влучання згорів житловий будинок на вул. Садовій.",
        )

    def fled() -> None:
        code = sim.story["ihor"]["household"]
        registry.move_household(
            sim.rep, DESK, code, zone="west", address="вул. Залізнична, 4 (у родичів)", displaced=True
        )
        _relocate(sim, code, "west")
        registry.set_household(sim.rep, DESK, code, "shelter", "other")
        items = requests.open_request(
            sim.rep,
            DESK,
            need="household-items",
            household=code,
            at=sim.now(),
            note="Усе згоріло після влучання: телевізор, техніка, дім.",
        )
        # Their kit of this round burned with the house: a second one, with the reason.
        override = sim.hand_out(code, "food-kit", "food-point", override="набір згорів разом із будинком")
        _note(sim, "ihor", household_items=items, override_handout=override)

    def pension() -> None:
        s = sim.story["ihor"]
        ref = referrals.open_referral(
            sim.rep,
            DESK,
            household=s["household"],
            person=s["person"],
            kind="pension",
            to="Пенсійний фонд України",
            on=sim.iso(sim.day),
            note="Чекає на пенсію; живе з гуманітарної допомоги.",
        )
        _note(sim, "ihor", referral=ref)

    def in_line_for_food() -> None:
        _note(
            sim, "ihor", handout_today=sim.hand_out(sim.story["ihor"]["household"], "food-kit", "food-point")
        )

    sim.at(sim.open_day(2), 10 * 60, register)
    sim.at(sim.open_day(16), 11 * 60 + 5, second_round)
    sim.at(fire, 1 * 60 + 40, burned)
    sim.at(sim.open_day(fire + 1), 9 * 60 + 20, fled)
    sim.at(fire + 5, 10 * 60, pension)
    sim.at(TODAY, 8 * 60 + 30, in_line_for_food)


# "Residents say that there are bodies lying in some yards because no one is able to pick them up."
def bodies_in_yards(sim: Sim) -> None:
    yards = (
        ("east-north", "вул. Лугова", 36),
        ("east-north", "вул. Польова", 38),
        ("east-south", "вул. Заводська", 39),
        ("east-south", "пров. Глиняний", 41),
    )

    for zone, street, day in yards:

        def report(zone: str = zone, street: str = street) -> None:
            lat, lon = geography.ZONE_BY_SLUG[zone].random_point(sim.rng)
            req = requests.open_request(
                sim.rep,
                DESK,
                need="body-recovery",
                urgency="high",
                zone=zone,
                lat=lat,
                lon=lon,
                reported_by="сусіди",
                at=sim.now(),
                note=f"Тіло у дворі ({street}); забрати неможливо через обстріли.",
            )
            sim.story.setdefault("bodies", {}).setdefault("requests", []).append(req)

        sim.at(day, 12 * 60 + day, report)
