"""The search relevance set (issue 18): realistic queries, what each means, scored against a fixed synthetic city."""
