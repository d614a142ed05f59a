from .approvals import (
    ActingMode,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    RequestStatus,
    StepKind,
    StepStatus,
)
from .audit import GENESIS_HASH, SYSTEM_CHAIN, AuditChain, AuditEvent
from .calendar import ExtraHoliday
from .governments import GovernmentVersion, Kind, Level, LocalGovernment
from .notifications import Channel, MessageStatus, Notification, NotificationPreference, OutboundMessage
from .users import ApiToken, Department, Membership, Official, User

__all__ = [
    "GENESIS_HASH",
    "SYSTEM_CHAIN",
    "ActingMode",
    "ApiToken",
    "ApprovalPolicy",
    "ApprovalRequest",
    "ApprovalStep",
    "AuditChain",
    "AuditEvent",
    "Channel",
    "Delegation",
    "Department",
    "ExtraHoliday",
    "GovernmentVersion",
    "Kind",
    "Level",
    "LocalGovernment",
    "Membership",
    "MessageStatus",
    "Notification",
    "NotificationPreference",
    "Official",
    "OutboundMessage",
    "RequestStatus",
    "StepKind",
    "StepStatus",
    "User",
]
