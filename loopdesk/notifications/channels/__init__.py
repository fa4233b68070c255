"""Notification transports. Each module has the same shape:

- ``TRANSACTIONAL``: whether delivery writes only to our database, so that it and "mark sent"
  commit together (exactly once); otherwise delivery happens outside any transaction (at least once);
- ``deliver(message)``: deliver or raise.
"""

from loopdesk.notifications.channels import email, inbox, webhook

CHANNELS = {"inbox": inbox, "email": email, "webhook": webhook}
