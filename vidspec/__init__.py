"""vidspec: Terraform for AI talking-head videos."""

from __future__ import annotations

__version__ = "0.1.0"
