"""Transforms: raw documents to clean text, clean text to figures."""
