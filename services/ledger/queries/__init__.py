"""Read-model queries: SQL on the `ledger` schema, plus the rules computed with the clock."""
