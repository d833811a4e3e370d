"""Follow-up with buyers: unpaid-order reminders, greetings, promotions, opt-outs, their settings and the scheduler."""
