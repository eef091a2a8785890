"""Workflow drafts: a marketer's "draft a win-back workflow for hibernating customers" as a graph.

A draft is a graph of nodes (audience, trigger, wait, condition, action, exit) joined by edges,
saved as JSON (the pydantic models below; ``docs/WORKFLOW_SCHEMA.md``) and shown as a tree or as
Mermaid. Every node carries estimates from the warehouse, computed twice on read-only SQL:

- ``enter``: contacts at the node if the workflow were launched on D (the audience; for event
  triggers, the events of the trigger's lookback, such as carts abandoned in the last 3 days);
- ``last_30_days``: contacts that would have reached the node over the 30 days up to D (carts
  abandoned, sign-ups, contacts who *joined* the audience: in it at D and not at D - 30);
- ``yes`` / ``no`` on conditions (None when the warehouse cannot tell, such as a survey answer);
- ``reachable`` on sends: of ``enter``, those with consent and an address on the channel.

Consent: email = ``email_subscribed`` and an email; SMS = ``sms_subscribed`` and a phone;
push = ``push_subscribed``; WhatsApp has no consent flag in the data model and uses the SMS one;
web content reaches contacts with web activity in the 90 days up to D.

A draft speaks its request's language (``detect_language``, or an explicit ``lang``): node
labels, branch names, notes, assumptions and the name are Spanish for a Spanish request.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from segmenta.assistant.compiler import compile_segment, condition_sql, render
from segmenta.assistant.plan import AttributeCondition, SegmentPlan, Window
from segmenta.assistant.text import detect_language, fold
from segmenta.assistant.validator import validate
from segmenta.errors import SegmentaError, say
from segmenta.tools.workflow_kinds import (
    BRANCHES,
    EMAIL_OK,
    KIND_TITLES,
    KIND_WORDS,
    PUSH_OK,
    SMS_OK,
    Channel,
    Lang,
    Step,
    Template,
    kind_title,
    templates,
)
from segmenta.warehouse.store import run_query

SCHEMA_VERSION = 1
LOOKBACK_DAYS: dict[str, int] = {
    "abandoned_cart": 3,
    "browse_abandonment": 3,
    "welcome": 7,
    "replenishment": 7,
    "post_purchase_survey": 10,
    "birthday": 7,
}
_AUDIENCE_WORDS = re.compile(
    r"\b(for|para|dirigido a|dirigida a|aimed at|targeting)\s+(?:the\s+)?(.+)$", re.I
)


class WorkflowError(SegmentaError):
    """A workflow that cannot be drafted: unknown kind, audience not understood."""

    title = "Workflow"


class UnknownKind(WorkflowError):
    """The text names no workflow kind segmenta knows."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Estimate(_Model):
    """What the warehouse says about one node (see the module docstring for each number)."""

    enter: int | None = None
    last_30_days: int | None = None
    yes: int | None = None
    no: int | None = None
    reachable: int | None = None
    note: str = ""


class WorkflowNode(_Model):
    """One node of the graph."""

    id: str
    type: Literal["audience", "trigger", "wait", "condition", "action", "exit"]
    label: str
    channel: Channel | None = None
    action: Literal["send", "add_to_segment", "remove_from_segment"] | None = None
    segment: str | None = None
    wait_hours: float | None = None
    estimate: Estimate = Field(default_factory=Estimate)


class WorkflowEdge(_Model):
    """A transition; conditions label their two edges with the branch (``yes`` / ``no`` or named)."""

    source: str
    target: str
    label: str = ""


class Audience(_Model):
    """Who may enter: the request's words, the segment Plan (None = every contact) and its size."""

    text: str
    plan: SegmentPlan | None = None
    size: int


