"""What every browser walk needs: Korean texts as the pages show them, and a logged-in tab that checks each page."""

from django.utils import translation

from lofin.core.testing import PASSWORD

# Loaded, and htmx has no request in flight and nothing swapping or settling: what the walks used Playwright's
# "networkidle" for, without the 500 ms of silence it waits after every page (these pages fetch nothing later by
# themselves; htmx marks what it is doing with these classes).
SETTLED = (
    "() => document.readyState === 'complete'"
    " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
)


def settle(page) -> None:
    """Wait until the page a click or a `goto` led to is loaded and htmx is done with it."""
    page.wait_for_load_state("load")
    page.wait_for_function(SETTLED, polling=20)


def no_horizontal_scroll(page) -> bool:
    """The page fits its viewport's width: nothing to scroll sideways (a phone, or 200 % zoom)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def ko(text: str) -> str:
    with translation.override("ko"):
        return translation.gettext(text)


class Walk:
    """One browser tab walking the site as a user; `go` runs axe-core on the page when given a name to report."""

    def __init__(self, page, base, axe):
        self.page, self.base, self.axe = page, base, axe

    def log_in(self, username):
        page = self.page
        if page.locator("header button.link-button").count():
            page.click("header button.link-button")
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        self.settle()

    def go(self, path, check=None):
        self.page.goto(self.base + path)
        self.settle()
        if check:
            self.axe.check(self.page, check)

    def settle(self):
        settle(self.page)
