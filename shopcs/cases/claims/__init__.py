"""Claims (理赔) on a claim case: the claim and its photos, the decision and its refund, the photos' upkeep."""
