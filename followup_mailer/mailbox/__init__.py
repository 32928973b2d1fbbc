"""Mailbox backends behind one protocol (see protocol.py); they know nothing of cadence."""
