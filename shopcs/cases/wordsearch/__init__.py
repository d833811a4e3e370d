"""Word search over what was written on a case — its subject and its messages — as an index lookup: the text cut into
pairs of characters (rules.py), kept in `case_words` as each text is written (index.py), looked up by the queue's
search (shopcs.cases.queue.search)."""
