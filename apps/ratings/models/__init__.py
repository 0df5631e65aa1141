"""Models of the rating engine (schemes, rounds, results) and the satisfaction surveys."""

from apps.ratings.models.rounds import ItemScore, Objection, RatingEntry, RatingRound
from apps.ratings.models.schemes import RatingScheme, SchemeDimension, SchemeItem
from apps.ratings.models.surveys import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    UnitCode,
)

__all__ = [
    "ItemScore",
    "Objection",
    "RatingEntry",
    "RatingRound",
    "RatingScheme",
    "SchemeDimension",
    "SchemeItem",
    "SurveyAnswer",
    "SurveyCampaign",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTemplate",
    "UnitCode",
]
