from guanxi.sales.models.assignment import AssignmentRule
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
from guanxi.sales.models.pool_customers import CustomerLock, PooledCustomer, PoolRule
from guanxi.sales.models.pools import Pool, PoolClaim
from guanxi.sales.models.quotes import DiscountLimit, Quote, QuoteCounter, QuoteLine
from guanxi.sales.models.scoring import LeadScoringRule, ScoringField, ScoringKind
from guanxi.sales.models.targets import SalesTarget
from guanxi.sales.models.visits import Visit

__all__ = [
    "AssignmentRule",
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "CustomerLock",
    "DealContact",
    "DiscountLimit",
    "Lead",
    "LeadForm",
    "LeadFormSubmission",
    "LeadScoringRule",
    "LeadSearchToken",
    "Opportunity",
    "Pipeline",
    "Pool",
    "PoolClaim",
    "PoolRule",
    "PooledCustomer",
    "Quote",
    "QuoteCounter",
    "QuoteLine",
    "SalesTarget",
    "ScoringField",
    "ScoringKind",
    "Stage",
    "StageChange",
    "Visit",
]
