"""Saved segments: named audiences kept beside the warehouse, with their size over time.

A saved segment lives in three ``user_*`` tables of the segment store, ``<stem>.segments.duckdb``
beside the warehouse (``segmenta.warehouse.userstore``): a chat holding the warehouse open does
not block a save, and a new import does not touch them. SQL over the warehouse reads the tables
under these names as they are in the store when it runs:

- ``user_segments(name, kind, plan, request, created_at, as_of)``: one row per segment; ``kind``
  is ``dynamic`` (the Plan is kept and re-evaluated at any date) or ``static`` (a snapshot).
- ``user_segment_members(segment, contact_id)``: the members. For a static segment, the snapshot
  taken when it was saved. For a dynamic segment, its membership as of its last save or refresh
  (``as_of``). A dynamic segment named inside another request is evaluated by its definition at
  that request's date (the engine fills it in: ``Engine.resolve``), so only a static snapshot is
  read from this table. Exports (``segment_sql``) and history compile the Plan at the date asked.
- ``user_segment_history(segment, as_of, size, recorded_at, step_counts)``: one row per segment
  and as-of date (a later evaluation at the same date replaces it); ``step_counts`` is the
  engine's funnel as JSON, so a size change can be explained condition by condition.

Evaluation uses the read-only engine (validated SQL only); writes open the store inside each
function, in one transaction, and close it before returning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from segmenta.assistant.compiler import funnel_steps
from segmenta.assistant.explainer import step_label
from segmenta.assistant.plan import SavedSegmentCondition, SegmentPlan, conjuncts, walk
from segmenta.assistant.text import fold
from segmenta.errors import SegmentaError, WarehouseError, say
from segmenta.warehouse import userstore
from segmenta.warehouse.store import no_warehouse, run_query
from segmenta.warehouse.userstore import HISTORY, MEMBERS, SEGMENTS

MAX_NAME = 80


class SegmentError(SegmentaError):
    """A saved-segment action that cannot be done: unknown name, name taken, bad plan."""

    title = "Segments"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class StepCount(_Model):
    """One funnel row: its key (``contacts``, ``step_1``...), its label, and the contacts left."""

    key: str
    step: str
    count: int


class HistoryPoint(_Model):
    """The segment's size as of one date, and the funnel behind it."""

    as_of: date
    size: int
    recorded_at: datetime
    steps: list[StepCount]


class SavedSegment(_Model):
    """A saved segment as stored, with its latest size and its size history (oldest first)."""

    name: str
    kind: Literal["dynamic", "static"]
    plan: SegmentPlan | None
    request: str
    created_at: datetime
    as_of: date
    members: int
    history: list[HistoryPoint]

    @property
    def size(self) -> int:
        return self.history[-1].size if self.history else self.members


class ConditionChange(_Model):
    """One top-level condition's share of kept contacts on both dates, and its effect on the size."""

    step: str
    rate_before: float
    rate_after: float
    effect: float


class SizeChange(_Model):
    """Why a dynamic segment's size moved between two dates, condition by condition.

    ``size = base * r_1 * ... * r_n`` where ``r_i`` is the share of contacts condition i keeps
    of those that passed the conditions before it. Changing one factor at a time (the base, then
    r_1, r_2, ...) splits the change exactly: ``size2 - size1 = base_effect + sum of effects``.
    """

    name: str
    d1: date
    d2: date
    size1: int
    size2: int
    base1: int
    base2: int
    base_effect: float
    conditions: list[ConditionChange]

    @property
    def top(self) -> ConditionChange | None:
        """The condition whose effect on the size was largest (by magnitude), if any moved it."""
        moved = [c for c in self.conditions if round(c.effect)]
        return max(moved, key=lambda c: abs(c.effect)) if moved else None

    def sentences(self) -> list[str]:
        """The change in plain English: the total, the shop's growth, the condition that moved it most."""
        out = [
            f"'{self.name}' went from {self.size1:,} contacts on {self.d1} to {self.size2:,} on {self.d2} "
            f"({self.size2 - self.size1:+,})."
        ]
        if self.base2 != self.base1:
            out.append(
                f"The shop's contacts went from {self.base1:,} to {self.base2:,}, which alone accounts for "
                f"{round(self.base_effect):+,}."
            )
        top = self.top
        if top is None:
            out.append("No condition changed the share of contacts it keeps.")
        else:
            verb = "lost" if top.effect < 0 else "gained"
            out.append(
                f"The condition '{top.step}' moved the size most: the segment {verb} "
                f"{abs(round(top.effect)):,} contacts there (it kept {top.rate_before:.1%} on {self.d1}, "
                f"{top.rate_after:.1%} on {self.d2})."
            )
        return out


