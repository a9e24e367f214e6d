from guanxi.sales.models.commitments import Commitment, CommitmentStatus
from guanxi.sales.models.forms import LeadForm, LeadFormSubmission
from guanxi.sales.models.leads import Channel, Lead, LeadSearchToken
from guanxi.sales.models.opportunities import (
    DealContact,
    Opportunity,
    Pipeline,
    Stage,
    StageChange,
)
from guanxi.sales.models.pools import Pool, PoolClaim
from guanxi.sales.models.quotes import DiscountLimit, Quote, QuoteCounter, QuoteLine

__all__ = [
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "DealContact",
    "DiscountLimit",
    "Lead",
    "LeadForm",
    "LeadFormSubmission",
    "LeadSearchToken",
    "Opportunity",
    "Pipeline",
    "Pool",
    "PoolClaim",
    "Quote",
    "QuoteCounter",
    "QuoteLine",
    "Stage",
    "StageChange",
]
