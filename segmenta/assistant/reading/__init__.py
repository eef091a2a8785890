"""Reading a request: the stages before the grammar, each importing only the ones before it.

normalise (chat typing, contractions, emoji, symbols) -> words (stop words, lemmas, filler and
operator words) -> the grammar in ``segmenta.assistant.parser`` (recognise, link, assemble).
The vocabularies of each stage are per-language data files in ``data/``.
"""
