"""What each kernel reads once (botocore's data, the plug-in list) while sessions and sources stay its own."""

from __future__ import annotations

from helpers import aws, sources


def test_sessions_share_one_data_loader_but_not_their_keys():
    first = aws.session_from_keys("AKIAFIRST0000000000A", "first-secret")
    loader = first._session.get_component("data_loader")
    paths = list(loader.search_paths)
    others = [aws.session_from_keys(f"AKIAOTHER000000000{n:02d}", "other-secret") for n in range(3)]
    assert all(s._session.get_component("data_loader") is loader for s in others)
    assert list(loader.search_paths) == paths  # boto3's data folder is not added again per session
    assert first.get_credentials().access_key == "AKIAFIRST0000000000A"
    assert others[2].get_credentials().access_key == "AKIAOTHER00000000002"
    iam = aws.client(first, "iam")
    assert iam.meta.service_model.service_name == "iam"
    assert aws.client(others[0], "sts").meta.service_model.service_name == "sts"


def test_plugins_are_looked_up_once_and_each_call_gets_new_sources(monkeypatch):
    calls = []
    real = sources.entry_points

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(sources, "entry_points", counting)
    sources._plugin_factories.cache_clear()
    try:
        first, second = sources.available_sources(), sources.available_sources()
    finally:
        sources._plugin_factories.cache_clear()
    assert len(calls) == 1
    assert list(first) == list(second) and "aws" in first
    assert all(first[key] is not second[key] for key in first)