class WorkflowDraft(_Model):
    """A workflow draft: what it is, who enters, the graph, and the shop-specific parameters."""

    schema_version: int = SCHEMA_VERSION
    kind: str
    name: str
    request: str
    as_of: date
    audience: Audience
    nodes: list[WorkflowNode]
    edges: list[WorkflowEdge]
    parameters: dict[str, float | str | dict[str, float]] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list)

    def children(self, node_id: str) -> list[tuple[WorkflowEdge, WorkflowNode]]:
        """The edges leaving a node with their target nodes, in order."""
        by_id = {n.id: n for n in self.nodes}
        return [(e, by_id[e.target]) for e in self.edges if e.source == node_id]


# ---------------------------------------------------------------- recognising the request


def known_kinds() -> list[str]:
    """The workflow kinds segmenta drafts, by name."""
    return list(KIND_WORDS)


def detect_kind(text: str) -> str:
    """The workflow kind a request names (the longest matching phrase wins).

    >>> detect_kind("draft a win-back workflow for hibernating customers")
    'win_back'
    >>> detect_kind("flujo de carrito abandonado")
    'abandoned_cart'
    """
    f = f" {fold(text).replace('-', ' ')} "
    best: tuple[int, str] | None = None
    for kind, phrases in KIND_WORDS.items():
        for p in phrases:
            if f" {p} " in f and (best is None or len(p) > best[0]):
                best = (len(p), kind)
    if best is None:
        kinds = ", ".join(f"{k} ({KIND_TITLES[k]})" for k in KIND_WORDS)
        raise UnknownKind(
            say(
                f"no workflow kind found in {text!r}; known kinds: {kinds}",
                f"no encuentro un tipo de workflow en {text!r}; tipos conocidos: {kinds}",
            )
        )
    return best[1]


def audience_text(text: str) -> str | None:
    """The audience part of a request: what follows "for" / "para" (None when there is none).

    >>> audience_text("draft a win-back workflow for hibernating customers")
    'hibernating customers'
    >>> audience_text("flujo de bienvenida") is None
    True
    """
    m = _AUDIENCE_WORDS.search(text)
    if m is None:
        return None
    rest = m.group(2).strip(" .")
    return rest or None


# ---------------------------------------------------------------- SQL pieces


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _ts(t: datetime) -> str:
    return f"TIMESTAMP '{t.isoformat(sep=' ')}'"


def _fmt(sql: str, day: date) -> str:
    end = datetime.combine(day + timedelta(days=1), datetime.min.time())
    return sql.replace("{day}", _d(day)).replace("{end}", _ts(end))


def _members(plan: SegmentPlan | None, day: date) -> str:
    return render(compile_segment(plan or SegmentPlan(), day))


