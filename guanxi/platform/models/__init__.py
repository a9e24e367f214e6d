from guanxi.platform.models.audit import AuditEvent
from guanxi.platform.models.imports import ImportBatch, ImportChange, MappingTemplate
from guanxi.platform.models.organizations import Organization, Team
from guanxi.platform.models.schedule import ScheduledRun
from guanxi.platform.models.security import ApiToken, IdempotencyRecord, LoginFailure
from guanxi.platform.models.sharing import RecordCollaborator
from guanxi.platform.models.users import Invitation, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "IdempotencyRecord",
    "ImportBatch",
    "ImportChange",
    "Invitation",
    "LoginFailure",
    "MappingTemplate",
    "Organization",
    "RecordCollaborator",
    "ScheduledRun",
    "Team",
    "User",
]
