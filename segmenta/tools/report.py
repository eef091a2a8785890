"""ReportPlan -> one validated SELECT: the Data Explorer's report compiler.

A report is metrics (``metrics.py``) by an optional time grain and dimensions over a window. Each
metric's rows come from its *source*; the metrics of one source are aggregated in one grouped
SELECT over that source's facts (completed orders, order lines, message events, web events,
contacts at D, RFM at D), cut at END = D + 1 day and filtered by the window, the plan's channels,
workflows, products and segment (``contact_id IN (segment)``). Metrics of several sources are
stacked with UNION ALL and regrouped by the report's keys.

Readings fixed by DATA_MODEL.md (Settled readings 9 and 10): rows whose dimension value is NULL
are left out (``excluded_sql`` counts them); time buckets are DATEs at their first day, weeks from
Monday; with a grain, every bucket of the window appears for every dimension value with data in
the window (counts 0, rates NULL); rates are fractions, NULL when the denominator is 0. A buyer
is first-time in a bucket (else in the window) when their first completed order falls in it.
The facts of event metrics are only the event types those metrics count, so a workflow shows up
in a conversions report when it had conversions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlglot import exp

from segmenta.assistant.compiler import compile_segment, render, ts
from segmenta.assistant.plan import ProductMatch, PurchaseCondition, ReportPlan, SegmentPlan
from segmenta.assistant.windows import add_months, resolve_window, unit_start
from segmenta.errors import SegmentaError
from segmenta.locale_text import day_text
from segmenta.tools.metrics import DIMENSIONS, METRICS, TIME_COLUMN, AggContext, Metric, bucket, check, ratio

__all__ = ["ReportError", "compile_report", "excluded_columns", "excluded_sql", "render", "report_columns"]

_STEP = {
    "day": (1, "DAY"),
    "week": (7, "DAY"),
    "month": (1, "MONTH"),
    "quarter": (3, "MONTH"),
    "year": (1, "YEAR"),
}
_CONTACT_KEY = {"orders": "o", "lines": "o", "messages": "x", "web": "e", "contacts": "c", "rfm": "r"}


class ReportError(SegmentaError):
    """A report plan that cannot be answered (open rate by brand, a comparison without a window)."""

    title = "Report"


def _table(name: str, alias: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _macro(name: str, alias: str, d: date) -> exp.Table:
    day = exp.cast(exp.Literal.string(d.isoformat()), "DATE")
    return exp.Table(
        this=exp.Anonymous(this=name, expressions=[day]), alias=exp.TableAlias(this=exp.to_identifier(alias))
    )


def _eq(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.EQ(this=a, expression=b)


def _in(col: exp.Expr, values: list[str]) -> exp.Expr:
    lits = [exp.Literal.string(v) for v in values]
    return _eq(col, lits[0]) if len(lits) == 1 else col.isin(*lits)


def _not_null(e: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Is(this=e, expression=exp.null()))


def _interval(grain: str) -> exp.Interval:
    n, unit = _STEP[grain]
    return exp.Interval(this=exp.Literal.string(str(n)), unit=exp.var(unit))


def _order_tests(o: PurchaseCondition) -> list[exp.Expr]:
    """The order tests of ``ReportPlan.orders`` on ``o`` (orders, or the orders of order lines)."""
    out: list[exp.Expr] = []
    if o.status not in ("completed", "any"):
        out.append(_eq(exp.column("status", "o"), exp.Literal.string(o.status)))
    if o.channel:
        out.append(_eq(exp.column("channel", "o"), exp.Literal.string(o.channel)))
    for col, values in (
        ("store", o.store),
        ("payment_method", o.payment_method),
        ("card_brand", o.card_brand),
        ("utm_source", o.utm_source),
        ("utm_campaign", o.utm_campaign),
    ):
        if values:
            out.append(_in(exp.column(col, "o"), values))
    if o.coupon:
        upper = [v.upper() for v in o.coupon]
        out.append(_in(exp.func("upper", exp.column("coupon_code", "o")), upper))
    elif o.any_coupon:
        out.append(exp.column("coupon_code", "o").is_(exp.null()).not_())
    return out


def _product_tests(p: ProductMatch) -> list[exp.Expr]:
    tests = [(p.category, "category"), (p.subcategory, "subcategory"), (p.brand, "brand"), (p.name, "name")]
    return [_in(exp.column(col, "p"), vals) for vals, col in tests if vals]


def _fact_of(metric: Metric, plan: ReportPlan) -> str:
    """The source whose rows a metric is counted from in this plan (order metrics move to lines)."""
    if metric.source != "orders":
        return metric.source
    line_dims = any("orders" not in DIMENSIONS[d].sources for d in plan.dimensions)
    return (
        "lines" if metric.line_aggregate is not None and (line_dims or plan.product is not None) else "orders"
    )


def _families(plan: ReportPlan) -> dict[str, list[Metric]]:
    """Metrics grouped by the fact source they are counted from (revenue with units stays order totals)."""
    groups: dict[str, list[Metric]] = {}
    for name in plan.metrics:
        m = METRICS[name]
        groups.setdefault(_fact_of(m, plan), []).append(m)
    return groups


@dataclass
class _Fact:
    """One source's rows for a report: FROM, joins, filters, and the key and metric expressions."""

    source: str
    as_of: date
    all_statuses: bool = False

    def time(self) -> exp.Expr | None:
        where = TIME_COLUMN[self.source]
        return None if where is None else exp.column(where[1], where[0])

    def base(self) -> exp.Select:
        s, d = self.source, self.as_of
        if s == "orders" and self.all_statuses:
            return exp.select().from_(_table("orders", "o"))
        if s == "orders":
            return exp.select().from_(_macro("completed_orders", "o", d))
        if s == "lines":
            return (
                exp.select()
                .from_(_table("order_lines", "l"))
                .join(
                    _macro("completed_orders", "o", d),
                    on=_eq(exp.column("order_id", "o"), exp.column("order_id", "l")),
                )
            )
        if s in ("messages", "web"):
            alias = "x" if s == "messages" else "e"
            return exp.select().from_(_table("message_events" if s == "messages" else "web_events", alias))
        if s == "contacts":
            return exp.select().from_(_macro("contacts_at", "c", d))
        return exp.select().from_(_macro("rfm", "r", d))

    def join(
        self, q: exp.Select, alias: str, *, ranked: bool = True, period_end: exp.Expr | None = None
    ) -> exp.Select:
        """LEFT JOIN what an expression reads through ``alias`` (products, workflows, contacts, RFM...);
        ``ranked``: the query reads each order's rank in its contact's history (``fo.purchase_no``).

        ``period_end``: the end of the report's period. A first purchase is read only for buyers with
        an order before it, so only the orders before it are scanned for it (a first purchase after
        the period is no first purchase in it)."""
        d, key = self.as_of, exp.column("contact_id", _CONTACT_KEY[self.source])
        if alias == "p":
            on = _eq(
                exp.column("product_id", "p"),
                exp.column("product_id", "l" if self.source == "lines" else "e"),
            )
            return q.join(_table("products", "p"), on=on, join_type="left")
        if alias == "w":
            on = _eq(exp.column("workflow_id", "w"), exp.column("workflow_id", "x"))
            return q.join(_table("workflows", "w"), on=on, join_type="left")
        if alias == "fo" and not ranked:
            # only the first purchase time: one row per contact, no window over every order
            first = exp.select(
                exp.column("contact_id", "f"),
                exp.alias_(exp.func("min", exp.column("ordered_at", "f")), "first_at"),
            ).from_(_macro("completed_orders", "f", d))
            if period_end is not None:
                first = first.where(exp.LT(this=exp.column("ordered_at", "f"), expression=period_end.copy()))
            per_contact = first.group_by(exp.column("contact_id", "f")).subquery("fo")
            return q.join(per_contact, on=_eq(exp.column("contact_id", "fo"), key), join_type="left")
        if alias == "fo":
            return q.join(
                _first_orders(d),
                on=_eq(exp.column("order_id", "fo"), exp.column("order_id", "o")),
                join_type="left",
            )
        macro = {"c": "contacts_at", "r": "rfm", "ls": "lead_scores"}[alias]
        return q.join(_macro(macro, alias, d), on=_eq(exp.column("contact_id", alias), key), join_type="left")


