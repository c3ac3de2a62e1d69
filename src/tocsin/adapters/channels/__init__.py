"""Notification channels: email (SMTP), outbound webhooks and the console, each implementing
``tocsin.services.paging.ports.Channel``."""
