"""Plan -> SQL: a segment's condition tree compiled to one sqlglot SELECT over the warehouse.

Every condition compiles to a predicate over one contact row ``c`` of ``contacts_at(D)`` (plus the
one-row-per-contact macros ``contact_metrics`` as ``m``, ``rfm`` as ``r`` and ``lead_scores`` as
``ls``, LEFT JOINed only when a predicate reads them), so any all/any/not tree composes with
AND / OR / NOT. Age is computed from ``c.birth_date`` in place (no join for it).

Histories (orders, web and message events, custom fields) are sets of contacts: each condition is
``c.contact_id IN (SELECT contact_id FROM ... WHERE ...)``, a query that reads no column of ``c``,
so DuckDB computes it once per statement as a hash table and probes it for every contact, where a
correlated EXISTS was decorrelated into a join per condition against all contacts. Every set
leaves NULL ids out, so ``NOT (... IN ...)`` stays two-valued. Counts and sums compared keep the
reading "a contact with no rows has 0": when the comparison holds at 0 ("fewer than 2 orders"),
the test is "not among the contacts whose figure fails it". Each history is cut at END = D + 1 day
(``completed_orders(D)`` is already cut). The as-of date
and every window are baked in as literals; user values only ever enter as sqlglot literals
(``exp.convert`` / ``exp.Literal.string``), never as SQL text.

Readings chosen where the Plan leaves room (DATA_MODEL.md fixes the rest):
- ``not_in`` keeps contacts whose value is none of the values, NULL included ("not in Madrid"
  includes contacts with no city); ``is_false`` is ``NOT coalesce(col, false)`` ("without ads
  consent" includes unknown consent); ``is_true`` is ``col IS TRUE``.
- ``contains``, custom-field text equality, coupon codes and searches ignore case (searches also
  accents); ``in`` on contact fields is exact (the values are exact catalog values).
- A 29 February birthday falls on 1 March in non-leap years.
- A saved segment is ``c.contact_id IN (SELECT contact_id FROM user_segment_members WHERE segment =
  name)``; that table is created by the saved-segments tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlglot import exp

from segmenta.assistant.plan import (
    All,
    Any_,
    AttributeCondition,
    Compare,
    LeadScoreCondition,
    MessageCondition,
    MetricCondition,
    Node,
    Not,
    ProductMatch,
    PurchaseCondition,
    RfmCondition,
    SavedSegmentCondition,
    SegmentPlan,
    WebCondition,
    Window,
    conjuncts,
)
from segmenta.assistant.windows import calendar_window, resolve_window
from segmenta.errors import SegmentaError
from segmenta.warehouse.derived import STORED_MACROS, stored_name
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE

SAVED_SEGMENTS_TABLE = "user_segment_members"
# alias -> macro LEFT JOINed on contact_id when a predicate reads it
_JOINED = {"m": "contact_metrics", "r": "rfm", "ls": "lead_scores"}


class CompileError(SegmentaError):
    """A Plan condition that cannot become SQL (a number compared on a text field, an empty test)."""

    title = "Plan"


@dataclass
class Ctx:
    """What compiling one plan needs: the as-of date, END, and the joined macros the predicates read."""

    as_of: date
    uses: set[str] = field(default_factory=set)
    # derived fields (contact_metrics, rfm, lead_scores) as sets of contacts where no NOT is above
    # the condition: there a test that is NULL (a contact with no RFM row) and one that is FALSE
    # both leave the contact out, so "among the contacts whose row passes" is the same answer, and
    # a filtered set beats joining every contact to the whole table. Under a NOT (and in
    # ``condition_sql``, whose callers may negate it) the tests read the LEFT JOINed row.
    sets: bool = False

    @property
    def end(self) -> datetime:
        return datetime.combine(self.as_of + timedelta(days=1), datetime.min.time())

    def day(self) -> exp.Expr:
        return exp.cast(exp.Literal.string(self.as_of.isoformat()), "DATE")

    def macro(self, name: str, alias: str) -> exp.Table:
        return exp.Table(
            this=exp.Anonymous(this=name, expressions=[self.day()]),
            alias=exp.TableAlias(this=exp.to_identifier(alias)),
        )

    def col(self, alias: str, name: str) -> exp.Column:
        if alias in _JOINED and not self.sets:
            self.uses.add(alias)
        return exp.column(name, alias)

    def derived(self, alias: str, test: exp.Expr) -> exp.Expr:
        """``test`` over the derived table ``alias`` (``m``, ``r``, ``ls``): as a set of contacts, or
        read through its LEFT JOIN (``col`` registered it then)."""
        if not self.sets:
            return test
        rows = exp.select(exp.convert(1)).from_(self.macro(_JOINED[alias], alias)).where(test)
        return _member(rows, alias)


def ts(t: datetime) -> exp.Expr:
    """A TIMESTAMP literal.

    >>> ts(datetime(2026, 7, 1)).sql("duckdb")
    "CAST('2026-07-01 00:00:00' AS TIMESTAMP)"
    """
    return exp.cast(exp.Literal.string(t.isoformat(sep=" ")), "TIMESTAMP")


def _num(v: float) -> exp.Expr:
    return exp.convert(int(v) if float(v).is_integer() else float(v))


def compare_expr(value: exp.Expr, cmp: Compare) -> exp.Expr:
    """``value op N`` (or ``BETWEEN A AND B``, inclusive) for a Compare.

    >>> compare_expr(exp.column("age", "m"), Compare(op="between", value=25, value2=35)).sql()
    'm.age BETWEEN 25 AND 35'
    """
    if cmp.op == "between":
        if cmp.value2 is None:
            raise CompileError(f"comparison 'between {cmp.value:g}' has no upper end")
        return exp.Between(this=value, low=_num(cmp.value), high=_num(cmp.value2))
    ops: dict[str, type[exp.Binary]] = {
        "=": exp.EQ,
        "!=": exp.NEQ,
        ">": exp.GT,
        ">=": exp.GTE,
        "<": exp.LT,
        "<=": exp.LTE,
    }
    return ops[cmp.op](this=value, expression=_num(cmp.value))


def _in(value: exp.Expr, values: list[str], fold: bool = False) -> exp.Expr:
    lits: list[exp.Expr] = [exp.Literal.string(v) for v in values]
    if fold:
        value, lits = exp.func("lower", value), [exp.func("lower", lit) for lit in lits]
    return exp.EQ(this=value, expression=lits[0]) if len(lits) == 1 else value.isin(*lits)


def window_expr(value: exp.Expr, w: Window, ctx: Ctx) -> exp.Expr:
    """``start <= value < end`` for a window resolved at the as-of date (no start: ``value < end``)."""
    start, end = resolve_window(w, ctx.as_of)
    upper = exp.LT(this=value.copy(), expression=ts(end or ctx.end))
    return upper if start is None else exp.and_(exp.GTE(this=value, expression=ts(start)), upper)


def _and(parts: list[exp.Expr]) -> exp.Expr:
    """AND of the parts, nested ANDs flattened so only ORs get parentheses; TRUE when empty."""
    leaves: list[exp.Expr] = []
    for part in parts:
        leaves.extend(part.flatten() if isinstance(part, exp.And) else [part])
    return exp.and_(*leaves) if leaves else exp.true()


def _subquery(
    source: exp.Table, joins: list[tuple[exp.Table, exp.Expr]], where: list[exp.Expr], select: exp.Expr
) -> exp.Select:
    q = exp.select(select.copy()).from_(source.copy())
    for table, on in joins:
        q = q.join(table.copy(), on=on.copy())
    return q.where(_and([w.copy() for w in where]))


def holds_at_zero(cmp: Compare) -> bool:
    """Whether a figure of 0 passes the comparison (the contacts with no rows then pass it).

    >>> holds_at_zero(Compare(op="<", value=2)), holds_at_zero(Compare(op=">", value=300))
    (True, False)
    """
    v, v2 = float(cmp.value), float(cmp.value2 if cmp.value2 is not None else cmp.value)
    return {
        "=": v == 0,
        "!=": v != 0,
        ">": 0 > v,
        ">=": 0 >= v,
        "<": 0 < v,
        "<=": 0 <= v,
        "between": v <= 0 <= v2,
    }[cmp.op]


def _ids(q: exp.Select, key: exp.Column) -> exp.Select:
    """``q`` selecting ``key`` (an id column), NULL ids left out."""
    where = q.args.get("where")
    tests = [where.this] if where is not None else []
    return q.select(key.copy(), append=False).where(_and([*tests, _not_null(key.copy())]), append=False)


def _member(q: exp.Select, alias: str, key: str = "contact_id", outer: str = "c") -> exp.Expr:
    """``outer.key IN (q)`` with q selecting ``alias.key`` (no NULLs): membership of a set computed once."""
    return exp.column(key, outer).isin(query=_ids(q, exp.column(key, alias)))


def _figure_member(q: exp.Select, alias: str, figure: exp.Expr, cmp: Compare) -> exp.Expr:
    """Contacts whose figure (an aggregate over q's rows, none read as 0) passes ``cmp``: one grouped
    set; when 0 passes, the contacts not among those whose figure fails (so no rows passes)."""
    test = compare_expr(exp.func("coalesce", figure, exp.convert(0)), cmp)
    zero = holds_at_zero(cmp)
    grouped = _ids(q, exp.column("contact_id", alias)).group_by(exp.column("contact_id", alias))
    grouped = grouped.having(exp.Not(this=exp.paren(test)) if zero else test)
    inside = exp.column("contact_id", "c").isin(query=grouped)
    return exp.Not(this=inside) if zero else inside


def _product_tests(p: ProductMatch, alias: str) -> list[exp.Expr]:
    tests = [(p.category, "category"), (p.subcategory, "subcategory"), (p.brand, "brand"), (p.name, "name")]
    return [_in(exp.column(col, alias), vals) for vals, col in tests if vals]


def _table(name: str, alias: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _eq(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.EQ(this=a, expression=b)


def _not_null(a: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Is(this=a, expression=exp.null()))


# ---- contact attributes ------------------------------------------------------------------------


def _custom(node: AttributeCondition, test: exp.Expr) -> exp.Expr:
    name = node.custom_field or ""
    if not name:
        raise CompileError("a custom-field condition does not name its field")
    where = [
        _eq(exp.func("lower", exp.column("field", "cf")), exp.func("lower", exp.Literal.string(name))),
        test,
    ]
    return _member(_subquery(_table(CUSTOM_FIELDS_TABLE, "cf"), [], where, exp.convert(1)), "cf")


def _birthday(col: exp.Expr, w: Window, ctx: Ctx) -> exp.Expr:
    # a birthday falls on a calendar day: "este mes" is the whole month, not the days up to D
    w = calendar_window(w, ctx.as_of)
    start, end = (
        resolve_window(w, ctx.as_of)
        if w.kind != "range"
        else (
            datetime.combine(w.start, datetime.min.time()) if w.start else None,
            datetime.combine(w.end, datetime.min.time()) if w.end else None,
        )
    )
    end = end or ctx.end
    known = _not_null(col.copy())
    if start is None or end - start >= timedelta(days=366):
        return known
    if start >= end:
        return exp.false()
    ors = []
    for year in range(start.year, (end - timedelta(microseconds=1)).year + 1):
        # the first of the month plus (day - 1) days: 29 February becomes 1 March in other years
        offset = exp.cast(exp.Sub(this=exp.func("day", col.copy()), expression=exp.convert(1)), "INTEGER")
        first = exp.func("make_date", exp.convert(year), exp.func("month", col.copy()), exp.convert(1))
        bday = exp.Add(this=first, expression=offset)
        ors.append(
            exp.and_(exp.GTE(this=bday, expression=ts(start)), exp.LT(this=bday.copy(), expression=ts(end)))
        )
    return exp.or_(*ors)


def age_expr(birth: exp.Expr, as_of: date) -> exp.Expr:
    """Whole years from ``birth`` to D, as ``contact_metrics`` counts them (NULL for no birth date):
    one less before this year's birthday, month * 100 + day putting 29 February after 28 February.

    >>> print(age_expr(exp.column("b"), date(2026, 6, 30)).sql("duckdb"))
    (2026 - YEAR(b) - CASE WHEN MONTH(b) * 100 + DAY(b) > 630 THEN 1 ELSE 0 END)
    """
    day_of_year = exp.Add(
        this=exp.Mul(this=exp.func("month", birth.copy()), expression=exp.convert(100)),
        expression=exp.func("day", birth.copy()),
    )
    before = exp.Case().when(
        exp.GT(this=day_of_year, expression=exp.convert(as_of.month * 100 + as_of.day)), exp.convert(1)
    )
    return exp.paren(
        exp.Sub(
            this=exp.Sub(this=exp.convert(as_of.year), expression=exp.func("year", birth.copy())),
            expression=before.else_(exp.convert(0)),
        )
    )


def _text_test(col: exp.Expr, op: str, values: list[str], fold: bool) -> exp.Expr:
    if op in ("in", "not_in"):
        return _in(col, values, fold=fold)
    if op == "prefix":
        return exp.or_(*(exp.func("starts_with", col.copy(), exp.Literal.string(v)) for v in values))
    lower = exp.func("lower", col)
    return exp.or_(
        *(exp.func("contains", lower.copy(), exp.func("lower", exp.Literal.string(v))) for v in values)
    )


def _cast(value: exp.Expr, to: str) -> exp.Expr:
    return exp.TryCast(this=value, to=exp.DataType.build(to))


def _custom_expr(node: AttributeCondition, ctx: Ctx) -> exp.Expr:
    """Among the contacts with a ``contact_custom_fields`` row of the field passing the test (not
    among them, for negations)."""
    value, op = exp.column("value", "cf"), node.op
    if op in ("in", "not_in", "prefix", "contains"):
        test = _text_test(value, op, node.values, fold=True)
    elif op in ("is_true", "is_false"):
        test = exp.Is(this=_cast(value, "BOOLEAN"), expression=exp.true())
    elif op in ("is_null", "not_null"):
        test = exp.and_(_not_null(value), exp.NEQ(this=value.copy(), expression=exp.Literal.string("")))
    elif op == "compare" and node.compare is not None:
        test = compare_expr(_cast(value, "DOUBLE"), node.compare)
    elif op == "window" and node.window is not None:
        test = window_expr(_cast(value, "TIMESTAMP"), node.window, ctx)
    elif op == "birthday_in" and node.window is not None:
        test = _birthday(_cast(value, "DATE"), node.window, ctx)
    else:
        raise CompileError(f"the custom field condition '{op}' lacks its comparison or window")
    exists = _custom(node, test)
    return exp.not_(exists) if op in ("not_in", "is_false", "is_null") else exists


def attribute_expr(node: AttributeCondition, ctx: Ctx) -> exp.Expr:
    """A test on the contact's own fields (``c.*``; age from ``c.birth_date``; custom fields as a set)."""
    op = node.op
    if op in ("in", "not_in", "prefix", "contains") and not node.values:
        raise CompileError(f"the {node.field} condition '{op}' has no values")
    if node.field == "custom":
        return _custom_expr(node, ctx)
    col = exp.column(node.field, "c")
    if op == "not_in":  # NULL is "not one of them"
        return exp.not_(exp.func("coalesce", _in(col, node.values), exp.false()))
    if op in ("in", "prefix", "contains"):
        return _text_test(col, op, node.values, fold=False)
    if op == "is_true":
        return exp.Is(this=col, expression=exp.true())
    if op == "is_false":  # unknown counts as "without"
        return exp.not_(exp.func("coalesce", col, exp.false()))
    if op in ("is_null", "not_null"):
        return exp.Is(this=col, expression=exp.null()) if op == "is_null" else _not_null(col)
    if op == "compare":
        if node.compare is None:
            raise CompileError(f"the {node.field} comparison has no number")
        if node.field != "age":
            raise CompileError(f"{node.field} is not a number: it cannot be compared with {node.compare.op}")
        return compare_expr(age_expr(exp.column("birth_date", "c"), ctx.as_of), node.compare)
    if node.window is None:
        raise CompileError(f"the {node.field} condition has no time window")
    return window_expr(col, node.window, ctx) if op == "window" else _birthday(col, node.window, ctx)


# ---- purchases ---------------------------------------------------------------------------------


def _orders_source(node: PurchaseCondition, ctx: Ctx) -> tuple[exp.Table, list[exp.Expr]]:
    if node.status == "completed":
        return ctx.macro("completed_orders", "o"), []
    cut: list[exp.Expr] = [exp.LT(this=exp.column("ordered_at", "o"), expression=ts(ctx.end))]
    if node.status != "any":
        cut.append(_eq(exp.column("status", "o"), exp.Literal.string(node.status)))
    return _table("orders", "o"), cut


def _order_tests(node: PurchaseCondition, ctx: Ctx) -> list[exp.Expr]:
    """The tests on one order ``o`` (the contact's own id is the set's key, not a test)."""
    o = "o"
    tests: list[exp.Expr] = []
    if node.window is not None:
        tests.append(window_expr(exp.column("ordered_at", o), node.window, ctx))
    if node.channel:
        tests.append(_eq(exp.column("channel", o), exp.Literal.string(node.channel)))
    if node.order_amount is not None:
        tests.append(compare_expr(exp.column("total_amount", o), node.order_amount))
    for vals, col in (
        (node.store, "store"),
        (node.payment_method, "payment_method"),
        (node.card_brand, "card_brand"),
        (node.utm_source, "utm_source"),
        (node.utm_campaign, "utm_campaign"),
    ):
        if vals:
            tests.append(_in(exp.column(col, o), vals))
    if node.coupon:
        tests.append(_in(exp.column("coupon_code", o), node.coupon, fold=True))
    if node.any_coupon:
        tests.append(
            exp.NEQ(
                this=exp.func("coalesce", exp.column("coupon_code", o), exp.Literal.string("")),
                expression=exp.Literal.string(""),
            )
        )
    for k, other in enumerate(node.also, start=2):
        # "X and Y in the same order": the order is among the orders with a line of each
        lines, prods = f"l{k}", f"p{k}"
        q = (
            exp.select(exp.convert(1))
            .from_(_table("order_lines", lines))
            .join(
                _table("products", prods),
                on=_eq(exp.column("product_id", prods), exp.column("product_id", lines)),
            )
            .where(_and(_product_tests(other, prods)))
        )
        tests.append(_member(q, lines, key="order_id", outer=o))
    if node.first_purchase:
        # the order is its contact's first purchase: first by time, then by id
        rank = exp.Window(
            this=exp.RowNumber(),
            partition_by=[exp.column("contact_id", "fo")],
            order=exp.Order(expressions=[exp.column("ordered_at", "fo"), exp.column("order_id", "fo")]),
        )
        ranked = exp.select(exp.column("order_id", "fo"), exp.alias_(rank, "rn")).from_(
            ctx.macro("completed_orders", "fo")
        )
        first = (
            exp.select(exp.column("order_id", "f1"))
            .from_(exp.Subquery(this=ranked, alias=exp.TableAlias(this=exp.to_identifier("f1"))))
            .where(_eq(exp.column("rn", "f1"), exp.convert(1)))
        )
        tests.append(exp.column("order_id", o).isin(query=first))
    return tests


def _line_joins(node: PurchaseCondition) -> tuple[list[tuple[exp.Table, exp.Expr]], list[exp.Expr]]:
    joins = [(_table("order_lines", "l"), _eq(exp.column("order_id", "l"), exp.column("order_id", "o")))]
    tests: list[exp.Expr] = []
    if node.product is not None:
        joins.append(
            (_table("products", "p"), _eq(exp.column("product_id", "p"), exp.column("product_id", "l")))
        )
        tests += _product_tests(node.product, "p")
    if node.returned:
        tests.append(exp.GT(this=exp.column("returned_quantity", "l"), expression=exp.convert(0)))
    return joins, tests


def purchase_expr(node: PurchaseCondition, ctx: Ctx) -> exp.Expr:
    """Among the contacts with an order passing every test, or whose counts / spend / units compare;
    with ``only``, also not among the contacts with an order (or line), in the window, failing them."""
    held = _purchase_held(node, ctx)
    if not node.only:
        return held
    source, cut = _orders_source(node, ctx)
    scope = list(cut)
    if node.window is not None:
        scope.append(window_expr(exp.column("ordered_at", "o"), node.window, ctx))
    every = node.model_copy(update={"window": None, "only": False})
    tests = _order_tests(every, ctx)
    joins: list[tuple[exp.Table, exp.Expr]] = []
    if node.product is not None or node.returned:
        joins, line_tests = _line_joins(every)
        tests += line_tests
    if not tests:
        raise CompileError("'only' needs something every order has: a product, a channel, a store, a payment")
    failing = exp.Not(this=exp.func("coalesce", _and(tests), exp.false()))
    return _and(
        [held, exp.Not(this=_member(_subquery(source, joins, [*scope, failing], exp.convert(1)), "o"))]
    )


def _purchase_held(node: PurchaseCondition, ctx: Ctx) -> exp.Expr:
    source, cut = _orders_source(node, ctx)
    order_tests = _order_tests(node, ctx) + cut
    needs_lines = node.product is not None or node.returned or node.units is not None
    joins, line_tests = _line_joins(node) if needs_lines else ([], [])
    if node.count is None and node.amount is None and node.units is None:
        return _member(_subquery(source, joins, order_tests + line_tests, exp.convert(1)), "o")
    parts: list[exp.Expr] = []
    # order-level figures: the line tests pick the orders with such a line, so each order counts once
    order_where = list(order_tests)
    if line_tests:
        lines = _subquery(joins[0][0], joins[1:], line_tests, exp.convert(1))
        order_where.append(_member(lines, "l", key="order_id", outer="o"))
    if node.count is not None:
        q = _subquery(source, [], order_where, exp.convert(1))
        parts.append(_figure_member(q, "o", exp.Count(this=exp.Star()), node.count))
    if node.amount is not None:
        if node.product is not None:
            spend: exp.Expr = exp.Mul(
                this=exp.column("quantity", "l"), expression=exp.column("unit_price", "l")
            )
            q = _subquery(source, joins, order_tests + line_tests, exp.convert(1))
            parts.append(_figure_member(q, "o", exp.func("sum", spend), node.amount))
        else:
            q = _subquery(source, [], order_where, exp.convert(1))
            parts.append(
                _figure_member(q, "o", exp.func("sum", exp.column("total_amount", "o")), node.amount)
            )
    if node.units is not None:
        q = _subquery(source, joins, order_tests + line_tests, exp.convert(1))
        parts.append(_figure_member(q, "o", exp.func("sum", exp.column("quantity", "l")), node.units))
    return _and(parts)


# ---- derived contact fields --------------------------------------------------------------------


def metric_expr(node: MetricCondition, ctx: Ctx) -> exp.Expr:
    """A field of ``contact_metrics(D)`` compared, or a first/last order date inside a window.

    ``orders_count`` and ``total_spent`` read NULL as 0 (as purchase counts do: "fewer than 2 orders"
    includes never-buyers); averages, days and dates stay NULL, so never-buyers never match them.
    """
    parts: list[exp.Expr] = []
    if node.compare is not None:
        value: exp.Expr = ctx.col("m", node.metric)
        if node.metric in ("orders_count", "total_spent"):
            value = exp.func("coalesce", value, exp.convert(0))
        parts.append(compare_expr(value, node.compare))
    if node.window is not None:
        if node.metric not in ("first_order_at", "last_order_at"):
            raise CompileError(f"{node.metric} is a number: it takes a comparison, not a time window")
        parts.append(window_expr(ctx.col("m", node.metric), node.window, ctx))
    if not parts:
        raise CompileError(f"the {node.metric} condition has neither a comparison nor a window")
    return ctx.derived("m", _and(parts))


def rfm_expr(node: RfmCondition, ctx: Ctx) -> exp.Expr:
    """Scores compared (AND-ed), cells and named segments of ``rfm(D)``; alone, "has an RFM score"."""
    parts = [
        compare_expr(ctx.col("r", f"{k}_score"), cmp)
        for k, cmp in (("r", node.r), ("f", node.f), ("m", node.m))
        if cmp is not None
    ]
    if node.cells:
        parts.append(_in(ctx.col("r", "rfm_cell"), node.cells))
    if node.segments:
        parts.append(_in(ctx.col("r", "rfm_segment"), list(node.segments)))
    if not parts:
        parts.append(_not_null(ctx.col("r", "contact_id")))
    return ctx.derived("r", _and(parts))


def lead_score_expr(node: LeadScoreCondition, ctx: Ctx) -> exp.Expr:
    """``lead_scores(D).lead_score`` compared."""
    return ctx.derived("ls", compare_expr(ctx.col("ls", "lead_score"), node.compare))


# ---- behaviour ---------------------------------------------------------------------------------


def _history(
    table: str,
    alias: str,
    joins: list[tuple[exp.Table, exp.Expr]],
    tests: list[exp.Expr],
    window: Window | None,
    count: Compare | None,
    ctx: Ctx,
) -> exp.Expr:
    when = exp.column("occurred_at", alias)
    where = [exp.LT(this=when, expression=ts(ctx.end)), *tests]
    if window is not None:
        where.append(window_expr(when.copy(), window, ctx))
    q = _subquery(_table(table, alias), joins, where, exp.convert(1))
    if count is None:
        return _member(q, alias)
    return _figure_member(q, alias, exp.Count(this=exp.Star()), count)


def web_expr(node: WebCondition, ctx: Ctx) -> exp.Expr:
    """Web events of the contact: the type (``visit`` = any), product, category, search words, device."""
    e = "e"
    tests: list[exp.Expr] = []
    joins: list[tuple[exp.Table, exp.Expr]] = []
    if node.event != "visit":
        tests.append(_eq(exp.column("event_type", e), exp.Literal.string(node.event)))
    if node.product is not None:
        joins.append(
            (_table("products", "p"), _eq(exp.column("product_id", "p"), exp.column("product_id", e)))
        )
        tests += _product_tests(node.product, "p")
    if node.category:
        tests.append(_in(exp.column("category", e), node.category))
    if node.search:
        # substring test with contains(): no LIKE pattern, so '%' and '_' in a word are plain text
        term = exp.func("lower", exp.func("strip_accents", exp.column("search_term", e)))
        tests.append(
            exp.or_(
                *(
                    exp.func(
                        "contains",
                        term.copy(),
                        exp.func("lower", exp.func("strip_accents", exp.Literal.string(w))),
                    )
                    for w in node.search
                )
            )
        )
    if node.device:
        tests.append(_in(exp.column("device", e), node.device))
    if node.value is not None:
        tests.append(compare_expr(exp.column("value", e), node.value))
    return _history("web_events", e, joins, tests, node.window, node.count, ctx)


def _latest_message(node: MessageCondition, ctx: Ctx) -> exp.Expr:
    """The id of the most recent message sent on the condition's channels (and workflows) up to END."""
    y = "y"
    tests: list[exp.Expr] = [
        _eq(exp.column("event_type", y), exp.Literal.string("sent")),
        exp.LT(this=exp.column("occurred_at", y), expression=ts(ctx.end)),
        exp.Not(this=exp.Is(this=exp.column("message_id", y), expression=exp.null())),
    ]
    if node.channel:
        tests.append(_in(exp.column("channel", y), node.channel))
    if node.message_type:
        tests.append(_in(exp.column("message_type", y), node.message_type))
    if node.workflow:
        names = exp.select(exp.column("workflow_id", "w2")).from_(_table("workflows", "w2"))
        names = names.where(_in(exp.column("name", "w2"), node.workflow))
        tests.append(exp.column("workflow_id", y).isin(query=names))
    q = (
        exp.select(exp.column("message_id", y))
        .from_(_table("message_events", y))
        .where(exp.and_(*tests))
        .order_by(exp.Ordered(this=exp.column("occurred_at", y), desc=True), exp.column("message_id", y))
        .limit(1)
    )
    return exp.Subquery(this=q)


def message_expr(node: MessageCondition, ctx: Ctx) -> exp.Expr:
    """Message events of the contact: type, channel, workflow names, message, campaign, one-off."""
    x = "x"
    tests: list[exp.Expr] = [_eq(exp.column("event_type", x), exp.Literal.string(node.event))]
    joins: list[tuple[exp.Table, exp.Expr]] = []
    for vals, col in (
        (node.channel, "channel"),
        (node.message, "message_name"),
        (node.message_type, "message_type"),
        (node.campaign, "utm_campaign"),
    ):
        if vals:
            tests.append(_in(exp.column(col, x), vals))
    if node.workflow:
        joins.append(
            (_table("workflows", "w"), _eq(exp.column("workflow_id", "w"), exp.column("workflow_id", x)))
        )
        tests.append(_in(exp.column("name", "w"), node.workflow))
    if node.one_off:
        tests.append(exp.Is(this=exp.column("workflow_id", x), expression=exp.null()))
    if node.latest:
        tests.append(_eq(exp.column("message_id", x), _latest_message(node, ctx)))
    return _history("message_events", x, joins, tests, node.window, node.count, ctx)


def saved_segment_expr(node: SavedSegmentCondition, ctx: Ctx) -> exp.Expr:
    """Membership of a saved segment: its definition at the as-of date when the engine filled it in
    (a dynamic segment), else the members kept in ``user_segment_members`` (a static snapshot)."""
    if node.definition is not None:
        return exp.paren(condition_expr(node.definition, ctx))
    members = (
        exp.select(exp.column("contact_id", "sm"))
        .from_(_table(SAVED_SEGMENTS_TABLE, "sm"))
        .where(_eq(exp.column("segment", "sm"), exp.Literal.string(node.name)))
    )
    return exp.column("contact_id", "c").isin(query=members)


# ---- the tree and the statements ---------------------------------------------------------------


def condition_expr(node: Node, ctx: Ctx) -> exp.Expr:
    """The predicate over one contact row ``c`` for any node: leaves by type, all/any/not composed.

    An empty ``all`` is TRUE and an empty ``any`` is FALSE; composites are parenthesized.
    """
    if isinstance(node, All):
        return exp.paren(_and([condition_expr(i, ctx) for i in node.items])) if node.items else exp.true()
    if isinstance(node, Any_):
        return (
            exp.paren(exp.or_(*(condition_expr(i, ctx) for i in node.items))) if node.items else exp.false()
        )
    if isinstance(node, Not):
        sets, ctx.sets = ctx.sets, False  # under a NOT, NULL and FALSE differ: see Ctx.sets
        try:
            return exp.Not(this=exp.paren(condition_expr(node.item, ctx)))
        finally:
            ctx.sets = sets
    if isinstance(node, AttributeCondition):
        return attribute_expr(node, ctx)
    if isinstance(node, PurchaseCondition):
        return purchase_expr(node, ctx)
    if isinstance(node, MetricCondition):
        return metric_expr(node, ctx)
    if isinstance(node, RfmCondition):
        return rfm_expr(node, ctx)
    if isinstance(node, LeadScoreCondition):
        return lead_score_expr(node, ctx)
    if isinstance(node, WebCondition):
        return web_expr(node, ctx)
    if isinstance(node, MessageCondition):
        return message_expr(node, ctx)
    return saved_segment_expr(node, ctx)


def condition_sql(node: Node, as_of: date) -> str:
    """One condition's predicate as DuckDB SQL (reads ``c``, and ``m`` / ``r`` / ``ls`` where needed)."""
    return render(condition_expr(node, Ctx(as_of)))


def _joined(q: exp.Select, uses: set[str], ctx: Ctx) -> exp.Select:
    """``q`` (over contacts ``c``) with the derived tables ``uses`` names LEFT JOINed on the contact."""
    for alias, macro in _JOINED.items():
        if alias in uses:
            q = q.join(
                ctx.macro(macro, alias),
                on=_eq(exp.column("contact_id", alias), exp.column("contact_id", "c")),
                join_type="left",
            )
    return q


def _base(ctx: Ctx, *projections: exp.Expr) -> exp.Select:
    return _joined(exp.select(*projections).from_(ctx.macro("contacts_at", "c")), ctx.uses, ctx)


def compile_segment(plan: SegmentPlan, as_of: date) -> exp.Select:
    """The segment's SQL: one ``contact_id`` per contact existing at ``as_of`` for whom the tree holds.

    Args:
        plan: the segment plan.
        as_of: the as-of date D, baked into the SQL as literals.

    Returns:
        ``SELECT c.contact_id FROM contacts_at(D) AS c [LEFT JOIN ...] WHERE ... ORDER BY c.contact_id``.
    """
    ctx = Ctx(as_of, sets=True)
    where = condition_expr(plan.where, ctx) if plan.where is not None else None
    q = _base(ctx, exp.column("contact_id", "c"))
    if where is not None:
        q = q.where(where.unnest() if isinstance(where, exp.Paren) else where)
    return q.order_by(exp.column("contact_id", "c"))


def funnel_steps(plan: SegmentPlan) -> list[str]:
    """The funnel's column names in order: ``contacts``, then per top-level condition i ``step_i``
    (contacts passing conditions 1..i), preceded for an ``any`` condition by ``step_i_any_j``
    (contacts passing conditions 1..i-1 and branch j).

    >>> funnel_steps(SegmentPlan(where=All(items=[RfmCondition(segments=["Lost"]), Any_(items=[
    ...     RfmCondition(cells=["111"]), RfmCondition(cells=["112"])])])))
    ['contacts', 'step_1', 'step_2_any_1', 'step_2_any_2', 'step_2']
    """
    names = ["contacts"]
    for i, node in enumerate(conjuncts(plan.where), start=1):
        if isinstance(node, Any_) and node.items:
            names += [f"step_{i}_any_{j}" for j in range(1, len(node.items) + 1)]
        names.append(f"step_{i}")
    return names


def funnel_select(plan: SegmentPlan, as_of: date, *, first: int = 0) -> exp.Select:
    """One statement counting the contacts at D and those left after each step, each step over the
    contacts the previous one left.

    The steps are a chain of materialized CTEs: ``s0`` the contacts at D (only the columns the
    conditions read), ``s<i>`` the contacts of ``s<i-1>`` passing top-level condition i (NULL read
    as false, as WHERE does). A condition's sets are computed once, and each later condition
    looks up only the contacts still in, not every contact. A top-level ``any`` also counts each
    branch over the contacts of the previous step. With ``first``, the same statement lists the
    segment's first contacts by id (``first_ids``, the rows ``compile_segment`` returns first), so
    the preview needs no second run of the segment.

    Returns:
        A one-row SELECT whose columns are ``funnel_steps(plan)``, then ``first_ids`` (a list, NULL
        when the segment is empty) when ``first`` is given.
    """
    base = Ctx(as_of, sets=True)
    compiled: list[tuple[exp.Expr, set[str], list[tuple[exp.Expr, set[str]]]]] = []
    for node in conjuncts(plan.where):
        branches: list[tuple[exp.Expr, set[str]]] = []
        if isinstance(node, Any_) and node.items:
            for branch in node.items:
                bctx = Ctx(as_of, sets=True)
                branches.append((condition_expr(branch, bctx), bctx.uses))
        ctx = Ctx(as_of, sets=True)
        compiled.append((condition_expr(node, ctx), ctx.uses, branches))
    exprs = [e for e, _, bs in compiled for e in [e, *(b for b, _ in bs)]]
    # the contact columns the conditions read (the sets read none but the id)
    needed = sorted(
        {"contact_id"}
        | {c.name for e in exprs for c in e.find_all(exp.Column) if c.table == "c" and c.name != "*"}
    )

    def step_from(prev: str, uses: set[str]) -> exp.Select:
        return _joined(exp.select(*(exp.column(n, "c") for n in needed)).from_(_table(prev, "c")), uses, base)

    def passing(test: exp.Expr) -> exp.Expr:
        return exp.func("coalesce", test.copy(), exp.false())

    ctes: list[tuple[str, exp.Select]] = [
        ("s0", exp.select(*(exp.column(n, "c") for n in needed)).from_(base.macro("contacts_at", "c")))
    ]
    cols: list[exp.Expr] = [
        exp.alias_(exp.Subquery(this=exp.select(exp.Count(this=exp.Star())).from_("s0")), "contacts")
    ]
    for i, (test, uses, branches) in enumerate(compiled, start=1):
        prev = f"s{i - 1}"
        for j, (btest, buses) in enumerate(branches, start=1):
            count = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=passing(btest)))
            q = step_from(prev, buses).select(count, append=False)
            cols.append(exp.alias_(exp.Subquery(this=q), f"step_{i}_any_{j}"))
        ctes.append((f"s{i}", step_from(prev, uses).where(passing(test))))
        cols.append(
            exp.alias_(exp.Subquery(this=exp.select(exp.Count(this=exp.Star())).from_(f"s{i}")), f"step_{i}")
        )
    if first > 0:
        ids = exp.func("min", exp.column("contact_id"), exp.convert(int(first)))
        cols.append(exp.alias_(exp.Subquery(this=exp.select(ids).from_(ctes[-1][0])), "first_ids"))
    q = exp.select(*cols)
    for name, cte in ctes:
        q = q.with_(name, as_=cte, materialized=True)
    return q


