"""A member's study log (`study-<member_id>`): articles posted and recommended upward. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from eventlog import Event

from ..events import EVENTS, ArticlePosted, ArticleRecommended
from ..exceptions import InvalidTransition, NotFound

# The seed's rule: every member posts 1–5 study articles a month. One is the duty; five is the
# norm's top, not a cap: a sixth article is recorded like the others (a member who reads more
# has not broken the rule), and its month is marked beyond the norm.
MONTHLY_MIN = 1
MONTHLY_MAX = 5


def stream_id(member_id: str) -> str:
    return f"study-{member_id}"


@dataclass(frozen=True)
class Article:
    branch_id: str
    month: str
    recommended_by: str | None = None


@dataclass(frozen=True)
class StudyLog:
    articles: Mapping[str, Article] = field(default_factory=dict)  # article id → article

    def count(self, month: str) -> int:
        return sum(1 for article in self.articles.values() if article.month == month)


@dataclass(frozen=True)
class PostArticle:
    actor_id: str
    branch_id: str
    member_id: str
    article_id: str
    title: str
    posted_on: date
    link: str | None = None
    text: str = ""


@dataclass(frozen=True)
class RecommendArticle:
    actor_id: str
    member_id: str
    article_id: str
    note: str = ""


def evolve(state: StudyLog, event: object) -> StudyLog:
    match EVENTS.read(event):
        case ArticlePosted(article_id=article_id, branch_id=branch_id, month=month):
            article = Article(branch_id, month)
            return replace(state, articles={**state.articles, article_id: article})
        case ArticleRecommended(article_id=article_id, recommended_by=by):
            article = replace(state.articles[article_id], recommended_by=by)
            return replace(state, articles={**state.articles, article_id: article})
    return state


def decide_post(state: StudyLog, cmd: PostArticle) -> list[Event]:
    """Posts an article: every one is recorded, a sixth in a month too (see MONTHLY_MAX)."""
    if cmd.article_id in state.articles:
        raise InvalidTransition(f"article {cmd.article_id} is already posted")
    return [ArticlePosted.taking(cmd, month=f"{cmd.posted_on:%Y-%m}")]


def decide_recommend(state: StudyLog, cmd: RecommendArticle) -> list[Event]:
    article = require_article(state, cmd.article_id)
    if article.recommended_by is not None:
        raise InvalidTransition(f"article {cmd.article_id} is already recommended")
    return [ArticleRecommended.taking(cmd, recommended_by=cmd.actor_id)]


def require_article(state: StudyLog, article_id: str) -> Article:
    if article_id not in state.articles:
        raise NotFound(f"article {article_id} does not exist")
    return state.articles[article_id]


def members_months(spells: Iterable[tuple[date, date | None]], months: Sequence[str]) -> list[str]:
    """The months of `months` that are the member's: those with a day of one of their spells in
    the branch (joined on, left on or None; the institution's days). The 1–5 rule judges only
    these: a month before they joined, or after they left, is nobody's shortfall."""
    keys = [(f"{joined:%Y-%m}", f"{left:%Y-%m}" if left else "9999-12") for joined, left in spells]
    return [month for month in months if any(first <= month <= last for first, last in keys)]


def compliance(counts: Mapping[str, int], months: list[str], today: date) -> list[dict[str, Any]]:
    """Per month: articles posted, whether the 1–5 rule is met (one article or more: more than
    five are beyond the norm, and still meet it), and whether the month went beyond the norm.

    A month still under way is not yet a shortfall: the member has until its last day.
    """
    current = f"{today:%Y-%m}"
    rows = []
    for month in months:
        count = counts.get(month, 0)
        finished = month < current
        rows.append(
            {
                "month": month,
                "count": count,
                "finished": finished,
                "meets_rule": count >= MONTHLY_MIN,
                "beyond_norm": count > MONTHLY_MAX,
                "shortfall": finished and count < MONTHLY_MIN,
            }
        )
    return rows