def _event_cohort(kind: str, day: date, days: int) -> str:
    """``(contact_id, t, v, g, o)``: one row per contact whose trigger fired in the ``days`` up to ``day``."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time())
    lo, hi = _ts(end - timedelta(days=days)), _ts(end)
    win = f"occurred_at >= {lo} AND occurred_at < {hi}"
    if kind == "abandoned_cart":
        return (
            "SELECT contact_id, max(occurred_at) AS t, CAST(arg_max(value, occurred_at) AS DOUBLE) AS v, "
            "CAST(NULL AS VARCHAR) AS g, CAST(NULL AS VARCHAR) AS o FROM web_events "
            f"WHERE event_type = 'cart_abandoned' AND contact_id IS NOT NULL AND {win} GROUP BY contact_id"
        )
    if kind == "browse_abandonment":
        return (
            "SELECT w.contact_id, max(w.occurred_at) AS t, CAST(count(*) AS DOUBLE) AS v, "
            "CAST(NULL AS VARCHAR) AS g, CAST(NULL AS VARCHAR) AS o FROM web_events AS w "
            f"WHERE w.event_type = 'product_view' AND w.contact_id IS NOT NULL AND w.{win} "
            "AND NOT EXISTS (SELECT 1 FROM web_events AS a WHERE a.contact_id = w.contact_id "
            f"AND a.event_type = 'add_to_cart' AND a.{win}) GROUP BY w.contact_id"
        )
    if kind == "welcome":
        return (
            f"SELECT c.contact_id, c.created_at AS t, CAST(NULL AS DOUBLE) AS v, CAST(NULL AS VARCHAR) AS g, "
            f"CAST(NULL AS VARCHAR) AS o FROM contacts_at({_d(day)}) AS c "
            f"WHERE c.created_at >= {lo} AND c.created_at < {hi}"
        )
    if kind == "post_purchase_survey":
        return (
            "SELECT contact_id, max(ordered_at) AS t, CAST(NULL AS DOUBLE) AS v, CAST(NULL AS VARCHAR) AS g, "
            f"arg_max(order_id, ordered_at) AS o FROM completed_orders({_d(day)}) "
            f"WHERE ordered_at >= {lo} AND ordered_at < {hi} GROUP BY contact_id"
        )
    if kind == "birthday":
        test = condition_sql(
            AttributeCondition(
                field="birth_date", op="birthday_in", window=Window(kind="last", n=days, unit="day")
            ),
            day,
        )
        return (
            f"SELECT c.contact_id, CAST(NULL AS TIMESTAMP) AS t, CAST(NULL AS DOUBLE) AS v, "
            f"CAST(NULL AS VARCHAR) AS g, CAST(NULL AS VARCHAR) AS o FROM contacts_at({_d(day)}) AS c "
            f"WHERE {test}"
        )
    if kind == "replenishment":
        return (
            f"WITH bought AS ({_CATEGORY_ORDERS.format(day=_d(day))}), gaps AS ({_GAPS}) "
            "SELECT b.contact_id, min(b.ordered_at + to_days(CAST(gaps.days AS INTEGER))) AS t, "
            "arg_min(gaps.days, b.ordered_at + to_days(CAST(gaps.days AS INTEGER))) AS v, "
            "arg_min(b.g, b.ordered_at + to_days(CAST(gaps.days AS INTEGER))) AS g, "
            "CAST(NULL AS VARCHAR) AS o FROM bought AS b JOIN gaps ON gaps.g = b.g "
            f"WHERE b.ordered_at + to_days(CAST(gaps.days AS INTEGER)) >= {lo} "
            f"AND b.ordered_at + to_days(CAST(gaps.days AS INTEGER)) < {hi} "
            "AND (b.nxt IS NULL OR b.nxt >= b.ordered_at + to_days(CAST(gaps.days AS INTEGER))) "
            "GROUP BY b.contact_id"
        )
    raise WorkflowError(f"the workflow kind {kind!r} has no event trigger")


# one row per completed order and category it holds, with the contact's next order of that category
_CATEGORY_ORDERS = (
    "SELECT x.contact_id, x.g, x.ordered_at, lead(x.ordered_at) OVER (PARTITION BY x.contact_id, x.g "
    "ORDER BY x.ordered_at) AS nxt "
    "FROM (SELECT DISTINCT o.contact_id, p.category AS g, o.order_id, o.ordered_at "
    "FROM completed_orders({day}) AS o JOIN order_lines AS ol ON ol.order_id = o.order_id "
    "JOIN products AS p ON p.product_id = ol.product_id WHERE p.category IS NOT NULL) AS x"
)
# median days between consecutive orders of a category by the same contact (3+ repeat purchases)
_GAPS = (
    "SELECT g, median(date_diff('day', ordered_at, nxt)) AS days, count(*) AS n FROM bought "
    "WHERE nxt IS NOT NULL AND date_diff('day', ordered_at, nxt) > 0 GROUP BY g HAVING count(*) >= 3"
)


def _channel_ok(channel: Channel | None) -> str:
    if channel == "email":
        return EMAIL_OK
    if channel in ("sms", "whatsapp"):
        return SMS_OK
    if channel == "push":
        return PUSH_OK
    return (
        "EXISTS (SELECT 1 FROM web_events AS we WHERE we.contact_id = k.contact_id "
        "AND we.occurred_at >= {end} - INTERVAL 90 DAY AND we.occurred_at < {end})"
    )


# ---------------------------------------------------------------- the graph


class _Builder:
    """Turns template steps into nodes, edges and, per node, the predicates of the path to it."""

    def __init__(self) -> None:
        self.nodes: list[tuple[str, Step | None, str, list[tuple[str | None, bool]]]] = []
        self.edges: list[WorkflowEdge] = []

    def add(self, step: Step, path: list[tuple[str | None, bool]]) -> str:
        nid = f"n{len(self.nodes) + 1}"
        self.nodes.append((nid, step, step.kind, path))
        return nid

    def chain(
        self, steps: list[Step], tails: list[tuple[str, str]], path: list[tuple[str | None, bool]]
    ) -> list[tuple[str, str]]:
        """Add ``steps`` after ``tails`` (node id, edge label); returns the open ends.

        After a condition both branches run their own steps, then meet again at the next step,
        whose path no longer depends on the condition. An exit closes its branch.
        """
        for step in steps:
            nid = self.add(step, path)
            self.edges.extend(WorkflowEdge(source=src, target=nid, label=label) for src, label in tails)
            if step.kind == "exit":
                return []
            if step.kind == "condition":
                tails = self.chain(
                    step.yes, [(nid, step.yes_label)], [*path, (step.test, True)]
                ) + self.chain(step.no, [(nid, step.no_label)], [*path, (step.test, False)])
                if not tails:
                    return []
            else:
                tails = [(nid, "")]
        return tails


def _counts(
    con: duckdb.DuckDBPyConnection,
    schema: dict[str, dict[str, str]],
    cohort: str,
    day: date,
    tests: list[str],
) -> list[int]:
    """Count the cohort's contacts passing each test, in one validated scan."""
    cols = ", ".join(f"count(*) FILTER (WHERE {_fmt(t, day)}) AS x{i}" for i, t in enumerate(tests))
    sql = (
        f"WITH k AS ({cohort}) SELECT {cols} FROM k JOIN contacts_at({_d(day)}) AS c "
        f"ON c.contact_id = k.contact_id "
        f"LEFT JOIN lead_scores({_d(day)}) AS ls ON ls.contact_id = k.contact_id"
    )
    validate(sql, schema)
    row = run_query(con, sql)[1][0]
    return [int(v) for v in row]


