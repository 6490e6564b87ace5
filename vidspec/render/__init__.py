"""Renderers: text, JSON and Markdown from shared row models. Printing lives here and in cli/."""
