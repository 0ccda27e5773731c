"""The service layer: one short function per command, `(cmd, ctx, now) -> Outcome`."""
