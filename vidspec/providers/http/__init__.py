"""The one HTTP seam: ``client`` (``HttpClient``), ``retry``, ``errors``, ``files``."""
