"""The ledger service: organisation, 8+X goals, work ledgers, organisational life and study log."""
