"""Notifications: in-app, e-mail and group bots (企业微信, 钉钉, 飞书).

Platform code: it knows no domain. Domains register their kinds (``kinds.register_kind``) in
``AppConfig.ready()`` and call ``services.notify.notify`` from their services.
"""
