"""The ledger's domain: aggregates that decide events and fold them into state. No I/O."""
