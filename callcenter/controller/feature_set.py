"""The features `callcenter run` plugs into the controller, in the order they see events."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from callcenter.config import Settings
from callcenter.controller.features import Feature


def build_features(settings: Settings, sessions: sessionmaker[Session]) -> list[Feature]:
    from callcenter.controller.ivr_setup import build_ivr

    features: list[Feature] = [build_ivr(settings)]
    from recordings.feature import RecordingFeature

    features.append(RecordingFeature.from_settings(settings, sessions))
    from callcenter.agents.feature import AgentsFeature

    features.append(AgentsFeature(settings=settings, sessions=sessions))
    # Each feature package adds itself here, e.g.:
    #   from callcenter.agents.feature import AgentsFeature
    #   features.append(AgentsFeature(settings=settings, sessions=sessions))
    return features
