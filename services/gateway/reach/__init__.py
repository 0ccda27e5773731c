"""The gateway's reach: who may act where, kept from the log in a read model of its own
(projection.py), answered in one query for the caller and one for what a request names
(queries.py), and kept fresh where a request depends on it (fresh.py)."""
