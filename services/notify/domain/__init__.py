"""The notify service's pure domain: rules, reminders, delivery decisions, signatures."""
