"""Every HTTP endpoint of the gateway, by the service whose capabilities it exposes."""

from . import accounts, appraisal, gateway, ledger, notify, roster

ENDPOINTS = (
    gateway.ENDPOINTS
    + accounts.ENDPOINTS
    + roster.ENDPOINTS
    + ledger.ENDPOINTS
    + appraisal.ENDPOINTS
    + notify.ENDPOINTS
)
