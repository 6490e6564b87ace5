"""Renderers: text, JSON and Markdown from shared row models. Printing lives here and in cli/.

May import ``engine``, ``plan``, the siblings and ``core``; no click, no file.
"""
