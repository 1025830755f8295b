"""The web adapter: report pages for authors, the blog widget, /healthz and /metrics (aiohttp, in the bot process).

- links (core, bot/summaries/links.py): the unguessable, revocable `/r/<token>` links.
- svg: bars drawn as SVG (no raster), every text escaped.
- pages: the report page and the embed as semantic HTML without JavaScript, German or English by the article.
- reports: summaries for the web, cached a few seconds (figures at most a minute old while polls are open).
- app: routes, security headers, ETag/Cache-Control; handlers parse, call the core in one unit of work, render.
- server: `WebServer`, started and stopped with the bot.
"""