def _path_sql(path: list[tuple[str | None, bool]]) -> str | None:
    """The path's predicates AND-ed; None when a test on the way is unknown to the warehouse."""
    parts = ["TRUE"]
    for test, yes in path:
        if test is None:
            return None
        parts.append(f"coalesce(({test}), FALSE)" if yes else f"NOT coalesce(({test}), FALSE)")
    return " AND ".join(parts)


def _audience(db: Path, text: str, audience: str | None, use_last: bool) -> tuple[SegmentPlan | None, str]:
    from segmenta.tools.engines import open_engine

    if use_last:
        from segmenta.tools.segments import last_plan

        plan, request = last_plan(db)
        return plan, request
    if audience is None:
        return None, ""
    with open_engine(db) as engine:
        result = engine.parse(audience)
    if not isinstance(result.plan, SegmentPlan) or result.plan.where is None or result.unrecognized:
        words = ", ".join(f"'{w}'" for w in result.unrecognized) or repr(audience)
        raise WorkflowError(
            say(
                f"the audience {audience!r} in {text!r} was not understood ({words})",
                f"no entendí la audiencia {audience!r} de {text!r} ({words})",
            )
        )
    return result.plan.model_copy(update={"question": "list"}), audience


def draft(
    db: Path, text: str, as_of: date, *, use_last: bool = False, lang: Lang | None = None
) -> WorkflowDraft:
    """Draft the workflow a request names, with estimates from the warehouse at ``as_of``.

    Args:
        db: the warehouse.
        text: "draft an abandoned cart workflow", "flujo de reactivación para los clientes hibernando".
        as_of: the as-of date D of every estimate.
        use_last: take the audience from the conversation's last segment instead of the text.
        lang: the language of the draft's words; None = the request's (``detect_language``).
    """
    from segmenta.tools.engines import open_engine

    lang = lang or detect_language(text)
    kind = detect_kind(text)
    plan, aud_text = _audience(db, text, audience_text(text), use_last)
    with open_engine(db) as engine:
        con, schema = engine.con, engine.schema
        split, intervals = _parameters(con, schema, as_of)
        tpl = templates(split, _intervals_text(intervals, lang), lang)[kind]
        assumptions: list[str] = []
        if plan is None and tpl.default_audience is not None:
            plan = SegmentPlan(where=tpl.default_audience)
            aud_text = tpl.default_audience_text
            assumptions.append(_WORDS["no_audience"][lang] + tpl.default_audience_text)
        if plan is not None:
            plan = engine.resolve(plan)  # a saved segment in the audience: its definition at D
        if kind == "replenishment" and not intervals:
            assumptions.append(_WORDS["no_intervals"][lang])
        return _estimate(
            con, schema, text, kind, tpl, plan, aud_text, as_of, split, intervals, assumptions, lang
        )