def _first_orders(d: date) -> exp.Subquery:
    """Each completed order with its contact's first purchase time and its rank in their history."""
    part = [exp.column("contact_id", "f")]
    first = exp.Window(this=exp.func("min", exp.column("ordered_at", "f")), partition_by=part)
    order = exp.Order(
        expressions=[
            exp.Ordered(this=exp.column("ordered_at", "f")),
            exp.Ordered(this=exp.column("order_id", "f")),
        ]
    )
    rank = exp.Window(this=exp.RowNumber(), partition_by=[p.copy() for p in part], order=order)
    q = exp.select(
        exp.column("order_id", "f"), exp.alias_(first, "first_at"), exp.alias_(rank, "purchase_no")
    )
    return q.from_(_macro("completed_orders", "f", d)).subquery("fo")


def _event_types(exprs: list[exp.Expr]) -> list[str] | None:
    """The event types every metric expression is limited to, or None when one counts every event."""
    types: list[str] = []
    for e in exprs:
        found = [
            eq.expression.name
            for eq in e.find_all(exp.EQ)
            if isinstance(eq.this, exp.Column)
            and eq.this.name == "event_type"
            and isinstance(eq.expression, exp.Literal)
        ]
        if not found:
            return None
        types += [t for t in found if t not in types]
    return types


