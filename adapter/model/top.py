"""The Treatment Outcomes Profile's stage: when in the treatment journey a TOP was completed.

The NTA's Treatment Outcomes Profile (TOP, 2007; the NDTMS adult core data set records it) is
completed at the start of treatment, at reviews, at exit and after exit. Seed 003 (Role and
Responsibilities of the Care Co-ordinator) asks for it "at Comprehensive Assessment, 3 monthly
review thereafter and at discharge", with "early follow-up of discharged service users". The stage
says which of those a TOP is, so that "a TOP at assessment" is the start TOP and not any TOP ever.
The other TOP items are fields of :class:`adapter.model.record.TopOutcome`.
"""

from __future__ import annotations

from enum import StrEnum


class TopStage(StrEnum):
    """The stage at which a TOP was completed (NDTMS TOP: start, review, exit, post-exit)."""

    START = "start"
    REVIEW = "review"
    EXIT = "exit"
    POST_EXIT = "post-exit"
