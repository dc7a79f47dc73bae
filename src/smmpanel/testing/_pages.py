"""The HTML pages the fake panel's web server answers with, as nginx and Cloudflare do."""

from __future__ import annotations

from http import HTTPStatus

NOT_FOUND_PAGE = b"""<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

CLOUDFLARE_PAGE = b"""<!DOCTYPE html>
<html lang="en-US">
<head>
<title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow">
</head>
<body>
<div class="main-wrapper" role="main">
<div class="main-content">
<h1>Checking if the site connection is secure</h1>
<p>Enable JavaScript and cookies to continue</p>
<noscript>Please enable JavaScript to continue.</noscript>
</div>
</div>
<div class="footer">Performance &amp; security by Cloudflare</div>
</body>
</html>
"""


def error_page(status: int) -> bytes:
    """An nginx-style HTML error page for ``status``."""
    title = f"{status} {phrase(status)}"
    return (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n"
        f"<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    ).encode("ascii")


def phrase(status: int) -> str:
    """The reason phrase of an HTTP status ("Unknown" for codes HTTP does not name)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
