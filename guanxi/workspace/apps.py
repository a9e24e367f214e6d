from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "guanxi.workspace"
    label = "workspace"
