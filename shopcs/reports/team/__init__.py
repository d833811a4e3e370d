"""The team's work: each agent's daily work log (工作日志) and the weekly and monthly team report (周报/月报)."""
