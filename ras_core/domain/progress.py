"""Where things stand, named once. Four words, four meanings:

- an assessment's `status`: in progress, complete or abandoned (AssessmentStatus);
- a conversation's `stage`: which question the interview or the plan is on (InterviewStage,
  PlanStage), stored so a pause or a crash carries on at the same place;
- a case's `state`: where its review is (review.State);
- the chat's `journey` slot: which form Rasa runs, "questions", "plan" or "done" (Journey).
"""

from __future__ import annotations

from enum import Enum


class AssessmentStatus(str, Enum):
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    ABANDONED = "abandoned"


class InterviewStage(str, Enum):
    CONSENT = "consent"  # no consent stored yet
    WHO = "who"  # no assessment in progress: whose life are the questions about?
    QUESTION = "question"
    CONFIRM_ANSWER = "confirm_answer"  # an answer heard in own words, checked back
    REVIEW = "review"  # every question answered: the summary, then the budget
    CHOOSE_CHANGE = "choose_change"  # a side trip that returns where it came from
    CONFIRM_START_AGAIN = "confirm_start_again"  # likewise


class PlanStage(str, Enum):
    WHAT_MATTERS = "what_matters"
    TO_CHANGE = "to_change"
    CATEGORY = "category"  # which kind of support, or none (more)
    ITEM_WORDS = "item_words"
    ITEM_AMOUNT = "item_amount"
    ITEM_WHO = "item_who"
    ITEM_RELATIONSHIP = "item_relationship"
    ITEM_LIVES_WITH = "item_lives_with"
    ITEM_DBS = "item_dbs"
    MORE_SUPPORT = "more_support"
    MONEY = "money"
    HELPERS = "helpers"
    EMERGENCY = "emergency"
    READBACK = "readback"
    CHOOSE_PART = "choose_part"
    REMOVE_ITEM = "remove_item"


class Journey(str, Enum):
    QUESTIONS = "questions"
    PLAN = "plan"
    DONE = "done"
