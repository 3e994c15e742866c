"""Prefect flows: thin wiring of fetch, decode, extract, validate, load, detect, notify."""
