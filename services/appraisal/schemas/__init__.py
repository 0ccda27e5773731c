"""Marshmallow schemas at the RPC boundary: commands load into dataclasses, queries into kwargs."""
