"""Every HTTP endpoint of the gateway, by the service whose capabilities it exposes."""

from . import appraisal, gateway, ledger, notify

ENDPOINTS = gateway.ENDPOINTS + ledger.ENDPOINTS + appraisal.ENDPOINTS + notify.ENDPOINTS
