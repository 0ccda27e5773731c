"""Appraisal: cycles of self, anonymous peer and leader reviews, scored with ledger measures."""
