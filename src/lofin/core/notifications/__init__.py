"""Notifications: one service for in-app, e-mail and SMS/알림톡 messages."""
