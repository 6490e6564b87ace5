"""The emulated Vidnoz API: ``service`` (``create_service``), ``catalog`` (its data),
``rules``, ``form``, ``world``."""
