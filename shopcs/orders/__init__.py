"""Orders: their states and refunds (pure rules), ingest and imports, shipments, handling, the queue, pages and API."""
