"""copilot: a songwriter's co-pilot (recommend songs, write lyrics, compose melodies, read the mood).

Importing the package is cheap: no torch, chromadb, gradio or llama_cpp is loaded
until a feature needs it.
"""

__version__ = "0.1.0"
