"""Plain iteration helpers."""
from itertools import islice


def split_every(n, iterable):
    """Yield lists of at most ``n`` items from ``iterable``."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, n)):
        yield chunk
