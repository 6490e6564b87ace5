"""The emulated Synthesia API v2: ``service`` (``create_service``, routing, auth, limits),
``objects`` (the video object and its signed links), ``rules`` and ``schema`` (the request
bodies), ``limits`` (every window of every endpoint), ``world`` (the videos), ``catalog``
(avatars, voices, backgrounds, templates)."""
