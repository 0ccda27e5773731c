"""Every HTTP endpoint of the gateway, by the service whose capabilities it exposes."""

from . import gateway, ledger

ENDPOINTS = gateway.ENDPOINTS + ledger.ENDPOINTS
