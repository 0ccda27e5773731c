"""Fault injection against the real servers: relays and consumers run as OS processes and are
killed with SIGKILL mid-batch and mid-transaction; nothing may be lost or applied twice."""
