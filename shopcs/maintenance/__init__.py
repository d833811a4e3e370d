"""Keeping a shop's ShopCS over the years: backups of its database (`flask --app app backup`)."""
