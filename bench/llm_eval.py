"""Is the LLM path lossless? The eval's score through the rules and through the language-model path.

For each case of a cases file (``shared/eval/dev.jsonl`` by default), the rules engine reads the
text; a fake OpenAI-compatible server on loopback is scripted to answer that text with exactly
the rules' reading (its Plan, unrecognized words and first question); the case is then answered
again through the LLM backend (``mode="llm"``: prompt, HTTP, structured output, parsing, catalog
guard, engine). Both answers are scored with ``run_eval.py``'s own comparison, in-process.

    .venv/bin/python bench/llm_eval.py [--cases FILE] [--shop DIR] [--db WAREHOUSE] [--method M] [-v]

Prints both scores, the cases where they differ, and the time per request of each path.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segmenta.assistant.answer import Answer  # noqa: E402
from segmenta.assistant.engine import Engine  # noqa: E402
from segmenta.assistant.llm import LlmEngine, LlmSettings  # noqa: E402
from segmenta.tools.engines import run_report  # noqa: E402
from segmenta.warehouse.importer import import_shop  # noqa: E402
from tests.assistant.fake_openai import FakeOpenAI, Reply, answer, request_text  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def load_run_eval(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_eval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(ev: ModuleType, case: dict[str, Any], a: Answer, engine: Engine, gold: Any) -> tuple[bool, str]:
    """One case scored the way run_eval.py scores the CLI's JSON answer."""
    if case["kind"] == "reject":
        return (not a.sql and a.kind in ("clarification", "not_understood")), f"kind={a.kind}"
    if not a.sql:
        return False, f"no SQL (kind={a.kind}) {[c.question for c in a.clarifications]}"
    gold_rows = gold.execute(ev.fill(case["sql"], case["as_of"])).fetchall()
    got = engine.con.execute(a.sql).fetchall()
    ok, detail = ev.compare(case, got, gold_rows)
    return bool(ok), str(detail)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=EVAL / "dev.jsonl")
    ap.add_argument("--shop", type=Path, default=EVAL / "sports")
    ap.add_argument("--db", type=Path, default=None, help="a warehouse already imported from --shop")
    ap.add_argument("--method", choices=["function_calling", "json_schema"], default="function_calling")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    ev = load_run_eval(EVAL / "run_eval.py")
    cases = [json.loads(line) for line in a.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    db = a.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="segmenta-llm-eval-")) / "warehouse.duckdb"
        import_shop(a.shop, db)
    gold = ev.reference_db(a.shop)

    scripted: dict[str, Reply] = {}
    with FakeOpenAI(responder=lambda body: scripted[request_text(body)]) as fake:
        settings = LlmSettings(model="fake-eval", base_url=fake.base_url, engine="llm", timeout=30,
                               max_retries=0, method=a.method)
        rules = Engine(db, report_runner=run_report)
        llm = LlmEngine(db, mode="llm", settings=settings, report_runner=run_report)
        passed = {"rules": 0, "llm": 0}
        spent = {"rules": 0.0, "llm": 0.0}
        current = None
        for case in cases:
            as_of = date.fromisoformat(case["as_of"])
            if case["kind"] != "reject" and case["as_of"] != current:
                ev.views(gold, case["as_of"])
                current = case["as_of"]
            t0 = time.perf_counter()
            result = rules.parse(case["text"])
            rules_answer = rules.answer_parsed(case["text"], result, as_of)
            t1 = time.perf_counter()
            scripted[case["text"]] = answer({
                "plan": result.plan.model_dump(mode="json") if result.plan is not None else None,
                "unrecognized": result.unrecognized,
                "question": result.clarifications[0].question if result.clarifications else None,
            })
            llm_answer = llm.ask(case["text"], as_of)
            t2 = time.perf_counter()
            spent["rules"] += t1 - t0
            spent["llm"] += t2 - t1
            outcome = {}
            for path, ans, eng in (("rules", rules_answer, rules), ("llm", llm_answer, llm)):
                ok, detail = score(ev, case, ans, eng, gold)
                passed[path] += ok
                outcome[path] = (ok, detail)
            differ = outcome["rules"][0] != outcome["llm"][0]
            if differ or a.verbose:
                print(f"{'DIFF' if differ else 'same'} {case['id']}: {case['text']}\n"
                      f"     rules: {outcome['rules']}\n"
                      f"     llm:   {outcome['llm']} {llm_answer.assumptions}")
        rules.close()
        llm.close()
    n = len(cases)
    print(f"requests sent to the fake server: {len(fake.requests)}")
    for path in ("rules", "llm"):
        print(f"{path:5} path score: {passed[path]}/{n} ({100.0 * passed[path] / n:.1f}%), "
              f"{1000 * spent[path] / n:.1f} ms per request")
    print(f"llm/rules time ratio: {spent['llm'] / spent['rules']:.2f}")
    return 0 if passed["llm"] == passed["rules"] else 1


if __name__ == "__main__":
    sys.exit(main())
