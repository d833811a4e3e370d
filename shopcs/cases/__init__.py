"""Customer cases (工单): their states, SLA clocks, timeline and pages; claims, replies, the queue and supervision in sub-packages."""
