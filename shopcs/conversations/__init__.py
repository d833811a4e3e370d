"""Conversations with buyers: messages in from chat, e-mail and the API, replies out on the channel they came from."""
