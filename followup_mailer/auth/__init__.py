"""Signing in to Gmail and keeping the token: the OAuth flow, the token stores, the keyring."""
