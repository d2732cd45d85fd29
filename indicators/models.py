"""Indicator snapshots and municipal reports (see INDICATORS.md)."""

from __future__ import annotations
