"""simplemma's dictionaries read from the cached SQLite file give simplemma's own answers."""

from __future__ import annotations

from pathlib import Path

import pytest
import simplemma

from segmenta.assistant.reading import dictionaries

# inflected forms, clitics, accents dropped, English irregulars, typos, names, empty-ish tokens
WORDS = [
    "compraron", "compran", "vieron", "sacame", "pasamelos", "zapatillas", "ultimos", "últimos", "mujeres",
    "clientas", "gastaron", "pagaron", "tarjeta", "pañales", "panales", "botas", "fútbol", "futbol",
    "pulled", "bought", "customers", "women", "shoes", "children", "went", "running", "ppl", "w/o",
    "conpraron", "nkie", "madrid", "Madrid", "Nike", "x", "q", "de", "the", "l'eau", "e-mail", "2025",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lemmas_and_known_words_are_simplemmas_own(lang: str) -> None:
    for word in WORDS:
        assert dictionaries.lemmatize(word, lang) == simplemma.lemmatize(word, lang=lang), word
        assert dictionaries.is_known(word, lang) == simplemma.is_known(word, lang=lang), word


def test_the_file_is_built_once_and_read_by_the_next_process(tmp_path: Path) -> None:
    path = tmp_path / "dicts.sqlite"
    first = dictionaries.SqliteDictionaries(path)
    assert path.exists() and first.get_dictionary("es").get("compraron") == "comprar"
    stamp = path.stat().st_mtime_ns
    again = dictionaries.SqliteDictionaries(path)  # a later process: opens it, builds nothing
    assert path.stat().st_mtime_ns == stamp
    es = again.get_dictionary("es")
    assert es["compraron"] == "comprar" and "conpraron" not in es and es.get("conpraron") is None
    with pytest.raises(ValueError):
        again.get_dictionary("de")
    assert not list(tmp_path.glob(".simplemma-*")), "no temporary file is left behind"


def test_a_cache_folder_that_cannot_be_made_means_simplemma_decodes_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SEGMENTA_CACHE_DIR", str(blocker / "cache"))  # no folder can be made there
    dictionaries.factory.cache_clear()
    try:
        factory = dictionaries.factory()
        assert not isinstance(factory, dictionaries.SqliteDictionaries)
        assert factory.get_dictionary("es").get("compraron") == "comprar"
    finally:
        dictionaries.factory.cache_clear()
