"""Bringing in an institution's people: a roster file read (files.py) and imported into the
ledger and the gateway's users together (importing.py)."""