@dataclass
class _Period:
    start: datetime | None
    end: datetime


def _keys(plan: ReportPlan) -> list[str]:
    return ([plan.grain] if plan.grain else []) + list(plan.dimensions)


def _fact_query(
    source: str, metrics: list[Metric], plan: ReportPlan, as_of: date, period: _Period, outputs: bool = True
) -> tuple[exp.Select, list[exp.Expr]]:
    """The fact rows of one source with its filters, and the (aliased) key expressions.

    With ``outputs`` the metric aggregates are projected too; the joins the expressions read are added.
    """
    other_status = plan.orders is not None and plan.orders.status != "completed"
    fact = _Fact(source, as_of, all_statuses=other_status or any(m.all_statuses for m in metrics))
    time = fact.time()
    keys: list[exp.Expr] = []
    if plan.grain:
        keys.append(exp.alias_(bucket(plan.grain, source), plan.grain))
    keys += [exp.alias_(DIMENSIONS[d].exprs[source](as_of), d) for d in plan.dimensions]
    ctx = _agg_context(fact, plan, period, time)
    aggs = [
        (m.line_aggregate if source == "lines" and m.line_aggregate else m.aggregate)(ctx) for m in metrics
    ]
    where: list[exp.Expr] = []
    if time is not None and (source != "contacts" or plan.grain):
        if period.start is not None:
            where.append(exp.GTE(this=time.copy(), expression=ts(period.start)))
        where.append(exp.LT(this=time.copy(), expression=ts(period.end)))
    if source in ("messages", "web"):
        alias = "x" if source == "messages" else "e"
        types = _event_types(aggs)
        if types:
            where.append(_in(exp.column("event_type", alias), types))
    if source == "messages" and plan.channel:
        where.append(_in(exp.column("channel", "x"), plan.channel))
    if source == "messages" and plan.workflow:
        where.append(_in(exp.column("name", "w"), plan.workflow))
    if source in ("lines", "web") and plan.product is not None:
        where += _product_tests(plan.product)
    if source in ("orders", "lines") and plan.orders is not None:
        where += _order_tests(plan.orders)
    if plan.where is not None:
        members = compile_segment(SegmentPlan(where=plan.where), as_of)
        members.set("order", None)
        where.append(exp.column("contact_id", _CONTACT_KEY[source]).isin(query=members))
    q = fact.base()
    projections = (
        [*keys, *(exp.alias_(a, m.name) for a, m in zip(aggs, metrics, strict=True))] if outputs else []
    )
    used = {c.table for e in [*keys, *aggs, *where] for c in e.find_all(exp.Column)}
    own = {"o", "l"} if source == "lines" else {_CONTACT_KEY[source]}
    ranked = any(
        c.table == "fo" and c.name == "purchase_no"
        for e in [*keys, *aggs, *where]
        for c in e.find_all(exp.Column)
    )
    for alias in ("p", "w", "c", "r", "ls", "fo"):
        if alias in used and alias not in own:
            q = fact.join(q, alias, ranked=ranked, period_end=ts(period.end) if time is not None else None)
    q = q.select(*projections, append=False) if projections else q
    return (q.where(exp.and_(*where)) if where else q), keys


