"""Replies: reply templates (话术) with a case's variables, and the overstated-promise check on what agents write."""
