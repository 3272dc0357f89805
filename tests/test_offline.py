"""The embedded default makes no network connection: no telemetry, no model hub."""

import socket

import pytest

from bot.assistant import Assistant


@pytest.fixture
def no_network(monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"network access attempted: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempts


def test_ingest_and_answer_without_network(settings, embeddings, no_network):
    assistant = Assistant(settings, embeddings)
    assistant.initialize()
    answer = assistant.answer("Comment adhérer au réseau Horizon ?")
    assistant.shutdown()
    assert not answer.abstained
    assert no_network == []
