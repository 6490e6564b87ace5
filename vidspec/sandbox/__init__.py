"""The sandbox: vidspec's default provider kind, offline (``provider``: the CDNvideo client
against the CDNvideo emulator, started in-process; ``plugin``: its registration).

It sits above both ``vidspec.providers`` and ``vidspec.emulator``, which may not import each
other, and nothing in vidspec imports it: the ``vidspec.providers`` entry point names it.
"""
