"""Pictures drawn from the mission data at build time, as inline accessible SVG."""

from __future__ import annotations
