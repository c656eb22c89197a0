"""The page cache's miss path on every request, for measuring (BENCH_KEEP_PAGES=0)."""

from newsroom.page_cache import PageCacheMiddleware


class ComposedAfresh(PageCacheMiddleware):
    """Never serves or keeps a whole page; the pieces many pages share (the latest
    news, a month's calendar) are kept as usual: each page is rendered as right after
    a change that touches it."""

    def applies_to(self, request) -> bool:
        return False
