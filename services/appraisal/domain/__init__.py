"""The pure appraisal domain: the cycle aggregate, its decisions, who owes what, and scoring."""
