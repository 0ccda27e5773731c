"""Marshmallow schemas for every RPC command and query: strict, ISO dates, enums checked."""
