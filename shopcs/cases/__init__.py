"""Customer cases (工单): inquiries and complaints, their states, SLA clocks, promises and reply templates."""