def _agg_context(fact: _Fact, plan: ReportPlan, period: _Period, time: exp.Expr | None) -> AggContext:
    start: exp.Expr | None = ts(period.start) if period.start is not None else None
    end: exp.Expr | None = ts(period.end)
    if plan.grain and time is not None:
        start = exp.func("date_trunc", exp.Literal.string(plan.grain), time.copy())
        end = exp.Add(this=start.copy(), expression=_interval(plan.grain))
    in_window = None
    if fact.source == "contacts" and time is not None:
        parts: list[exp.Expr] = [exp.LT(this=time.copy(), expression=ts(period.end))]
        if period.start is not None:
            parts.insert(0, exp.GTE(this=time.copy(), expression=ts(period.start)))
        in_window = exp.and_(*parts)
    named = plan.orders is not None and plan.orders.status != "completed"  # "returned orders": that status
    completed = (
        _eq(exp.column("status", "o"), exp.Literal.string("completed"))
        if fact.all_statuses and not named
        else None
    )
    return AggContext(fact.as_of, start, end, in_window, completed)


_PER_CONTACT = "per_contact"


def _contacts_first(q: exp.Select, source: str) -> exp.Select:
    """``q`` (one family's grouped SELECT) with each contact taken once per group before counting,
    when that gives the same numbers; any other shape is returned as it is.

    It does when every metric counts distinct contacts (``count(DISTINCT o.contact_id)``, filtered
    or not), the filters read only the first-purchase join (``fo``, one row per contact) and the
    group's own bucket, and the WHERE reads only the fact rows. The fact rows are then grouped by
    (bucket, contact) first and each count is a plain count over those rows: DuckDB's distinct
    aggregate over every order was most of "new vs returning buyers by month" (1M demo: its SQL
    142 -> about 100 ms)."""
    alias = _CONTACT_KEY[source]
    group = q.args.get("group")
    if group is None or any(q.args.get(k) for k in ("having", "order", "limit", "qualify", "with_")):
        return q
    joins = q.args.get("joins") or []
    on_first = _eq(exp.column("contact_id", "fo"), exp.column("contact_id", alias))
    if any(j.alias_or_name != "fo" or j.args.get("on") != on_first for j in joins):
        return q
    where = q.args.get("where")
    if where is not None and any(c.table == "fo" for c in where.find_all(exp.Column)):
        return q
    # each key as the inner rows hold it: a bucket's truncated time (read by the buyer filters too),
    # any other key as it is; a key cast from anything else could merge inner groups, so it is not taken
    inner_keys: dict[exp.Expr, str] = {}
    keys: list[exp.Expr] = []
    metrics: list[exp.Expr] = []
    for projection in q.expressions:
        if not isinstance(projection, exp.Alias):
            return q
        value = projection.this
        counted = value.this if isinstance(value, exp.Filter) else value
        if isinstance(counted, exp.Count) and isinstance(counted.this, exp.Distinct):
            if counted.this.expressions != [exp.column("contact_id", alias)]:
                return q
            metrics.append(projection)
        elif isinstance(value, exp.Cast) and isinstance(value.this, exp.DateTrunc):
            inner_keys[value.this] = f"{projection.alias}_start"
            keys.append(projection)
        elif isinstance(value, exp.Column):
            inner_keys[value] = projection.alias
            keys.append(projection)
        else:
            return q
    if not metrics or len(keys) != len(group.expressions):
        return q

    def outer(e: exp.Expr) -> exp.Expr:
        def swap(node: exp.Expr) -> exp.Expr:
            name = inner_keys.get(node)
            return exp.column(name, _PER_CONTACT) if name else node

        return e.copy().transform(swap)

    outer_keys = [exp.alias_(outer(k.this), k.alias) for k in keys]
    outer_metrics = []
    for m in metrics:
        value = outer(m.this)
        count = value.this if isinstance(value, exp.Filter) else value
        count.set("this", exp.column("contact_id", _PER_CONTACT))  # no longer DISTINCT
        if any(c.table not in (_PER_CONTACT, "fo") for c in value.find_all(exp.Column)):
            return q  # a filter that reads the fact rows themselves: keep the distinct count
        outer_metrics.append(exp.alias_(value, m.alias))
    contact = exp.column("contact_id", alias)
    inner = exp.select(*(exp.alias_(e.copy(), name) for e, name in inner_keys.items()), contact.copy())
    inner = inner.from_(q.args["from_"].this.copy())
    if where is not None:
        inner = inner.where(where.this.copy())
    inner = inner.group_by(*(e.copy() for e in inner_keys), contact)
    out = exp.select(*outer_keys, *outer_metrics).from_(inner.subquery(_PER_CONTACT))
    for j in joins:
        out = out.join(
            j.this.copy(),
            on=_eq(exp.column("contact_id", "fo"), exp.column("contact_id", _PER_CONTACT)),
            join_type="left",
        )
    return out.group_by(*(k.this.copy() for k in outer_keys))


