"""The room board as a JupyterHub service page (``/services/room/``), for the room's instructors only.

The hub starts it (deploy/jupyterhub/jupyterhub_config.py) as root, so that it can read each learner
as that learner (helpers.room.board). Only users with access to this service get in, which the hub
grants to admins alone; their name must also be in ``AML_HUB_ADMINS``. The page refreshes itself
every 30 s; each row has a "put at the start of notebook NN" form that resets that learner only.
"""

from __future__ import annotations

import asyncio
import html
import os
from urllib.parse import urlencode, urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpserver import HTTPServer

from helpers.room import board

PAGE = """<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="30;url={here}">
<title>The room</title><style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .8em;text-align:left}}
tr:nth-child(even){{background:#f3f4f6}}.said{{background:#eef6ee;padding:.5em}}</style></head><body>
<h1>The room</h1><p>One row per learner, read as that learner; this page refreshes every 30 s.</p>{said}
<table><tr><th>learner</th><th>ready for</th><th>practice account</th><th>last activity</th><th>last error</th>
<th></th></tr>
{rows}</table><p><a href="{hub}">Back to the hub</a></p></body></html>"""

ROW = """<tr><td>{learner}</td><td title="{evidence}">{ready}</td><td>{up}</td><td>{ago}</td><td>{error}</td><td>
<form method="post" style="margin:0">{xsrf}<input type="hidden" name="learner" value="{learner}">
put at the start of notebook <select name="notebook">{options}</select> <button>Reset this learner</button>
</form></td></tr>"""


def admins() -> set[str]:
    """The room's instructors (AML_HUB_ADMINS, passed by the hub)."""
    return {name.strip() for name in os.environ.get("AML_HUB_ADMINS", "").split(",") if name.strip()}


class BoardHandler(HubOAuthenticated, web.RequestHandler):
    """The board (GET) and the per-learner reset form (POST), for instructors only."""

    def _instructor(self) -> dict:
        user = self.get_current_user()
        if not user or user.get("name") not in admins():
            raise web.HTTPError(403, "The room board is for the room's instructors.")
        return user

    @web.authenticated
    async def get(self):
        self._instructor()
        rows = await asyncio.to_thread(board.read_room)
        options = "".join(f'<option value="{nn}">{nn}</option>' for nn in ("00", "01", "02", "03", "04", "05", "06"))
        shown = (
            "".join(
                ROW.format(
                    learner=html.escape(row.learner),
                    evidence=html.escape(row.evidence),
                    ready=html.escape(row.ready_for()),
                    up="up" if row.up else "down" if row.up is False else "unknown",
                    ago=html.escape(board.ago(row.active)),
                    error=html.escape(row.error),
                    xsrf=self.xsrf_form_html(),
                    options=options,
                )
                for row in rows
            )
            or '<tr><td colspan="6">No learner has signed in yet.</td></tr>'
        )
        said = self.get_query_argument("said", "")
        self.write(
            PAGE.format(
                here=html.escape(self.request.path),
                said=f'<p class="said">{html.escape(said)}</p>' if said else "",
                rows=shown,
                hub=html.escape(os.environ.get("JUPYTERHUB_BASE_URL", "/") + "hub/home"),
            )
        )

    @web.authenticated
    async def post(self):
        self._instructor()
        learner = self.get_body_argument("learner", "")
        notebook = self.get_body_argument("notebook", "")
        try:
            answer = await asyncio.to_thread(board.put_at, learner, notebook)
            said = f"{learner}: {answer}"
        except (LookupError, ValueError, RuntimeError, OSError) as exc:
            said = f"{learner}: {exc}"
        self.redirect(self.request.path + "?" + urlencode({"said": said[:500]}), status=303)


def make_app() -> web.Application:
    """The service's tornado app under JUPYTERHUB_SERVICE_PREFIX, with the hub's OAuth callback."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/room/")
    return web.Application(
        [
            (prefix, BoardHandler),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        ],
        cookie_secret=os.urandom(32),
        xsrf_cookies=True,
    )


async def main() -> None:
    """Serve on JUPYTERHUB_SERVICE_URL until the hub stops the service."""
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8002"))
    HTTPServer(make_app()).listen(url.port or 8002, url.hostname or "127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
