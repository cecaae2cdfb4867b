"""The audit trail of reads: each time a person is shown sensitive fields, an op says so.

The op carries who (its actor), when (its clock), which records and which classes of field,
and through what; never a value. It syncs like every other op, so the hub sees the reads
made on every device.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from frontaid.domain.sensitive import CLASSES, Screened
from frontaid.store.replica import Change, Replica

MAX_RECORDS = 200  # a list page shows at most this many records; more are counted, not named


def record_read(rep: Replica, actor: str, records: Iterable[str], classes: Iterable[str], via: str) -> str:
    """Record that `actor` was shown fields of `classes` in `records` through `via`."""
    recs = list(dict.fromkeys(records))
    data: dict[str, object] = {"records": recs[:MAX_RECORDS],
                               "classes": sorted(c for c in set(classes) if c in CLASSES), "via": via}
    eid = os.urandom(8).hex()
    rep.record([Change("audit", eid, "create", data)], actor)
    return eid


def record_screened(rep: Replica, actor: str, shown: Screened, via: str) -> str | None:
    """`record_read` for what `screen` left shown; nothing when it showed nothing sensitive."""
    if not shown.classes:
        return None
    return record_read(rep, actor, shown.records or ["-"], shown.classes, via)
