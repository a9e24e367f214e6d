from guanxi.sales.models.commitments import Commitment, CommitmentStatus
from guanxi.sales.models.forms import LeadForm, LeadFormSubmission
from guanxi.sales.models.leads import Channel, Lead, LeadSearchToken
from guanxi.sales.models.opportunities import Opportunity, Pipeline, Stage, StageChange
from guanxi.sales.models.pools import Pool, PoolClaim

__all__ = [
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "Lead",
    "LeadForm",
    "LeadFormSubmission",
    "LeadSearchToken",
    "Opportunity",
    "Pipeline",
    "Pool",
    "PoolClaim",
    "Stage",
    "StageChange",
]
