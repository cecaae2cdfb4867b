"""Households and people: lists, one household in full, simple search."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz import process as rf_process
from rapidfuzz.distance import Levenshtein

from frontaid.domain import name_keys as names
from frontaid.domain.codes import looks_like_code, near_codes, normalise_code
from frontaid.queries import LIVE
from frontaid.store.replica import Replica

HOUSEHOLD_COLS = ("eid", "zone", "address", "shelter", "size", "animals", "animal_kinds", "utilities",
                  "status", "displaced", "lat", "lon", "note", "registered_on", "merged_into")
PERSON_COLS = ("eid", "household", "name", "born", "sex", "vulnerabilities", "status", "died_on",
               "death_place", "death_cause", "burial_place", "note")


def cols(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in names)


def _household_filters(
    *, zone: str | None, vulnerability: str | None, not_reached_days: int | None,
    refused_evacuation: bool, today: date | None, visits: bool = False, latest_answer: bool = False,
    town: str | None = None,
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (on households `h`) and their parameters for the registry's filters.

    `visits`: a request done at the household counts as reaching it, as a hand-out does.
    `latest_answer`: "refused evacuation" means the household's latest answer is a refusal,
    not any refusal ever (someone who refused in November and accepted in December is not listed).
    """
    where = [f"h.{LIVE}", "h.status = 'active'"]
    params: list[Any] = []
    if zone:
        where.append("h.zone = ?")
        params.append(zone)
    if town:
        where.append("h.zone IN (SELECT eid FROM zones WHERE created = 1 AND town = ?)")
        params.append(town)
    # Each filter gathers its households in one scan (`h.eid IN (...)`), not a lookup per
    # household: three to four times faster on the 100k town.
    if vulnerability:
        where.append(
            "h.eid IN (SELECT p.household FROM people p WHERE p.created = 1 "
            "AND p.status = 'present' AND instr(',' || p.vulnerabilities || ',', ?) > 0)")
        params.append(f",{vulnerability},")
    if not_reached_days is not None:
        since = ((today or date.today()) - timedelta(days=not_reached_days)).isoformat()
        where.append("h.eid NOT IN (SELECT d.household FROM handouts d WHERE d.created = 1 "
                     "AND d.\"on\" >= ? AND d.household IS NOT NULL)")
        params.append(since)
        if visits:
            where.append("h.eid NOT IN (SELECT r.household FROM requests r WHERE r.created = 1 "
                         "AND r.status = 'done' AND r.closed_at >= ? AND r.household IS NOT NULL)")
            params.append(since)
    if refused_evacuation and latest_answer:
        where.append("h.eid IN (SELECT o.household FROM evac_offers o WHERE o.created = 1 "
                     "AND o.answer = 'refused' AND NOT EXISTS (SELECT 1 FROM evac_offers l "
                     "WHERE l.household = o.household AND l.created = 1 AND (l.offered_on > o.offered_on "
                     "OR (l.offered_on = o.offered_on AND l.c_hlc > o.c_hlc))))")
    elif refused_evacuation:
        where.append("h.eid IN (SELECT o.household FROM evac_offers o WHERE o.created = 1 "
                     "AND o.answer = 'refused')")
    return where, params


_MEMBERS = ("(SELECT COUNT(*) FROM people p WHERE p.household = h.eid AND p.created = 1 "
            "AND p.merged_into IS NULL AND p.status = 'present') AS members")


def list_households(
    rep: Replica, *, zone: str | None = None, vulnerability: str | None = None,
    not_reached_days: int | None = None, refused_evacuation: bool = False, limit: int = 200,
    offset: int = 0, today: date | None = None, town: str | None = None,
) -> list[dict[str, Any]]:
    where, params = _household_filters(zone=zone, vulnerability=vulnerability,
                                       not_reached_days=not_reached_days,
                                       refused_evacuation=refused_evacuation, today=today, town=town)
    sql = (f"SELECT {', '.join('h.' + c for c in cols(HOUSEHOLD_COLS).split(', '))}, {_MEMBERS} "
           f"FROM households h WHERE {' AND '.join(where)} ORDER BY h.zone, h.eid LIMIT ? OFFSET ?")
    return rep.rows(sql, [*params, limit, offset])


PAGE_SIZE = 50


