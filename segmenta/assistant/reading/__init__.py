"""Reading a request, in stages that import one way (``tests/test_import_hygiene.py`` checks it):

normalise (chat typing, contractions, emoji, shorthands) -> words (stop words, lemmas, filler,
discourse, the closed list of operator words) -> pieces (quantities, items, frames, clarifications,
the parse result) -> base (the grammar's shared state and helpers) -> the recognisers (scores,
people, behaviour, quantities) -> linking (free words to the shop's catalog) -> the passes in
``segmenta.assistant.parser`` and the assembly in ``segmenta.assistant.assemble``.

Every word of a request ends used by a condition, ignored (shown to the marketer) or asked about.
The vocabularies of each stage are per-language data files in ``data/``.
"""