# the draft's own words (the templates' are in ``workflow_kinds``)
_WORDS: dict[str, dict[Lang, str]] = {
    "no_audience": {"en": "no audience given: ", "es": "sin audiencia indicada: "},
    "no_intervals": {
        "en": "no category has 3 or more repeat purchases yet: the trigger finds nobody",
        "es": "ninguna categoría tiene aún 3 o más recompras: el disparador no encuentra a nadie",
    },
    "days": {"en": "days", "es": "días"},
    "none_found": {"en": "none found", "es": "no se encontró ninguno"},
    "everyone": {"en": "every contact", "es": "todos los contactos"},
    "audience": {"en": "Audience", "es": "Audiencia"},
    "unknown": {
        "en": "depends on an earlier answer the warehouse does not hold",
        "es": "depende de una respuesta anterior que el almacén no tiene",
    },
    "now": {"en": "now", "es": "ahora"},
    "last_30": {"en": "last 30 days", "es": "últimos 30 días"},
    "reachable": {"en": "reachable", "es": "alcanzables"},
}


def _intervals_text(intervals: dict[str, float], lang: Lang) -> str:
    """The repurchase intervals per category in a few words of ``lang``.

    >>> _intervals_text({"Running": 45.0, "Yoga": 30.5}, "es")
    'Running: 45 días, Yoga: 30.5 días'
    >>> _intervals_text({}, "en")
    'none found'
    """
    days = _WORDS["days"][lang]
    return ", ".join(f"{g}: {d:g} {days}" for g, d in intervals.items()) or _WORDS["none_found"][lang]


