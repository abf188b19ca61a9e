"""The paper plan as HTML, from the package's Jinja2 template (autoescaped: text from the record is
never markup)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from adapter.paper.view import PaperPlan


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("adapter.paper", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    return environment.get_template("plan.html.j2")


def render_html(plan: PaperPlan) -> str:
    """The page, whole (UTF-8 text)."""
    return _template().render(plan=plan)
