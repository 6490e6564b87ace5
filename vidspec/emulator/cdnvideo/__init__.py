"""The emulated CDNvideo API: ``service`` (``create_service``), ``catalog`` (its data),
``rules``, ``world``, ``listing``."""