def _parameters(
    con: duckdb.DuckDBPyConnection, schema: dict[str, dict[str, str]], day: date
) -> tuple[float, dict[str, float]]:
    end = _ts(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    sql = (
        "SELECT coalesce(median(value), 0) FROM web_events WHERE event_type = 'cart_abandoned' "
        f"AND value IS NOT NULL AND occurred_at < {end}"
    )
    validate(sql, schema)
    split = round(float(run_query(con, sql)[1][0][0]), 2)
    bought = _CATEGORY_ORDERS.format(day=_d(day))
    gaps = f"WITH bought AS ({bought}), gaps AS ({_GAPS}) SELECT g, days FROM gaps ORDER BY g"
    validate(gaps, schema)
    return split, {str(g): float(d) for g, d in run_query(con, gaps)[1]}


def _estimate(
    con: duckdb.DuckDBPyConnection,
    schema: dict[str, dict[str, str]],
    text: str,
    kind: str,
    tpl: Template,
    plan: SegmentPlan | None,
    aud_text: str,
    day: date,
    split: float,
    intervals: dict[str, float],
    assumptions: list[str],
    lang: Lang,
) -> WorkflowDraft:
    now_members, then_members = _members(plan, day), _members(plan, day - timedelta(days=30))
    joined = (
        f"SELECT contact_id, CAST(NULL AS TIMESTAMP) AS t, CAST(NULL AS DOUBLE) AS v, "
        f"CAST(NULL AS VARCHAR) AS g, CAST(NULL AS VARCHAR) AS o FROM ({now_members}) AS a "
        f"WHERE contact_id NOT IN ({then_members})"
    )
    whole = (
        f"SELECT contact_id, CAST(NULL AS TIMESTAMP) AS t, CAST(NULL AS DOUBLE) AS v, "
        f"CAST(NULL AS VARCHAR) AS g, CAST(NULL AS VARCHAR) AS o FROM ({now_members}) AS a"
    )
    if tpl.cohort == "event":
        inside = "" if plan is None else f" WHERE e.contact_id IN ({now_members})"
        now = f"SELECT * FROM ({_event_cohort(kind, day, LOOKBACK_DAYS[kind])}) AS e{inside}"
        last30 = f"SELECT * FROM ({_event_cohort(kind, day, 30)}) AS e{inside}"
    else:
        now, last30 = whole, joined
    b = _Builder()
    trigger = b.add(Step("trigger", tpl.trigger), [])
    b.chain(tpl.steps, [(trigger, "")], [])
    tests: list[str] = []
    index: dict[str, dict[str, int]] = {}
    for nid, step, _, path in b.nodes:
        where = _path_sql(path)
        if where is None:
            continue
        slots = {"enter": len(tests)}
        tests.append(where)
        if step is not None and step.kind == "condition" and step.test is not None:
            slots["yes"] = len(tests)
            tests.append(f"{where} AND coalesce(({step.test}), FALSE)")
            slots["no"] = len(tests)
            tests.append(f"{where} AND NOT coalesce(({step.test}), FALSE)")
        if step is not None and step.action == "send":
            slots["reachable"] = len(tests)
            tests.append(f"{where} AND ({_channel_ok(step.channel)})")
        index[nid] = slots
    c_now, c_30 = _counts(con, schema, now, day, tests), _counts(con, schema, last30, day, tests)
    size_sql = f"SELECT count(*) FROM ({now_members}) AS a"
    validate(size_sql, schema)
    size = int(run_query(con, size_sql)[1][0][0])
    joined_n = _counts(con, schema, joined, day, ["TRUE"])[0]
    nodes = [
        WorkflowNode(
            id="n0",
            type="audience",
            label=f"{_WORDS['audience'][lang]}: {aud_text or _WORDS['everyone'][lang]}",
            estimate=Estimate(enter=size, last_30_days=joined_n),
        )
    ]
    for nid, step, _, _ in b.nodes:
        assert step is not None
        at = index.get(nid)
        est = Estimate(note=step.note or (_WORDS["unknown"][lang] if at is None else ""))
        if at is not None:
            est = Estimate(
                enter=c_now[at["enter"]],
                last_30_days=c_30[at["enter"]],
                yes=c_now[at["yes"]] if "yes" in at else None,
                no=c_now[at["no"]] if "no" in at else None,
                reachable=c_now[at["reachable"]] if "reachable" in at else None,
                note=step.note,
            )
        nodes.append(
            WorkflowNode(
                id=nid,
                type=step.kind,
                label=step.label,
                channel=step.channel,
                action=step.action,
                segment=step.segment,
                wait_hours=step.wait_hours,
                estimate=est,
            )
        )
    edges = [WorkflowEdge(source="n0", target=trigger), *b.edges]
    params: dict[str, float | str | dict[str, float]] = {}
    if kind == "abandoned_cart":
        params["cart_value_split"] = split
    if kind == "replenishment":
        params["repurchase_interval_days"] = intervals
    if tpl.cohort == "event":
        params["lookback_days"] = float(LOOKBACK_DAYS[kind])
    return WorkflowDraft(
        kind=kind,
        name=kind_title(kind, lang),
        request=text,
        as_of=day,
        audience=Audience(text=aud_text or _WORDS["everyone"][lang], plan=plan, size=size),
        nodes=nodes,
        edges=edges,
        parameters=params,
        assumptions=assumptions,
    )


# ---------------------------------------------------------------- files and text


def save_json(d: WorkflowDraft, path: Path) -> Path:
    """Write a draft as JSON (the schema of ``docs/WORKFLOW_SCHEMA.md``)."""
    path.write_text(d.model_dump_json(indent=2), encoding="utf-8")
    return path


def load_json(path: Path) -> WorkflowDraft:
    """Read a draft back, validated against the schema."""
    try:
        return WorkflowDraft.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise WorkflowError(
            say(
                f"{path} is not a workflow draft: {str(e).splitlines()[0]}",
                f"{path} no es un borrador de workflow: {str(e).splitlines()[0]}",
            )
        ) from e


def json_schema() -> str:
    """The JSON Schema of a draft file."""
    return json.dumps(WorkflowDraft.model_json_schema(), indent=2)


def estimate_text(e: Estimate, lang: Lang = "en", country: str = "") -> str:
    """The estimate of a node in a few words of ``lang``, its numbers as the shop's locale writes them.

    >>> estimate_text(Estimate(enter=120, last_30_days=900, reachable=80))
    'now 120 · last 30 days 900 · reachable 80'
    >>> estimate_text(Estimate(enter=12000, yes=20, no=11980), "es")
    'ahora 12.000 · sí 20 / no 11.980'
    """
    from segmenta.locale_text import integer, locale_id

    loc = locale_id(lang, country)
    parts = []
    if e.enter is not None:
        parts.append(f"{_WORDS['now'][lang]} {integer(e.enter, loc)}")
    if e.last_30_days is not None:
        parts.append(f"{_WORDS['last_30'][lang]} {integer(e.last_30_days, loc)}")
    if e.yes is not None and e.no is not None:
        yes, no = BRANCHES[lang]
        parts.append(f"{yes} {integer(e.yes, loc)} / {no} {integer(e.no, loc)}")
    if e.reachable is not None:
        parts.append(f"{_WORDS['reachable'][lang]} {integer(e.reachable, loc)}")
    if e.note:
        parts.append(e.note)
    return " · ".join(parts)


def _mermaid_text(s: str) -> str:
    return s.replace('"', "#quot;").replace("\n", " ")


def mermaid(d: WorkflowDraft, lang: Lang | None = None) -> str:
    """The draft as a Mermaid flowchart (conditions as diamonds, estimates in the labels).

    ``lang`` is the estimates' language; None = the request's.
    """
    lang = lang or detect_language(d.request)
    lines = ["flowchart TD"]
    for n in d.nodes:
        est = estimate_text(n.estimate, lang)
        label = _mermaid_text(n.label + ("<br/>" + est if est else ""))
        shape = {
            "condition": ('{"', '"}'),
            "audience": ('(["', '"])'),
            "trigger": ('>"', '"]'),
            "exit": ('(("', '"))'),
        }.get(n.type, ('["', '"]'))
        lines.append(f"    {n.id}{shape[0]}{label}{shape[1]}")
    for e in d.edges:
        arrow = f" -->|{_mermaid_text(e.label)}| " if e.label else " --> "
        lines.append(f"    {e.source}{arrow}{e.target}")
    return "\n".join(lines) + "\n"


def node_ids(d: WorkflowDraft) -> set[str]:
    """Every node id (used to check that edges point at nodes)."""
    return {n.id for n in d.nodes}


def root(d: WorkflowDraft) -> WorkflowNode:
    """The audience node the graph starts from."""
    return next(n for n in d.nodes if n.type == "audience")
