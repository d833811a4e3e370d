"""Reports over shop-local days: refund rate, unpaid recovery, repurchase, concerns, alerts, dashboard, the team."""
