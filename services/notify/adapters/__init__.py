"""What the notify service talks to: other services (RPC), SMTP, webhooks, the clock."""
