"""The service layer: one short function per command, `(cmd, store, now) -> Outcome`."""
