"""All writes of the ratings app: schemes, rounds (each workflow step), legacy results, surveys."""

from apps.ratings.services.legacy import legacy_result_delete, legacy_result_sync, legacy_scheme_for
from apps.ratings.services.rounds import (
    entry_approve,
    entry_review,
    entry_self_assess,
    objection_answer,
    objection_lodge,
    result_revoke,
    round_finalize,
    round_open,
    round_publish,
)
from apps.ratings.services.schemes import scheme_create, scheme_new_version, scheme_update
from apps.ratings.services.surveys import (
    campaign_create,
    survey_respond,
    survey_responses_generate,
    template_create,
    unit_codes_issue,
)

__all__ = [
    "campaign_create",
    "entry_approve",
    "entry_review",
    "entry_self_assess",
    "legacy_result_delete",
    "legacy_result_sync",
    "legacy_scheme_for",
    "objection_answer",
    "objection_lodge",
    "result_revoke",
    "round_finalize",
    "round_open",
    "round_publish",
    "scheme_create",
    "scheme_new_version",
    "scheme_update",
    "survey_respond",
    "survey_responses_generate",
    "template_create",
    "unit_codes_issue",
]
