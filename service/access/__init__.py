"""Who is asking: API keys, their roles, and the limits on what a caller may send."""
