"""Read-only answers from the appraisal read model, each checking who may see what."""
