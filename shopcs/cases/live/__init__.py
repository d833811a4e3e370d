"""The agent's side, live: what changed since a cursor, the unread marks and the top bar's count of waiting cases."""
