"""Benchmarks: scripts that print figures and assert nothing (see the README's Benchmarks section)."""
