"""Reads of the notify read model (schema `notify`)."""