def _aggregate(plan: ReportPlan, as_of: date, period: _Period) -> exp.Select:
    """Keys and metric columns over the period: one grouped SELECT, or several stacked and regrouped."""
    names = _keys(plan)
    parts: list[exp.Select] = []
    families = _families(plan)
    for source, metrics in families.items():
        q, keys = _fact_query(source, metrics, plan, as_of, period)
        if keys:
            present = [_not_null(k.this.copy()) for k in keys]
            q = q.where(
                exp.and_(q.args["where"].this, *present) if q.args.get("where") else exp.and_(*present)
            )
        if keys:
            q = _contacts_first(q.group_by(*(k.this.copy() for k in keys)), source)
        parts.append(q)
    if len(parts) == 1:
        return parts[0]
    padded = []
    for (_, metrics), q in zip(families.items(), parts, strict=True):
        have = {m.name for m in metrics}
        cols = [exp.column(n) for n in names] + [
            exp.column(m) if m in have else exp.alias_(exp.null(), m) for m in plan.metrics
        ]
        padded.append(exp.select(*cols).from_(q.subquery("part")))
    stacked = padded[0]
    union: exp.Query = stacked
    for q in padded[1:]:
        union = exp.union(union, q, distinct=False)
    out = exp.select(
        *(exp.column(n, "s") for n in names),
        *(_fill(exp.func("max", exp.column(m, "s")), m) for m in plan.metrics),
    )
    out = out.from_(union.subquery("s"))
    return out.group_by(*(exp.column(n, "s") for n in names)) if names else out


def _fill(value: exp.Expr, metric: str) -> exp.Expr:
    """Counts and money of a missing row are 0, rates stay NULL."""
    if METRICS[metric].kind == "rate":
        return exp.alias_(value, metric)
    return exp.alias_(exp.func("coalesce", value, exp.convert(0)), metric)


