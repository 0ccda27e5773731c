"""The notify service's boundary: marshmallow schemas of its RPC arguments."""
