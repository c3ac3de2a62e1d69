"""The printable HTML of a breach dossier: its Markdown rendered inert in a standalone page with
the print stylesheet (no script, nothing from elsewhere)."""

from __future__ import annotations

from html import escape

from tocsin.web.markdown import render_markdown


def dossier_html(text: str, *, title: str, stylesheet: str) -> str:
    body = render_markdown(text, web_links_only=True)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{escape(stylesheet, quote=True)}">\n'
        f'</head>\n<body class="dossier">\n<main>\n{body}</main>\n</body>\n</html>\n'
    )
