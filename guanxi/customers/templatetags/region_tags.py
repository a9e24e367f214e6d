"""The national province list for templates (the list filters offer it)."""

from __future__ import annotations

from django import template

from guanxi.customers.regions import find, provinces

register = template.Library()


@register.simple_tag
def province_options(current: str = "") -> list[tuple[str, str, bool]]:
    """``(value, label, selected)`` for each province; a filter value that is not on the list
    (typed into the address bar, say) is kept as the last option, selected."""
    chosen = find(provinces(), current or "")
    options = [(p.name, p.label, chosen is not None and p.name == chosen.name) for p in provinces()]
    if current and chosen is None:
        options.append((current, current, True))
    return options
