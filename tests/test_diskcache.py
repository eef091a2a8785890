"""The disk cache of what segmenta builds at start: a key per source, never an error, and a second
process that finds what the first one built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from segmenta import diskcache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(diskcache.ENV_CACHE, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_entry_is_built_once_then_read_and_a_new_key_replaces_it(folder: Path) -> None:
    built: list[int] = []

    def build() -> dict[str, int]:
        built.append(1)
        return {"n": len(built)}

    assert diskcache.cached("thing", "k1", build) == {"n": 1}
    assert diskcache.cached("thing", "k1", build) == {"n": 1} and built == [1]
    assert diskcache.cached("thing", "k2", build) == {"n": 2}  # new data or code: built again
    assert [p.name for p in folder.iterdir()] == ["thing-k2.pickle"], "the old key is dropped"


def test_a_damaged_entry_or_a_folder_that_cannot_be_written_means_building_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    folder.mkdir()
    (folder / "thing-k1.pickle").write_bytes(b"not a pickle")
    assert diskcache.cached("thing", "k1", lambda: 7) == 7
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(diskcache.ENV_CACHE, str(blocker / "cache"))
    assert diskcache.cached("thing", "k1", lambda: 8) == 8  # nothing kept, nothing raised


def _fresh_process(code: str, cache: Path) -> str:
    env = {**os.environ, diskcache.ENV_CACHE: str(cache)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_second_process_answers_known_words_without_loading_simplemma(folder: Path) -> None:
    code = (
        "import sys\n"
        "from segmenta.assistant.reading.words import known_word, lemma\n"
        "print(lemma('compraron', 'es'), known_word('zapatillas'), known_word('conpraron'), "
        "'simplemma' in sys.modules)\n"
    )
    first = _fresh_process(code, folder)
    assert first == "comprar True False True"
    again = _fresh_process(code, folder)
    assert again == "comprar True False False", "the same answers, and simplemma never imported"


def test_the_glossary_read_back_finds_what_the_built_one_finds(folder: Path) -> None:
    code = (
        "from segmenta.assistant.glossary import lookup\n"
        "print(sorted(c.en[0] for w in ('zapatillas', 'trainers', 'botas de futbol') for c in lookup(w)))\n"
    )
    built = _fresh_process(code, folder)
    assert any(p.name.startswith("glossary-") for p in folder.iterdir())
    assert _fresh_process(code, folder) == built and built != "[]"


def test_the_kept_answers_stop_growing_at_their_limit(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segmenta.assistant.reading import words

    monkeypatch.setattr(words._Lookups, "LIMIT", 2)
    memo = words._Lookups()
    answers = [memo.get("known", w, "es", lambda w=w: len(w)) for w in ("uno", "dos", "tres")]
    assert answers == [3, 3, 4], "every word is answered"
    assert len(memo.answers) == 2, "but only the first two are kept"


def test_a_value_that_cannot_be_kept_leaves_nothing_behind(folder: Path) -> None:
    assert diskcache.cached("thing", "k1", lambda: lambda: 1)() == 1  # a lambda cannot be pickled
    assert not folder.exists() or list(folder.iterdir()) == [], "no half-written temporary file"