def use_stored(expr: exp.Expr, stored: frozenset[str] | set[str]) -> exp.Expr:
    """``expr`` reading each stored derived table (``rfm_20260630``) in place of its macro call for
    that date (``rfm(CAST('2026-06-30' AS DATE))``); calls for other dates stay as they are.

    The stored table holds what the macro gives (``derived.store_derived``), so the rows are the
    same; the SQL shown names the table, which the file has.

    >>> q = exp.select("r.r_score").from_(Ctx(date(2026, 6, 30)).macro("rfm", "r"))
    >>> use_stored(q, {"rfm_20260630"}).sql("duckdb")
    'SELECT r.r_score FROM rfm_20260630 AS r'
    >>> use_stored(q, {"rfm_20260531"}).sql("duckdb")
    "SELECT r.r_score FROM RFM(CAST('2026-06-30' AS DATE)) AS r"
    """
    if not stored:
        return expr

    def swap(node: exp.Expr) -> exp.Expr:
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Anonymous):
            return node
        name = str(node.this.name).lower()
        args = node.this.expressions
        if name not in STORED_MACROS or len(args) != 1 or not isinstance(args[0], exp.Cast):
            return node
        day = args[0].this
        if not isinstance(day, exp.Literal) or not day.is_string:
            return node
        try:
            table = stored_name(name, date.fromisoformat(day.this))
        except ValueError:
            return node
        if table not in stored:
            return node
        alias = node.args.get("alias")
        return exp.Table(this=exp.to_identifier(table), alias=alias.copy() if alias else None)

    return expr.transform(swap)


def render(expr: exp.Expr) -> str:
    """DuckDB SQL text of an expression, pretty-printed, function names in lower case."""
    return expr.sql(dialect="duckdb", pretty=True, normalize_functions="lower")
