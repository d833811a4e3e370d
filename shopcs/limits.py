"""Lengths of free text shared by more than one capability, in one place: the forms, the API shapes and the pure
checks all read them from here (a pure module: no Flask, no database)."""
NOTE_MAX = 2000  # a note a person writes on a refund, a claim's decision, a transfer or an escalation's acknowledgement