def households_page(
    rep: Replica, *, zone: str | None = None, vulnerability: str | None = None,
    not_reached_days: int | None = None, refused_evacuation: bool = False, page: int = 1,
    per_page: int = PAGE_SIZE, today: date | None = None,
) -> dict[str, Any]:
    """One page of the registry's household list, with the total that match the filters.

    For the web's registry: a household is reached by a hand-out or a visit (a request done
    there), and "refused evacuation" is its latest answer. Each row says when it was last
    reached and its members' vulnerabilities.
    """
    where, params = _household_filters(zone=zone, vulnerability=vulnerability,
                                       not_reached_days=not_reached_days,
                                       refused_evacuation=refused_evacuation, today=today,
                                       visits=True, latest_answer=True)
    cond, order = " AND ".join(where), "ORDER BY h.zone, h.eid"
    per_page = max(1, min(int(per_page), 500))
    scanned = bool(vulnerability or not_reached_days is not None or refused_evacuation)
    if scanned:  # every matching code in one pass: the filters' scans run once, for total and page
        matching = [e for (e,) in rep.conn.execute(f"SELECT h.eid FROM households h WHERE {cond} {order}",
                                                   params)]
        total = len(matching)
    else:
        total = rep.conn.execute(f"SELECT COUNT(*) FROM households h WHERE {cond}", params).fetchone()[0]
    pages = max(1, -(-total // per_page))
    page = max(1, min(int(page), pages))
    first = (page - 1) * per_page
    eids = matching[first:first + per_page] if scanned else [e for (e,) in rep.conn.execute(
        f"SELECT h.eid FROM households h WHERE {cond} {order} LIMIT ? OFFSET ?", [*params, per_page, first])]
    # Then the details of this page's only: SQLite would compute every row's subqueries before sorting.
    sql = (f"SELECT {', '.join('h.' + c for c in cols(HOUSEHOLD_COLS).split(', '))}, {_MEMBERS}, "
           "(SELECT max(d.\"on\") FROM handouts d WHERE d.household = h.eid AND d.created = 1) "
           "AS last_handout, "
           "(SELECT max(r.closed_at) FROM requests r WHERE r.household = h.eid AND r.created = 1 "
           "AND r.status = 'done') AS last_visit, "
           "(SELECT group_concat(p.vulnerabilities) FROM people p WHERE p.household = h.eid "
           "AND p.created = 1 AND p.merged_into IS NULL AND p.status = 'present' "
           "AND p.vulnerabilities IS NOT NULL AND p.vulnerabilities != '') AS vulnerable, "
           "(SELECT o.answer FROM evac_offers o WHERE o.household = h.eid AND o.created = 1 "
           "ORDER BY o.offered_on DESC, o.c_hlc DESC LIMIT 1) AS evacuation "
           f"FROM households h WHERE h.eid IN ({','.join('?' * len(eids))}) ORDER BY h.zone, h.eid")
    rows = rep.rows(sql, eids)
    for r in rows:
        reached = [d for d in (r.pop("last_handout"), r.pop("last_visit")) if d]
        r["last_reached"] = max(reached)[:10] if reached else None
        r["vulnerabilities"] = sorted(set(filter(None, (r["vulnerable"] or "").split(","))))
        del r["vulnerable"]
    return {"total": total, "page": page, "pages": pages, "per_page": per_page, "rows": rows}


def household(rep: Replica, code: str) -> dict[str, Any] | None:
    """One household with everything about it, for the household page and `household show`."""
    eid = normalise_code(code) or code
    found = rep.rows(f"SELECT {cols(HOUSEHOLD_COLS)} FROM households WHERE eid = ? AND created = 1",
                  (eid,))
    if not found:
        return None
    hh = found[0]
    if hh["merged_into"]:
        hh["merged_into_record"] = household(rep, hh["merged_into"])
    # Records of households merged into this one count as this one's.
    ids = [eid] + [r[0] for r in rep.conn.execute(
        "SELECT eid FROM households WHERE merged_into = ? AND created = 1", (eid,))]
    marks = ",".join("?" * len(ids))
    hh["merged_from"] = ids[1:]
    hh["members"] = rep.rows(f"SELECT {cols(PERSON_COLS)} FROM people WHERE household IN ({marks}) "
                               f"AND {LIVE} ORDER BY born", ids)
    hh["requests"] = rep.rows("SELECT eid, need, urgency, status, team, reported_by, opened_at, "
                                f"closed_at FROM requests WHERE household IN ({marks}) AND created = 1 "
                                "ORDER BY opened_at DESC", ids)
    hh["handouts"] = rep.rows("SELECT eid, item, qty, \"on\", at, home, round, override FROM handouts "
                                f"WHERE household IN ({marks}) AND created = 1 ORDER BY \"on\" DESC", ids)
    hh["evacuation"] = rep.rows("SELECT eid, offered_on, answer, reason, note FROM evac_offers "
                                  f"WHERE household IN ({marks}) AND created = 1 ORDER BY offered_on DESC",
                             ids)
    hh["referrals"] = rep.rows("SELECT eid, kind, \"to\", status, outcome, opened_on, closed_on "
                                 f"FROM referrals WHERE household IN ({marks}) AND created = 1 "
                                 "ORDER BY opened_on DESC", ids)
    return hh


def person(rep: Replica, code: str) -> dict[str, Any] | None:
    eid = normalise_code(code) or code
    found = rep.rows(f"SELECT {cols(PERSON_COLS)}, merged_into FROM people WHERE eid = ? AND created = 1",
                  (eid,))
    return found[0] if found else None


_YEAR = re.compile(r"^(19|20)\d\d$")
_FOUND_COLS = ("eid", "household", "name", "born", "status")  # a person as search shows one
_CANDIDATES = 600  # people scored per search (born in the year asked for first); the keys pick them
_POOL_CAP = _CANDIDATES * 4  # people one typed word reaches at most; and scored when that is all of them


def _key_ranges(token: str) -> list[tuple[str, str]]:
    """Ranges of `name_keys.key` a typed word reaches: its phonetic key as a prefix, its
    given-name groups (Ніко… → g:mykola), and phonetic keys one typo away (rapidfuzz)."""
    sk = names.skeleton(token)
    ranges = [(f"p:{sk}", f"p:{sk}\uffff")] if sk else [(f"v:{names.loose(token)}",) * 2]
    ranges += [(f"g:{g}", f"g:{g}") for g in sorted(names.groups_with_prefix(token))]
    return ranges


def _near_keys(rep: Replica, token: str) -> list[str]:
    """Phonetic keys within one edit of the word's (kovalenkp → kvlnk), same first consonant."""
    sk = names.skeleton(token)
    if len(sk) < 3:
        return []
    keys = [k for (k,) in rep.conn.execute(
        "SELECT DISTINCT key FROM name_keys WHERE key >= ? AND key < ?", (f"p:{sk[0]}", f"p:{sk[0]}\uffff"))]
    found = rf_process.extract(f"p:{sk}", keys, scorer=Levenshtein.distance, score_cutoff=1, limit=20)
    return [k for k, _d, _i in found]


def _eids_for(rep: Replica, token: str) -> set[str]:
    # Each range on its own, given-name groups first: they are exact, while the phonetic
    # prefix of a short word ("оле" → p:l…) reaches half the town and, read in key order
    # under one limit, would crowd every Олександр out of the candidates.
    ranges = sorted(_key_ranges(token), key=lambda r: not r[0].startswith("g:"))
    found: set[str] = set()
    for lo, hi in ranges:
        if len(found) >= _POOL_CAP:
            break
        found.update(itertools.chain.from_iterable(rep.conn.execute(
            "SELECT eid FROM name_keys WHERE key >= ? AND key <= ? LIMIT ?",
            (lo, hi, _POOL_CAP - len(found)))))
    if len(found) < _CANDIDATES:
        near = _near_keys(rep, token)
        if near:
            marks = ",".join("?" * len(near))
            found |= {e for (e,) in rep.conn.execute(
                f"SELECT eid FROM name_keys WHERE key IN ({marks}) LIMIT ?", [*near, _CANDIDATES])}
    return found


@functools.lru_cache(maxsize=262_144)
def _word_score(q: str, word: str) -> float:
    """How well one typed word fits one word of a name, 0-100: equal, prefix, same given
    name, else rapidfuzz's similarity of the loose spellings."""
    lq, lw = names.loose(q), names.loose(word)
    if lq == lw or names.tokens_match(q, word):
        return 100.0
    if lw.startswith(lq) or any(f.startswith(lq) for g in names.given_groups(word)
                                for f in names.GROUP_FORMS[g]):
        return 90.0 + 10.0 * len(lq) / max(len(lw), 1)
    return float(fuzz.ratio(lq, lw)) * 0.9


@functools.lru_cache(maxsize=262_144)
def _name_words(name: str) -> tuple[str, ...]:
    # A town's names share few words: a search scores thousands of names made of a few
    # hundred words, so both the words of a name and each (typed, written) pair are cached.
    return tuple(names.tokens(name))


def _person_score(words: list[str], year: int | None, name: str, born: int | None) -> float:
    mine = _name_words(name)
    if not mine:
        return 0.0
    score = sum(max(_word_score(w, m) for m in mine) for w in words) / len(words) if words else 50.0
    if year is not None:
        score += 20.0 if born == year else 5.0 if born and abs(born - year) <= 1 else -30.0
    return score


def _found_people(rep: Replica, eids: list[str], where: str = "",
                  params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Live people among `eids` (and `where`), as tuples of `_FOUND_COLS`: hundreds are
    scored for a search, a few shown."""
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(eids), 500):
        chunk = eids[i:i + 500]
        out += rep.conn.execute(f"SELECT {cols(_FOUND_COLS)} FROM people WHERE eid IN "
                                f"({','.join('?' * len(chunk))}) {where} AND {LIVE}",
                                [*chunk, *(params or [])]).fetchall()
    return out


def search(rep: Replica, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """People and households found by name in any script or spelling, card code, birth
    year or address: best first.

    "ihor koval" finds Ігор Коваленко, Игорь Коваленко and Igor Kowalenko; "ков" finds
    every name that starts so; "kovalneko" forgives the typo; "коваленко 1948" puts
    the one born in 1948 first.
    """
    q = text.strip()
    if not q:
        return []
    results: list[dict[str, Any]] = []
    if looks_like_code(q):
        code = normalise_code(q)
        if code:
            results += [{"kind": "household", **r} for r in rep.rows(
                f"SELECT eid, zone, address FROM households WHERE eid = ? AND {LIVE}", (code,))]
            results += [{"kind": "person", **r} for r in rep.rows(
                f"SELECT eid, household, name, born FROM people WHERE eid = ? AND {LIVE}", (code,))]
    parts = q.split()
    years = [int(p) for p in parts if _YEAR.match(p)]
    year = years[0] if years else None
    words = names.tokens(" ".join(p for p in parts if not _YEAR.match(p)))
    if words:
        pools = [_eids_for(rep, w) for w in words]
        # A common word's pool is cut at `_POOL_CAP` (the first Іванs by code), so its absence
        # from it proves nothing: a word whose pool is whole bounds the search ("Мельничишин
        # Іван" among a million: every Мельничишин, not only those among the first Іванs).
        whole = [p for p in pools if len(p) < _POOL_CAP]
        if whole and len(whole) < len(pools):
            pool = set.intersection(*whole) or min(whole, key=len)
            budget = _POOL_CAP
        else:
            pool = set.intersection(*pools) or set.union(*pools)
            budget = _CANDIDATES
        # People in every word's pool first, then by code.
        everywhere = pool.intersection(*pools)
        ordered = sorted(pool) if len(everywhere) == len(pool) else \
            sorted(everywhere) + sorted(pool - everywhere)
        people: list[tuple[Any, ...]] = []
        if year is not None:
            # The year narrows first: among thousands of Kovalenkos the one born in 1948
            # must be among the people scored, wherever the cut falls.
            people = _found_people(rep, ordered, "AND born BETWEEN ? AND ?", [year - 1, year + 1])
            chosen = {p[0] for p in people}
            ordered = [e for e in ordered if e not in chosen]
        people += _found_people(rep, ordered[:max(0, budget - len(people))])
        scored = [(score, p) for p in people
                  if (score := _person_score(words, year, p[2] or "", p[3])) >= 60.0]
        scored.sort(key=lambda sp: (-sp[0], sp[1][2] or "", sp[1][0]))
        seen = {r["eid"] for r in results}
        shown = [p for _s, p in scored[:limit + len(seen)] if p[0] not in seen]
        results += [{"kind": "person", **dict(zip(_FOUND_COLS, p, strict=True))} for p in shown]
    elif year is not None:
        results += [{"kind": "person", **r} for r in rep.rows(
            f"SELECT {cols(_FOUND_COLS)} FROM people WHERE born = ? AND {LIVE} ORDER BY name_key LIMIT ?",
            (year, limit))]
    # Addresses are read by a scan of every household: only for what looks like an address
    # (a house number, not a birth year) or when nothing else was found, not to top up a
    # short list of names.
    numbered = any(ch.isdigit() for part in parts if not _YEAR.match(part) for ch in part)
    if len(results) < limit and (not results or numbered):
        seen = {r["eid"] for r in results}
        results += [{"kind": "household", **r} for r in _by_address(rep, q, limit - len(results))
                    if r["eid"] not in seen]
    return results[:limit]


def household_of_code(rep: Replica, text: str) -> str | None:
    """The household a typed or scanned card code names (a household's own or a member's), or None."""
    code = normalise_code(text) if looks_like_code(text) else None
    if code is None:
        return None
    row = rep.conn.execute("SELECT eid FROM households WHERE eid = ? AND created = 1 "
                           "UNION ALL SELECT household FROM people WHERE eid = ? AND created = 1",
                           (code, code)).fetchone()
    return str(row[0]) if row and row[0] else None


def registered_near(rep: Replica, text: str) -> list[str]:
    """The registered codes one digit away from `text`, a code whose check digit fails."""
    near = near_codes(text)
    if not near:
        return []
    marks = ",".join("?" * len(near))
    return sorted({str(e) for (e,) in rep.conn.execute(
        f"SELECT eid FROM households WHERE eid IN ({marks}) AND created = 1 "
        f"UNION SELECT eid FROM people WHERE eid IN ({marks}) AND created = 1", (*near, *near))})


def with_home_addresses(rep: Replica, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`search` results with each person's household address (namesakes told apart by where they live)."""
    homes = sorted({r["household"] for r in results if r.get("kind") == "person" and r.get("household")})
    if homes:
        marks = ",".join("?" * len(homes))
        where = dict(rep.conn.execute(f"SELECT eid, address FROM households WHERE eid IN ({marks})", homes))
        for r in results:
            if r.get("kind") == "person" and not r.get("address"):
                r["address"] = where.get(r.get("household"))
    return results


_ADDRESS_WORD = re.compile(r"[^\W\d_]+|\d+[^\W\d_]?", re.UNICODE)


def _by_address(rep: Replica, q: str, limit: int) -> list[dict[str, Any]]:
    """Households whose address holds every word and number typed, in any order and case:
    "Свободи 6" finds "вул. Свободи, 6" (and not "Свободи, 16"); "6а" is a number with its letter."""
    tokens = [t.casefold() for t in _ADDRESS_WORD.findall(q)]
    words = [t for t in tokens if not t[0].isdigit() and t not in ("вул", "ул", "st", "пр", "пров")]
    numbers = [t for t in tokens if t[0].isdigit()]
    if not words and not numbers:
        return []
    # SQLite's LIKE folds only ASCII case: ask for the longest word as typed, capitalised and lower.
    key = max(words, key=len) if words else numbers[0]
    forms = {key, key.capitalize(), key.upper()}
    where = " OR ".join("address LIKE ?" for _ in forms)
    out = []
    for r in rep.rows(f"SELECT eid, zone, address FROM households WHERE ({where}) AND {LIVE}",
                      tuple(f"%{f}%" for f in forms)):
        have = [t.casefold() for t in _ADDRESS_WORD.findall(r["address"] or "")]
        if all(any(h.startswith(w) for h in have) for w in words) and all(n in have for n in numbers):
            out.append(r)
            if len(out) >= limit:
                break
    return out


def list_zones(rep: Replica) -> list[dict[str, Any]]:
    return rep.rows("SELECT eid, name, name_en, bank, pcode, population_estimate FROM zones "
                      "WHERE created = 1 ORDER BY eid")


def list_sites(rep: Replica, kind: str | None = None) -> list[dict[str, Any]]:
    where, params = "created = 1", []
    if kind:
        where += " AND kind = ?"
        params.append(kind)
    return rep.rows("SELECT eid, kind, name, name_en, zone, state, lat, lon, schedule FROM sites "
                      f"WHERE {where} ORDER BY kind, eid", params)


def zone_shapes(rep: Replica) -> list[dict[str, Any]]:
    """Every zone with its names and its geometry (GeoJSON text, or None), by id."""
    return rep.rows("SELECT eid, name, name_en, geometry FROM zones WHERE created = 1 ORDER BY eid")
