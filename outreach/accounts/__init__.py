"""Accounts: API tokens and changes of who holds which role and team."""
