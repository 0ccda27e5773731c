"""Handlers: load an aggregate, decide with the pure domain, append, apply to the read model."""