def decompose(counts1: list[int], counts2: list[int]) -> tuple[float, list[float]]:
    """Split the change of the last funnel count into the base's effect and each step's effect.

    >>> decompose([100, 50, 10], [200, 100, 10])
    (10.0, [0.0, -10.0])
    """

    def rates(c: list[int]) -> list[float]:
        return [c[i] / c[i - 1] if c[i - 1] else 0.0 for i in range(1, len(c))]

    r1, r2 = rates(counts1), rates(counts2)
    base_effect = (counts2[0] - counts1[0]) * _prod(r1)
    effects = [counts2[0] * _prod(r2[:i]) * (r2[i] - r1[i]) * _prod(r1[i + 1 :]) for i in range(len(r1))]
    return base_effect, effects


def _prod(xs: list[float]) -> float:
    out = 1.0
    for x in xs:
        out *= x
    return out


# ---------------------------------------------------------------- connections


@contextmanager
def _writable(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The segment store, writable, in one transaction; commits on success (``userstore.writable``)."""
    if not db.exists():
        raise WarehouseError(no_warehouse(db))
    with userstore.writable(db) as con:
        yield con


def _engine(db: Path) -> Any:
    from segmenta.tools.engines import open_engine

    return open_engine(db)


# ---------------------------------------------------------------- names


_KIND_ES = {
    "report": "un informe",
    "export": "una exportación",
    "workflow": "un workflow",
    "clarification": "una pregunta",
    "not_understood": "algo no entendido",
}


def not_saved(name: str) -> str:
    """``no saved segment named 'X'`` in the request's language."""
    return say(f"no saved segment named {name!r}", f"no hay ningún segmento guardado llamado {name!r}")


def check_name(name: str) -> str:
    """A segment name trimmed, or an error when it cannot be used in a request.

    >>> check_name("  Clientes élite ")
    'Clientes élite'
    """
    clean = " ".join(name.split())
    if not clean:
        raise SegmentError(
            say("a segment name cannot be empty", "el nombre de un segmento no puede estar vacío")
        )
    if len(clean) > MAX_NAME:
        raise SegmentError(
            say(
                f"the segment name is {len(clean)} characters long; at most {MAX_NAME}",
                f"el nombre del segmento tiene {len(clean)} caracteres; como máximo {MAX_NAME}",
            )
        )
    if any(ch in clean for ch in "'\"`") or not clean.isprintable():
        raise SegmentError(
            say(
                f"the segment name {clean!r} has quotes or control characters; a request names a "
                "segment between quotes, so it cannot hold them",
                f"el nombre del segmento {clean!r} tiene comillas o caracteres de control; una petición "
                "nombra un segmento entre comillas, así que no puede llevarlas",
            )
        )
    return clean


def closest(name: str, names: list[str], limit: int = 3) -> list[str]:
    """The saved names closest to ``name`` (accents and case ignored), best first.

    >>> closest("vip madird", ["VIP Madrid", "Clientes élite", "Lost"])[0]
    'VIP Madrid'
    """
    folded = {n: fold(n) for n in names}
    hits = process.extract(fold(name), folded, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)
    return [str(key) for _, _, key in hits]


def _names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(r[0]) for r in con.execute(f"SELECT name FROM {SEGMENTS} ORDER BY name").fetchall()]


