from guanxi.sales.models.leads import Channel, Lead, LeadSearchToken
from guanxi.sales.models.opportunities import Opportunity, Pipeline, Stage, StageChange

__all__ = [
    "Channel",
    "Lead",
    "LeadSearchToken",
    "Opportunity",
    "Pipeline",
    "Stage",
    "StageChange",
]
