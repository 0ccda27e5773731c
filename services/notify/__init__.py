"""Reminders: the notify service decides them from the ledger's and appraisal's state on a clock,
and delivers them by email, webhook and an in-app inbox, each exactly once per rule and period."""