def _resolve(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The stored name matching ``name`` (exact, else ignoring case and accents), or a clear error."""
    names = _names(con)
    if name in names:
        return name
    same = [n for n in names if fold(n) == fold(name)]
    if len(same) == 1:
        return same[0]
    if not names:
        raise SegmentError(
            say(
                f"no saved segment named {name!r}: no segments are saved yet "
                "(save one with `segmenta segments save NAME --ask TEXT`)",
                f"no hay ningún segmento guardado llamado {name!r}: aún no hay segmentos guardados "
                "(guarda uno con `segmenta segments save NOMBRE --ask TEXTO`)",
            )
        )
    near = closest(name, names)
    hint = (
        (say("; closest: ", "; los más parecidos: ") + ", ".join(f"'{n}'" for n in near))
        if near
        else say("; saved: ", "; guardados: ") + ", ".join(f"'{n}'" for n in names[:10])
    )
    raise SegmentError(not_saved(name) + hint)


@contextmanager
def _reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The saved segments as they are now, on a short-lived in-memory connection."""
    if not db.exists():
        raise WarehouseError(no_warehouse(db))
    con = duckdb.connect()
    try:
        found = userstore.tables(db) or userstore.legacy(db)
        for name in userstore.TABLES:
            con.register(name, found[name] if found else userstore.empty(name))
        yield con
    finally:
        con.close()


# ---------------------------------------------------------------- plans from requests


def plan_from_request(db: Path, text: str, as_of: date) -> SegmentPlan:
    """The segment Plan a request means (a fresh conversation's answer), or a clear error."""
    from segmenta.assistant.conversation import Conversation
    from segmenta.tools.engines import open_engine

    with open_engine(db) as engine:
        answer = Conversation().ask(engine, text, as_of)
    if not answer.answered or answer.plan is None or answer.plan.get("kind") != "segment":
        why = "; ".join(c.question for c in answer.clarifications) or say(
            f"it reads as a {answer.kind}", f"se lee como {_KIND_ES.get(answer.kind, answer.kind)}"
        )
        raise SegmentError(
            say(
                f"{text!r} is not a segment that can be saved: {why}",
                f"{text!r} no es un segmento que se pueda guardar: {why}",
            )
        )
    plan = SegmentPlan.model_validate(answer.plan)
    return plan.model_copy(update={"question": "list"})


def last_plan(db: Path) -> tuple[SegmentPlan, str]:
    """The conversation's last segment Plan kept beside the warehouse, with the request that made it."""
    from segmenta.assistant.conversation import Conversation
    from segmenta.warehouse.store import state_path

    conv = Conversation.load(state_path(db))
    if not isinstance(conv.plan, SegmentPlan):
        raise SegmentError(
            say(
                'there is no last segment to save: ask for one first (`segmenta ask "..."`)',
                'no hay un último segmento que guardar: pide uno primero (`segmenta ask "..."`)',
            )
        )
    # a refined answer was asked for in steps ("mujeres de Madrid", then "solo las de +30"): the
    # segment keeps them all, not the last follow-up alone
    request = " + ".join(conv.plan_requests())
    return conv.plan.model_copy(update={"question": "list"}), request


def _refs(plan: SegmentPlan | None) -> set[str]:
    return {n.name for n in walk(plan.where if plan else None) if isinstance(n, SavedSegmentCondition)}


# ---------------------------------------------------------------- evaluation


def _evaluate(
    db: Path, plan: SegmentPlan, dates: list[date], *, members: bool
) -> list[tuple[list[str], list[StepCount]]]:
    """Members (when asked) and the funnel of a plan at each date, through the engine's validated path."""
    keys = funnel_steps(plan)
    out: list[tuple[list[str], list[StepCount]]] = []
    with _engine(db) as engine:
        for as_of in dates:
            ids: list[str] = []
            if members:
                sql = engine.segment_sql(engine.resolve(plan), as_of)
                ids = [str(r[0]) for r in run_query(engine.con, sql, timeout=engine.timeout)[1]]
            funnel = engine.funnel(plan, as_of)
            out.append(
                (
                    ids,
                    [
                        StepCount(key=k, step=_label(plan, k, f.step, as_of), count=f.count)
                        for k, f in zip(keys, funnel, strict=True)
                    ],
                )
            )
    return out


def _label(plan: SegmentPlan, key: str, shown: str, as_of: date) -> str:
    if key.startswith("step_") and "_any_" not in key:
        node = conjuncts(plan.where)[int(key.split("_")[1]) - 1]
        return step_label(node, as_of, plan.language)
    return shown


def _size(steps: list[StepCount]) -> int:
    top = [s for s in steps if "_any_" not in s.key]
    return top[-1].count


def _record(
    con: duckdb.DuckDBPyConnection, name: str, as_of: date, size: int, steps: list[StepCount]
) -> None:
    con.execute(f"DELETE FROM {HISTORY} WHERE segment = ? AND as_of = ?", [name, as_of])
    con.execute(
        f"INSERT INTO {HISTORY} VALUES (?, ?, ?, ?, ?)",
        [name, as_of, size, datetime.now(), json.dumps([s.model_dump() for s in steps])],
    )


def _replace_members(con: duckdb.DuckDBPyConnection, name: str, ids: list[str]) -> None:
    con.execute(f"DELETE FROM {MEMBERS} WHERE segment = ?", [name])
    if ids:
        con.execute(f"INSERT INTO {MEMBERS} SELECT ?, unnest(?::VARCHAR[])", [name, ids])


def _static_steps(db: Path, name: str, as_of: date) -> list[StepCount]:
    """How many of a snapshot's members exist as of ``as_of`` (counted in the warehouse)."""
    with _engine(db) as engine:
        _, rows = run_query(
            engine.con,
            f"SELECT count(*) FROM {MEMBERS} m JOIN contacts_at(CAST(? AS DATE)) c USING (contact_id) "
            "WHERE m.segment = ?",
            [as_of, name],
            timeout=engine.timeout,
        )
    return _snapshot_steps(int(rows[0][0]) if rows else 0, as_of)


def _snapshot_steps(n: int, as_of: date) -> list[StepCount]:
    return [StepCount(key="members", step=f"snapshot members on {as_of}", count=n)]


# ---------------------------------------------------------------- the API


def save(
    db: Path,
    name: str,
    *,
    plan: SegmentPlan | None,
    request: str,
    static: bool,
    as_of: date,
    replace: bool = False,
) -> SavedSegment:
    """Save a segment under ``name``: its members as of ``as_of`` and a first history row.

    Args:
        db: the warehouse.
        name: any printable name without quotes ("VIP Madrid", "Clientes élite").
        plan: the segment's Plan; None parses ``request``.
        request: the request the segment came from (kept for ``show``).
        static: a snapshot of today's members instead of a Plan re-evaluated at each refresh.
        as_of: the date the members are taken at.
        replace: overwrite a segment of the same name instead of refusing.
    """
    clean = check_name(name)
    if plan is None:
        plan = plan_from_request(db, request, as_of)
    if clean in _refs(plan) or fold(clean) in {fold(r) for r in _refs(plan)}:
        raise SegmentError(
            say(
                f"the segment {clean!r} cannot be defined in terms of itself",
                f"el segmento {clean!r} no puede definirse a partir de sí mismo",
            )
        )
    ((ids, steps),) = _evaluate(db, plan, [as_of], members=True)
    with _writable(db) as con:
        taken = [n for n in _names(con) if fold(n) == fold(clean)]
        if taken and not replace:
            raise SegmentError(
                say(
                    f"a segment named {taken[0]!r} already exists: refresh it, delete it, "
                    "or save with another name",
                    f"ya existe un segmento llamado {taken[0]!r}: actualízalo, bórralo "
                    "o guárdalo con otro nombre",
                )
            )
        for old in taken:
            _drop(con, old)
        kind = "static" if static else "dynamic"
        con.execute(
            f"INSERT INTO {SEGMENTS} VALUES (?, ?, ?, ?, ?, ?)",
            [clean, kind, plan.model_dump_json(), request, datetime.now(), as_of],
        )
        _replace_members(con, clean, ids)
        _record(
            con,
            clean,
            as_of,
            len(ids) if static else _size(steps),
            _snapshot_steps(len(ids), as_of) if static else steps,
        )
    return show(db, clean)


def list_segments(db: Path) -> list[SavedSegment]:
    """Every saved segment, by name, with its latest size and history."""
    with _reading(db) as con:
        return [_load(con, n) for n in _names(con)]


def show(db: Path, name: str) -> SavedSegment:
    """One saved segment (name matched ignoring case and accents), or an error naming the closest."""
    with _reading(db) as con:
        return _load(con, _resolve(con, name))


def _load(con: duckdb.DuckDBPyConnection, name: str) -> SavedSegment:
    row = con.execute(
        f"SELECT name, kind, plan, request, created_at, as_of FROM {SEGMENTS} WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        raise SegmentError(not_saved(name))
    members = con.execute(f"SELECT count(*) FROM {MEMBERS} WHERE segment = ?", [name]).fetchone()
    hist = con.execute(
        f"SELECT as_of, size, recorded_at, step_counts FROM {HISTORY} WHERE segment = ? ORDER BY as_of",
        [name],
    ).fetchall()
    points = [
        HistoryPoint(
            as_of=h[0],
            size=int(h[1]),
            recorded_at=h[2],
            steps=[StepCount.model_validate(s) for s in json.loads(h[3] or "[]")],
        )
        for h in hist
    ]
    plan = SegmentPlan.model_validate_json(row[2]) if row[2] else None
    return SavedSegment(
        name=row[0],
        kind=row[1],
        plan=plan,
        request=row[3] or "",
        created_at=row[4],
        as_of=row[5],
        members=int(members[0]) if members else 0,
        history=points,
    )


def refresh(db: Path, name: str, as_of: date) -> SavedSegment:
    """Re-evaluate a segment at ``as_of`` and record a history row.

    A dynamic segment's members become its membership at ``as_of``; a static segment keeps its
    snapshot and records how many of its members still exist at ``as_of``.
    """
    seg = show(db, name)
    if seg.kind == "dynamic" and seg.plan is not None:
        ((ids, steps),) = _evaluate(db, seg.plan, [as_of], members=True)
        with _writable(db) as con:
            _replace_members(con, seg.name, ids)
            con.execute(f"UPDATE {SEGMENTS} SET as_of = ? WHERE name = ?", [as_of, seg.name])
            _record(con, seg.name, as_of, _size(steps), steps)
    else:
        steps = _static_steps(db, seg.name, as_of)
        with _writable(db) as con:
            _record(con, seg.name, as_of, steps[0].count, steps)
    return show(db, seg.name)


def history(db: Path, name: str) -> list[HistoryPoint]:
    """The recorded sizes of a segment, oldest date first."""
    return show(db, name).history


def month_ends(since: date, until: date) -> list[date]:
    """The last days of the months from ``since`` to ``until`` (both inclusive).

    >>> month_ends(date(2026, 1, 15), date(2026, 4, 10))
    [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)]
    """
    out: list[date] = []
    first = date(since.year, since.month, 1)
    while True:
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        if end > until:
            return out
        if end >= since:
            out.append(end)
        first = nxt


def backfill(db: Path, name: str, since: date, until: date | None = None) -> list[HistoryPoint]:
    """Record a dynamic segment's size at each month-end from ``since`` to ``until`` (default: its as-of).

    Each size is computed as of its own date; the members stay those of the last refresh.
    """
    seg = show(db, name)
    if seg.kind != "dynamic" or seg.plan is None:
        raise SegmentError(f"'{seg.name}' is a static snapshot: it has no size before it was saved")
    dates = month_ends(since, until or seg.as_of)
    if not dates:
        raise SegmentError(f"no month ends between {since} and {until or seg.as_of}")
    rows = [
        (d, steps) for d, (_, steps) in zip(dates, _evaluate(db, seg.plan, dates, members=False), strict=True)
    ]
    with _writable(db) as con:
        for d, steps in rows:
            _record(con, seg.name, d, _size(steps), steps)
    return history(db, seg.name)


def explain_change(db: Path, name: str, d1: date, d2: date) -> SizeChange:
    """Which top-level condition moved a dynamic segment's size most between ``d1`` and ``d2``.

    Uses the engine's funnel at both dates; see ``SizeChange`` for how the change is split.
    """
    seg = show(db, name)
    if seg.kind != "dynamic" or seg.plan is None:
        raise SegmentError(
            f"'{seg.name}' is a static snapshot: its size only changes when contacts are deleted"
        )
    (_, s1), (_, s2) = _evaluate(db, seg.plan, [d1, d2], members=False)
    top1 = [s for s in s1 if "_any_" not in s.key]
    top2 = [s for s in s2 if "_any_" not in s.key]
    c1, c2 = [s.count for s in top1], [s.count for s in top2]
    base_effect, effects = decompose(c1, c2)
    changes = [
        ConditionChange(
            step=top2[i].step,
            rate_before=c1[i] / c1[i - 1] if c1[i - 1] else 0.0,
            rate_after=c2[i] / c2[i - 1] if c2[i - 1] else 0.0,
            effect=effects[i - 1],
        )
        for i in range(1, len(top2))
    ]
    return SizeChange(
        name=seg.name,
        d1=d1,
        d2=d2,
        size1=c1[-1],
        size2=c2[-1],
        base1=c1[0],
        base2=c2[0],
        base_effect=base_effect,
        conditions=changes,
    )


def _rewrite_refs(value: Any, old: str, new: str) -> Any:
    """A plan's JSON with every saved-segment reference to ``old`` renamed to ``new``."""
    if isinstance(value, dict):
        out = {k: _rewrite_refs(v, old, new) for k, v in value.items()}
        if out.get("type") == "saved_segment" and out.get("name") == old:
            out["name"] = new
        return out
    if isinstance(value, list):
        return [_rewrite_refs(v, old, new) for v in value]
    return value


def _dependents(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    rows = con.execute(
        f"SELECT name, plan FROM {SEGMENTS} WHERE name <> ? AND plan IS NOT NULL", [name]
    ).fetchall()
    return [(str(n), str(p)) for n, p in rows if name in _refs(SegmentPlan.model_validate_json(p))]


def rename(db: Path, old: str, new: str) -> SavedSegment:
    """Rename a segment, its members, its history, and the references to it in other saved segments."""
    clean = check_name(new)
    with _writable(db) as con:
        current = _resolve(con, old)
        if any(fold(n) == fold(clean) and n != current for n in _names(con)):
            raise SegmentError(f"a segment named {clean!r} already exists")
        for dep, plan in _dependents(con, current):
            con.execute(
                f"UPDATE {SEGMENTS} SET plan = ? WHERE name = ?",
                [json.dumps(_rewrite_refs(json.loads(plan), current, clean), ensure_ascii=False), dep],
            )
        # the primary key forbids updating the key in place: copy the row under the new name
        con.execute(
            f"INSERT INTO {SEGMENTS} SELECT ?, kind, plan, request, created_at, as_of FROM {SEGMENTS} "
            "WHERE name = ?",
            [clean, current],
        )
        con.execute(f"DELETE FROM {SEGMENTS} WHERE name = ?", [current])
        con.execute(f"UPDATE {MEMBERS} SET segment = ? WHERE segment = ?", [clean, current])
        con.execute(f"UPDATE {HISTORY} SET segment = ? WHERE segment = ?", [clean, current])
    return show(db, clean)


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    for table, col in ((SEGMENTS, "name"), (MEMBERS, "segment"), (HISTORY, "segment")):
        con.execute(f"DELETE FROM {table} WHERE {col} = ?", [name])


def delete(db: Path, name: str) -> str:
    """Delete a segment with its members and history; refused while another saved segment uses it.

    Returns:
        The name deleted.
    """
    with _writable(db) as con:
        current = _resolve(con, name)
        deps = _dependents(con, current)
        if deps:
            raise SegmentError(
                f"'{current}' is used by "
                + ", ".join(f"'{d}'" for d, _ in deps)
                + ": delete or change those first"
            )
        _drop(con, current)
    return current


def segment_sql(db: Path, name: str, as_of: date) -> str:
    """Validated SQL listing the segment's contacts at ``as_of`` (one ``contact_id`` column).

    A dynamic segment compiles its Plan at ``as_of``; a static one reads its snapshot, keeping
    the members that exist at ``as_of``.
    """
    seg = show(db, name)
    plan = (
        seg.plan
        if seg.kind == "dynamic" and seg.plan is not None
        else SegmentPlan(where=SavedSegmentCondition(name=seg.name))
    )
    with _engine(db) as engine:
        return str(engine.segment_sql(engine.resolve(plan), as_of))