def _spine(plan: ReportPlan, agg: exp.Select, period: _Period) -> exp.Select:
    """Every bucket of the window for every dimension value with data, the metrics LEFT JOINed."""
    grain = plan.grain or "month"
    if period.start is not None:
        lo: exp.Expr = ts(datetime.combine(unit_start(period.start.date(), grain), datetime.min.time()))
    else:
        first = exp.select(exp.func("min", exp.column(grain))).from_(_table("a", "a"))
        lo = exp.cast(exp.Subquery(this=first), "TIMESTAMP")
    series = exp.func("unnest", exp.func("range", lo, ts(period.end), _interval(grain)))
    buckets = exp.select(exp.alias_(exp.cast(series, "DATE"), grain)).subquery("b")
    q = exp.select(exp.column(grain, "b"), *(exp.column(d, "v") for d in plan.dimensions))
    q = q.select(*(_fill(exp.column(m, "a"), m) for m in plan.metrics)).from_(buckets)
    on = [_eq(exp.column(grain, "a"), exp.column(grain, "b"))]
    if plan.dimensions:
        values = exp.select(*(exp.column(d) for d in plan.dimensions)).distinct().from_(_table("a", "a"))
        q = q.join(values.subquery("v"), join_type="cross")
        on += [_eq(exp.column(d, "a"), exp.column(d, "v")) for d in plan.dimensions]
    # parenthesized: the validator reads a bare AND under a JOIN as a table function
    q = q.join(_table("a", "a"), on=exp.paren(exp.and_(*on)), join_type="left")
    return q.with_("a", as_=agg)


def _previous(period: _Period) -> _Period:
    """The period of the same length just before: whole months shift by months, else by days."""
    if period.start is None:
        raise ReportError("a comparison with the previous period needs a time window")
    s, e = period.start, period.end
    if s.day == 1 and e.day == 1 and s.time() == e.time() == datetime.min.time():
        months = (e.year - s.year) * 12 + e.month - s.month
        return _Period(datetime.combine(add_months(s.date(), -months), datetime.min.time()), s)
    return _Period(s - (e - s), s)


def _compared(plan: ReportPlan, as_of: date, period: _Period) -> exp.Select:
    before = (
        _period(plan.model_copy(update={"window": plan.compare_window}), as_of)
        if plan.compare_window is not None
        else _previous(period)
    )
    cur, prev = _aggregate(plan, as_of, period), _aggregate(plan, as_of, before)
    cols: list[exp.Expr] = [exp.column(d, "k") for d in plan.dimensions]
    for m in plan.metrics:
        now, before = _fill(exp.column(m, "cur"), m).this, _fill(exp.column(m, "prev"), m).this
        diff = exp.Sub(this=now.copy(), expression=before.copy())
        cols += [
            exp.alias_(now, m),
            exp.alias_(before, f"{m}_previous"),
            exp.alias_(diff, f"{m}_difference"),
            exp.alias_(ratio(exp.paren(diff.copy()), before.copy()), f"{m}_pct_change"),
        ]
    q = exp.select(*cols)
    if not plan.dimensions:
        return (
            q.from_(_table("cur", "cur"))
            .join(_table("prev", "prev"), join_type="cross")
            .with_("cur", as_=cur)
            .with_("prev", as_=prev)
        )
    dims = [exp.column(d) for d in plan.dimensions]
    keys = exp.union(exp.select(*dims).from_("cur"), exp.select(*(d.copy() for d in dims)).from_("prev"))
    q = q.from_(keys.subquery("k"))
    for alias in ("cur", "prev"):
        on = exp.paren(exp.and_(*(_eq(exp.column(d, alias), exp.column(d, "k")) for d in plan.dimensions)))
        q = q.join(_table(alias, alias), on=on, join_type="left")
    return q.with_("cur", as_=cur).with_("prev", as_=prev)


