"""Catalog and recommender: import songs, store them in Chroma, rank them for a mood prompt.

- :mod:`records` (Song, validation), :mod:`importer` (CSV/TSV/JSONL under limits)
- :mod:`store` (Chroma), :mod:`lock` (writer lock), :mod:`index` (numpy mirror)
- :mod:`ranking`, :mod:`filters`, :mod:`tagtext` (pure scoring), :mod:`feedback`, :mod:`cf`
- :mod:`recommender` (the API), :mod:`demo` (shipped catalogs), :mod:`cli`

Importing this package is cheap: chromadb and the embedder load inside functions.
"""
