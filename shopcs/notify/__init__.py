"""Messages out: the outbox, its leases, channels (manual, SMTP, signed webhook) and the sender with retries."""