def _segment_sizes(plan: ReportPlan, as_of: date, period: _Period) -> exp.Select:
    """The size of ``plan.where`` as of each bucket's last day (the as-of date for the last one)."""
    name = plan.metrics[0] if plan.metrics else "contacts"
    segment = SegmentPlan(where=plan.where)
    days: list[tuple[date | None, date]] = []
    if plan.grain is None or period.start is None:
        days.append((None, as_of))
    else:
        first = unit_start(period.start.date(), plan.grain)
        while first < period.end.date():
            nxt = (datetime.combine(first, datetime.min.time()) + _step_delta(first, plan.grain)).date()
            days.append((first, min(nxt - timedelta(days=1), as_of)))
            first = nxt
    parts: list[exp.Select] = []
    for label, day in days:
        members = compile_segment(segment, day)
        members.set("order", None)
        cols: list[exp.Expr] = [exp.alias_(exp.Count(this=exp.Star()), name)]
        if label is not None and plan.grain:
            cols.insert(0, exp.alias_(exp.cast(exp.Literal.string(label.isoformat()), "DATE"), plan.grain))
        parts.append(exp.select(*cols).from_(members.subquery("m")))
    union: exp.Query = parts[0]
    for p in parts[1:]:
        union = exp.union(union, p, distinct=False)
    names = ([plan.grain] if plan.grain and period.start is not None else []) + [name]
    q = exp.select(*(exp.column(n, "s") for n in names)).from_(union.subquery("s"))
    return q.order_by(exp.column(plan.grain, "s")) if len(names) == 2 and plan.grain else q


def _step_delta(first: date, grain: str) -> timedelta:
    n, unit = _STEP[grain]
    if unit == "DAY":
        return timedelta(days=n)
    months = n if unit == "MONTH" else 12
    return add_months(first, months) - first


def _period(plan: ReportPlan, as_of: date) -> _Period:
    end_all = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    if plan.window is None:
        return _Period(None, end_all)
    start, end = resolve_window(plan.window, as_of)
    return _Period(start, end or end_all)


_GRAIN_WORDS = {  # (Spanish, its "partial" agreeing with it, English)
    "day": ("el día", "incompleto", "the day"),
    "week": ("la semana del", "incompleta", "the week of"),
    "month": ("el mes de", "incompleto", "the month of"),
    "quarter": ("el trimestre de", "incompleto", "the quarter of"),
    "year": ("el año de", "incompleto", "the year of"),
}


def partial_bucket_days(plan: ReportPlan, as_of: date) -> list[tuple[date, date, bool]]:
    """The first or last bucket of a report by period that the window cuts short, as (the bucket's
    first day, the day it counts from or up to, True for the first bucket)."""
    if plan.grain is None or plan.grain == "day":
        return []
    period = _period(plan, as_of)
    last_day = (period.end - timedelta(microseconds=1)).date()
    out: list[tuple[date, date, bool]] = []
    if period.start is not None:
        first, since = unit_start(period.start.date(), plan.grain), period.start.date()
        if first < since:
            out.append((first, since, True))
    last = unit_start(last_day, plan.grain)
    full_end = (datetime.combine(last, datetime.min.time()) + _step_delta(last, plan.grain)).date()
    if full_end - timedelta(days=1) > last_day:
        out.append((last, last_day, False))
    return out


def partial_buckets(plan: ReportPlan, as_of: date, country: str = "") -> list[str]:
    """One line per first or last bucket of a report by period that the window cuts short: the
    bucket named as its row shows it (ISO), the day it is cut at as the locale writes it.

    A weekly report "since March" starts on a Thursday and ends at the as-of date: its first and
    last weeks hold fewer days than the others, and a chart shows them as drops that did not happen.
    """
    if plan.grain is None or plan.grain == "day":
        return []
    es = plan.language == "es"
    what_es, partial_es, what_en = _GRAIN_WORDS[plan.grain]
    out: list[str] = []
    for start, bound, first in partial_bucket_days(plan, as_of):
        day = day_text(bound, plan.language, country)
        if first:
            out.append(
                f"{what_es} {start.isoformat()} está {partial_es}: cuenta desde el {day}"
                if es
                else f"{what_en} {start.isoformat()} is partial: it counts from {day}"
            )
        else:
            out.append(
                f"{what_es} {start.isoformat()} está {partial_es}: cuenta hasta el {day}"
                if es
                else f"{what_en} {start.isoformat()} is partial: it counts up to {day}"
            )
    return out


