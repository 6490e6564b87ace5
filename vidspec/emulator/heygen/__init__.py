"""The HeyGen API v3, emulated: ``service`` routes, authorises, limits and replays;
``videos`` answers the video calls; ``rules`` and ``templating`` check create bodies;
``world`` keeps the account; ``catalog`` its avatars, voices and templates; ``idempotency``
the ``Idempotency-Key`` replays; ``files`` the presigned file links.

Each module marks what HeyGen documents **[doc]** and what the emulator chooses where the
documentation is silent **[vidspec]** (with its reason; the list is in docs/emulator.md).
Sources, by the short names the marks cite: HeyGen's documentation at
developers.heygen.com (QS quick start, LIM usage limits, PRICE and ENT pricing, ERR error
codes, CHG changelog, IDEM the ``Idempotency-Key`` header, GETV and CREATE the video
references, MODELS engines), the legacy pages at docs.heygen.com (V1 video status, WH webhooks,
OLDLIM limits), and the request and response schemas HeyGen generates for its official CLI
(CLI: ``heygen-com/heygen-cli`` at 7699a8e, ``gen/*.go``, and its client's behaviour).
"""
