"""Reading a report request: metrics, "by" dimensions, time grain, top-N and comparisons.

A request is a report when it names a time grain ("weekly", "por mes"), a dimension after "by" /
"por", a top-N, or a metric that is not a people word ("revenue", "open rate", "pedidos" when no
number counts them). Words that then remain are read as usual: a segment the report is restricted
to ("among Champions", "de mujeres en Madrid"), products ("Garmin units"), channels ("email").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from segmenta.assistant import lexicon as L
from segmenta.assistant import lexicon_report as R
from segmenta.assistant.plan import (
    All,
    AttributeCondition,
    Node,
    ProductMatch,
    PurchaseCondition,
    ReportPlan,
    SegmentPlan,
    TimeGrain,
    Window,
)

if TYPE_CHECKING:
    from segmenta.assistant.parser import _Parser

PEOPLE_METRICS = frozenset({"contacts", "buyers", "first_time_buyers", "recurring_buyers", "new_contacts"})
REPORT_FILLER = frozenset(
    """vendimos vendieron vendido vendidos vendidas vender vende venden sell sold selling hubo hay habido
    there were was were tuvimos had have did we generamos generated generate get got make made hicimos ha
    han tenemos tenido is are es son cual cuales what whats which much cuanto cuanta mostrar show ver habia
    see dame give evolucion evolution trend tendencia crecimiento growth total totales vs versus used usaron
    usado usados with con""".split()
)


@dataclass
class ReportReading:
    """What a report request asks for, filled while the words are read."""

    p: _Parser
    metrics: list[str] = field(default_factory=list)
    grain: TimeGrain | None = None
    dimensions: list[str] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    sort: str | None = None
    descending: bool = True
    limit: int | None = None
    compare: bool = False
    versus: bool = False
    workflows: list[str] = field(default_factory=list)
    products: list[ProductMatch] = field(default_factory=list)

    def resolve_run(self, i: int, j: int) -> None:
        """Free words of a report: products ("Garmin units") or places, else unknown."""
        p = self.p
        s = p.s
        words = [k for k in range(i, j) if s.words[k].f not in REPORT_FILLER]
        if not words:
            s.claim(i, j, "filler")
            return
        a, b = words[0], words[-1] + 1
        s.claim(i, a, "filler")
        s.claim(b, j, "filler")
        p.link_order_details(a, b)  # "how many orders used the XMAS15 coupon"
        while a < b and not s.free(a):
            a += 1
        while b > a and not s.free(b - 1):
            b -= 1
        if a >= b:
            return
        phrase = s.span_text(a, b)
        res = p.cat.match_products(phrase, lang=p.lang)
        if res.match is not None and not res.uncovered:
            if res.assumption:
                p.assumptions.append(res.assumption)
            self.products.append(res.match)
            s.claim(a, b, "product")
            return
        p.link_places(a, b)

    def plan(self, segment: SegmentPlan | None) -> ReportPlan | None:
        p = self.p
        where = segment.where if segment is not None else None
        channel = [it.data for it in p.items if it.kind == "msgchannel"]
        workflow = [
            v for it in p.items if it.kind == "msgattr" and it.data[0] == "workflow" for v in it.data[1]
        ] + self.workflows
        metrics = list(dict.fromkeys(self.metrics))
        if workflow:
            # the money a workflow brought is the revenue its conversions are credited with
            metrics = list(dict.fromkeys("attributed_revenue" if m == "revenue" else m for m in metrics))
        sizes = False
        if not metrics:
            if where is None and not self.grain and not self.dimensions:
                return None
            metrics = ["contacts"]
            sizes = bool(self.grain) and where is not None
        elif metrics == ["contacts"] and self.grain and where is not None:
            sizes = True
        where, orders = _order_filters(metrics, where)
        dimensions = list(dict.fromkeys(self.dimensions))
        if self.versus and where is not None:
            # "UK vs Ireland", "online vs tienda" with one period: the values side by side, a column
            # of the field they belong to (and only those values kept)
            for node in where.items if isinstance(where, All) else [where]:
                if (
                    isinstance(node, AttributeCondition)
                    and node.op == "in"
                    and len(node.values) >= 2
                    and node.field in R.DIMENSIONS
                    and node.field not in dimensions
                ):
                    dimensions.insert(0, node.field)
        product = self.products[0] if self.products else None
        window = self.windows[0] if self.windows else None
        sort = self.sort
        if self.limit is not None and sort is None:
            sort = metrics[0]
        return ReportPlan(
            metrics=metrics,
            grain=self.grain,
            dimensions=dimensions,
            window=window,
            where=where,
            product=product,
            orders=orders,
            channel=list(dict.fromkeys(channel)),
            workflow=workflow,
            sort=sort,
            descending=self.descending,
            limit=self.limit,
            compare="previous" if self.compare else None,
            compare_window=self.windows[1] if self.compare and len(self.windows) > 1 else None,
            segment_sizes=sizes,
            language=p.lang,
        )


_PAID = frozenset(
    "paid pay pays paying pagado pagados pagada pagadas pagaron pago pagó pagan pagando".split()
)


def read_report(p: _Parser) -> ReportReading | None:
    """Claim the report words of a request; None (and nothing claimed) when it is not a report."""
    s = p.s
    r = ReportReading(p)
    claims: list[tuple[int, int, str]] = []
    taken: set[int] = set()

    def free(i: int, n: int) -> bool:
        return all(s.free(k) and k not in taken for k in range(i, i + n))

    def take(i: int, n: int, what: str) -> None:
        claims.append((i, i + n, what))
        taken.update(range(i, i + n))

    # time grain
    for i in range(len(s)):
        for grain, pats in R.GRAINS.items():
            n = s.match(i, pats, fuzzy=False)
            if n and free(i, n):
                r.grain = grain  # type: ignore[assignment]
                take(i, n, "grain")
                break
    # top / bottom N
    for i in range(len(s)):
        for pats, desc in ((R.TOP, True), (R.BOTTOM, False)):
            n = s.match(i, pats, fuzzy=False)
            if n and free(i, n):
                k = i + n
                from segmenta.assistant.numbers import parse_number

                num = parse_number(s.tokens, k) if k < len(s) else None
                limit = 10
                if num is not None:
                    limit, k = int(num[0]), k + num[1]
                take(i, k - i, "top")
                r.limit, r.descending = limit, desc
                # "top 5 productos": the dimension right after
                for dim, dpats in R.DIMENSIONS.items():
                    m = s.match(k, dpats, fuzzy=False)
                    if m and free(k, m):
                        r.dimensions.append(dim)
                        take(k, m, "dimension")
                        break
                break
    # by + dimension / by + metric (sort key)
    for i in range(len(s)):
        n = s.match(i, R.BY_WORDS, fuzzy=False)
        if not n or not free(i, n):
            continue
        if i > 0 and s.words[i - 1].f in _PAID:
            continue  # "paid by card", "pagado por Bizum": how it was paid, no dimension
        k = i + n
        while k < len(s) and s.words[k].f in ("el", "la", "los", "las", "the", "su", "their"):
            k += 1
        found = False
        for dim, pats in R.DIMENSIONS.items():
            m = s.match(k, pats, fuzzy=False)
            if m and free(k, m):
                r.dimensions.append(dim)
                take(i, k + m - i, "dimension")
                found = True
                break
        if not found:
            metric = _metric_at(p, k, taken)
            if metric is not None and r.limit is not None:
                name, m = metric
                r.sort = name
                r.metrics.append(name)
                take(i, k + m - i, "sort")
    # "¿cuántos celulares vendimos?": units sold
    for i in range(len(s)):
        n = s.match(i, R.SOLD, fuzzy=False)
        if (
            n
            and free(i, n)
            and any(s.match(k, L.QUESTION_COUNT, fuzzy=False) for k in range(max(0, i - 6), i))
        ):
            r.metrics.append("units")
            take(i, n, "metric")
    # "¿qué categorías se venden más?": a ranking by units (all rows), the dimension said before
    for i in range(len(s)):
        n = s.match(i, R.SELL_MOST, fuzzy=False)
        if not n or not free(i, n):
            continue
        take(i, n, "top")
        r.descending = True
        if r.sort is None:  # "which brands sell the most? top 5 by revenue": the ranking said wins
            r.sort = "units"
            r.metrics.append("units")
        for k in range(max(0, i - 3), i):
            for dim, dpats in R.DIMENSIONS.items():
                m = s.match(k, dpats, fuzzy=False)
                if m and k + m <= i and free(k, m):
                    r.dimensions.append(dim)
                    take(k, m, "dimension")
                    break
    # "el flow de carrito abandonado", "the welcome automation": a workflow the report is about
    for i in range(len(s)):
        n = s.match(i, R.DIMENSIONS["workflow"], fuzzy=False)
        if not n or not free(i, n) or (i > 0 and s.match(i - 1, R.BY_WORDS, fuzzy=False)):
            continue
        k = i + n + (i + n < len(s) and s.words[i + n].f in ("de", "del", "of", "called", "llamado"))
        for e in range(min(len(s), k + 4), k, -1):
            if not free(k, e - k):
                continue
            links = p.links(s.span_text(k, e), ["workflow"], 90)
            if links:
                r.workflows.append(links[0].value)
                take(i, e - i, "workflow")
                break
        # a workflow named before the word: "the welcome flow"
        else:
            for b in range(max(0, i - 3), i):
                if free(b, i - b):
                    links = p.links(s.span_text(b, i), ["workflow"], 90)
                    if links:
                        r.workflows.append(links[0].value)
                        take(b, i + n - b, "workflow")
                        break
    # "cuánta lana facturamos", "cuánta pasta nos trajo", "how many bucks did it bring in": a money
    # word before a revenue word or verb is the revenue (alone it may be a product: "pasta de dientes")
    for i in range(len(s) - 1):
        if s.words[i].f not in _MONEY_WORDS or not free(i, 1):
            continue
        k = i + 1
        while k < len(s) and k - i <= 3 and s.words[k].f in _PRONOUNS:
            k += 1
        metric = _metric_at(p, k, taken) if k < len(s) else None
        if metric is not None and metric[0] == "revenue":
            take(i, 1, "metric")
        elif k < len(s) and s.words[k].f in _REVENUE_VERBS and free(k, 1):
            r.metrics.append("revenue")
            take(i, k + 1 - i, "metric")
    # "online vs tienda", "online vs in-store": the order channel as a column
    for i in range(len(s)):
        n = s.match(i, R.VERSUS, fuzzy=False)
        if not n or not free(i, n):
            continue
        left = _channel_word(p, i, before=True)
        right = _channel_word(p, i + n, before=False)
        if left and right and free(i - left, left) and free(i + n, right):
            r.dimensions.append("order_channel")
            take(i - left, left + n + right, "dimension")
    # "first-time vs returning buyers": the noun after the second names the first too
    for i in range(1, len(s)):
        n = s.match(i, R.VERSUS, fuzzy=False)
        if not n or not free(i, n):
            continue
        second = _metric_at(p, i + n, taken)
        if second is None:
            continue
        # "nuevos vs recurrentes": a metric on each side
        before: tuple[str, int] | None = None
        for size in (3, 2, 1):
            on_left = _metric_at(p, i - size, taken) if i - size >= 0 else None
            if on_left is not None and on_left[1] == size:
                before = on_left
                break
        if before is not None and before[0] != second[0]:
            r.metrics += [before[0], second[0]]
            take(i - before[1], before[1] + n + second[1], "metric")
            continue
        head = s.words[i + n + second[1] - 1].f
        for size in (3, 2, 1):
            if i - size < 0 or not free(i - size, size):
                continue
            said = (*(w.f for w in s.words[i - size : i]), head)
            first = next((name for name, pats in R.METRICS.items() if said in pats), None)
            if first is not None and first != second[0]:
                r.metrics += [first, second[0]]
                take(i - size, size + n + second[1], "metric")
                break
    # metrics
    cues = bool(r.grain or r.dimensions or r.limit or r.metrics)
    found_metrics: list[tuple[int, int, str]] = []
    for i in range(len(s)):
        if i in taken or not s.free(i):
            continue
        metric = _metric_at(p, i, taken)
        if metric is None:
            continue
        name, n = metric
        if _counted(p, i, n):
            continue  # "al menos 3 pedidos", "ticket medio superior a 200": a segment condition
        if any(
            k >= 0 and s.match(k, pats) > i - k
            for k in (i - 2, i - 1)
            for pats in (L.FIRST_PURCHASE, L.LAST_PURCHASE, *L.VERBS.values())
        ):
            continue  # "su primer pedido", "dieron click": a date or a verb of the contact, no metric
        found_metrics.append((i, n, name))
        taken.update(range(i, i + n))
    adopt = cues or any(name not in PEOPLE_METRICS for _, _, name in found_metrics)
    perf = [
        i for i in range(len(s)) if s.free(i) and i not in taken and s.match(i, R.PERFORMANCE, fuzzy=False)
    ]
    if perf and (cues or p.items and any(it.kind == "window" for it in p.items)):
        adopt = True
    if not adopt and not cues:
        return None
    if not found_metrics and not perf and not cues:
        return None
    for i, n, name in found_metrics:
        r.metrics.append(name)
        claims.append((i, i + n, "metric"))
    for i in perf:
        r.metrics.extend(R.PERFORMANCE_METRICS)
        claims.append((i, i + 1, "metric"))
    # "this month vs last month"
    wins = [it for it in p.items if it.kind == "window"]
    for i in range(len(s)):
        n = s.match(i, R.VERSUS, fuzzy=False)
        if n and s.free(i) and len(wins) >= 2:
            r.compare = True
            claims.append((i, i + n, "versus"))
        elif n and s.free(i):
            r.versus = True  # "UK vs Ireland": the values become a column (see plan())
    for a, b, what in claims:
        s.claim(a, b, what)
    # the report's period: windows not inside a behaviour clause
    for it in sorted(wins, key=lambda x: x.pos):
        r.windows.append(it.data)
        p.items.remove(it)
    _filler(p)
    return r


_MONEY_WORDS = frozenset("lana pasta plata guita pavos varos pelas bucks quid dinero money cash".split())
_REVENUE_VERBS = frozenset(
    "trajo trajeron genero generaron dejo dejaron brought generated made make bring".split()
)
_PRONOUNS = frozenset({"nos", "les", "did", "we", "it", "they", "ha", "han"})


def _channel_word(p: _Parser, i: int, before: bool) -> int:
    """How many words of an order channel ("online", "tienda", "in-store", "tienda física") end
    just before word i (``before``) or start at it; 0 when none."""
    s = p.s
    pats = (*L.CHANNEL_ONLINE, *L.CHANNEL_STORE, *L.STORE_WORDS)
    if before:
        for size in (3, 2, 1):
            if i - size >= 0 and s.match(i - size, pats, fuzzy=False) == size:
                return size
        return 0
    return s.match(i, pats, fuzzy=False) if i < len(s) else 0


def _metric_at(p: _Parser, i: int, taken: set[int]) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for name, pats in R.METRICS.items():
        n = p.s.match(i, pats, fuzzy=False)
        if n and all(k not in taken for k in range(i, i + n)) and (best is None or n > best[1]):
            best = (name, n)
    return best


def _counted(p: _Parser, i: int, n: int) -> bool:
    """A metric word counted by a number before it or compared after it is a segment condition."""
    from segmenta.assistant.numbers import parse_number

    s = p.s
    for k in (i - 1, i - 2, i - 3):
        if k >= 0 and parse_number(s.tokens, k) is not None:
            return True
    # "sin compras", "without orders", "con pedidos": a condition on the contact
    for k in (i - 1, i - 2):
        if k >= 0 and (
            s.match(k, L.WITHOUT, free_only=False)
            or s.match(k, L.NEGATORS, free_only=False)
            or s.words[k].f in ("con", "with")
        ):
            return True
    j = i + n
    while j < len(s) and s.words[j].f in ("de", "of", "is", "es", "was", "fue", "sea"):
        j += 1
    for pats in L.COMPARATORS.values():
        if j < len(s) and s.match(j, pats, fuzzy=False):
            return True
    return False


def _filler(p: _Parser) -> None:
    s = p.s
    for k, w in enumerate(s.words):
        if w.used is None and w.f in REPORT_FILLER:
            s.claim(k, k + 1, "filler")


ORDER_METRICS = frozenset(
    {"orders", "revenue", "aov", "units", "buyers", "first_time_buyers", "recurring_buyers"}
)


def _order_filters(metrics: list[str], where: Node | None) -> tuple[Node | None, PurchaseCondition | None]:
    """Order tests of an order report ("pedidos pagados con Bizum", "returned orders") filter the orders
    counted, not the contacts: the plain purchase conditions move from ``where`` to ``orders``."""
    if not (set(metrics) & ORDER_METRICS) or where is None:
        return where, None
    items = list(where.items) if isinstance(where, All) else [where]
    plain = [
        n
        for n in items
        if isinstance(n, PurchaseCondition)
        and n.product is None
        and n.window is None
        and n.count is None
        and n.amount is None
        and n.units is None
        and not n.returned
        and not n.first_purchase
    ]
    if not plain:
        return where, None
    merged = plain[0]
    for n in plain[1:]:
        lists = {
            k: getattr(merged, k) + getattr(n, k)
            for k in ("store", "payment_method", "card_brand", "coupon", "utm_source", "utm_campaign")
        }
        merged = merged.model_copy(
            update=lists
            | {
                "channel": merged.channel or n.channel,
                "status": n.status if merged.status == "completed" else merged.status,
            }
        )
    rest = [n for n in items if n not in plain]
    left: Node | None = None if not rest else rest[0] if len(rest) == 1 else All(items=rest)
    return left, merged
