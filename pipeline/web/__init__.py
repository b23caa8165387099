"""Reading the open web: the fetch policy, the guarded connection layer, bounded bodies and the fetcher."""