def report_columns(plan: ReportPlan) -> list[str]:
    """The report's column names in order: grain, dimensions, metrics (with compare columns).

    >>> report_columns(ReportPlan(metrics=["revenue"], dimensions=["brand"], compare="previous"))
    ['brand', 'revenue', 'revenue_previous', 'revenue_difference', 'revenue_pct_change']
    """
    if plan.segment_sizes:
        grain = [plan.grain] if plan.grain and plan.window is not None else []
        return [*grain, plan.metrics[0] if plan.metrics else "contacts"]
    cols = _keys(plan)
    for m in plan.metrics:
        cols += [m, f"{m}_previous", f"{m}_difference", f"{m}_pct_change"] if plan.compare else [m]
    return cols


def compile_report(plan: ReportPlan, as_of: date) -> exp.Select:
    """The report's SQL: one SELECT with ``report_columns(plan)``.

    Args:
        plan: the report plan (metric and dimension names from ``metrics.py``).
        as_of: the as-of date D, baked into the SQL as literals.

    Returns:
        A sqlglot SELECT; render with ``segmenta.assistant.compiler.render``.

    Raises:
        ReportError: the plan cannot be answered (the first reason of ``metrics.check``).
    """
    issues = check(plan)
    if issues:
        raise ReportError(issues[0])
    period = _period(plan, as_of)
    if plan.segment_sizes:
        return _segment_sizes(plan, as_of, period)
    if plan.compare == "previous":
        q = _compared(plan, as_of, period)
    elif plan.grain:
        q = _spine(plan, _aggregate(plan, as_of, period), period)
    else:
        q = _aggregate(plan, as_of, period)
    keys = [exp.column(k) for k in plan.dimensions] if plan.compare else [exp.column(k) for k in _keys(plan)]
    order: list[exp.Expr] = []
    sort, descending = plan.sort, plan.descending
    if sort is None and plan.grain is None and plan.dimensions and plan.metrics:
        # "revenue by category": the largest first, as a marketer reads a ranking (time runs in order)
        sort, descending = plan.metrics[0], True
    if sort is not None:
        order.append(exp.Ordered(this=exp.column(sort), desc=descending, nulls_first=not descending))
    order += [exp.Ordered(this=k, nulls_first=False) for k in keys if k.name != sort]
    if order:
        q = q.order_by(*order)
    return q.limit(plan.limit) if plan.limit is not None else q


def excluded_columns(plan: ReportPlan) -> list[str]:
    """Columns of ``excluded_sql``: ``excluded_<dimension>`` per dimension."""
    return [f"excluded_{d}" for d in plan.dimensions]


def excluded_sql(plan: ReportPlan, as_of: date) -> exp.Select | None:
    """One row counting the fact rows left out because a dimension's value is NULL (None: no dimension).

    The rows are those each metric counts (orders, order lines, message events, web events, contacts),
    in the window and filters of the report, so "by workflow" says how many one-off message events
    were left out.
    """
    issues = check(plan)
    if issues:
        raise ReportError(issues[0])
    if not plan.dimensions or plan.segment_sizes:
        return None
    period = _period(plan, as_of)
    parts: list[exp.Select] = []
    for source, metrics in _families(plan).items():
        q, keys = _fact_query(source, metrics, plan, as_of, period, outputs=False)
        counts = [
            exp.alias_(
                exp.Filter(
                    this=exp.Count(this=exp.Star()),
                    expression=exp.Where(this=exp.Is(this=k.this.copy(), expression=exp.null())),
                ),
                f"excluded_{k.alias}",
            )
            for k in keys
            if k.alias != plan.grain
        ]
        parts.append(q.select(*counts))
    if len(parts) == 1:
        return parts[0]
    union: exp.Query = parts[0]
    for p in parts[1:]:
        union = exp.union(union, p, distinct=False)
    cols = [exp.alias_(exp.func("sum", exp.column(c, "s")), c) for c in excluded_columns(plan)]
    return exp.select(*cols).from_(union.subquery("s"))
