"""``python -m vidspec``."""

from __future__ import annotations

from vidspec.cli import main

if __name__ == "__main__":
    main()
