"""Break-the-glass access to another team's client, its review, and the access report (issue 15)."""
