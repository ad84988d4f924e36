"""The protocol takes the decision fields from the model and sends their metadata (``labels``)."""

from __future__ import annotations

import json
import typing

import pytest

from game.decisions import Decisions, decision_fields
from game.vocabulary import vocabulary
from protocol.errors import InvalidField
from protocol.messages import DecisionField, messages_schema, parse_client_data
from protocol.replies import Labels, labels_reply, parse_server_message
from server.views import labels_message


def test_the_editable_fields_are_the_models_fields():
    assert typing.get_args(DecisionField) == tuple(Decisions.model_fields)


def test_an_edit_of_a_field_the_model_lacks_is_refused():
    ok = parse_client_data({"type": "edit_draft", "round": 1, "changes": {"fees": None}})
    assert ok.changes == {"fees": None}
    with pytest.raises(InvalidField):
        parse_client_data({"type": "edit_draft", "round": 1, "changes": {"feez": None}})


def test_labels_carry_the_vocabulary_and_every_field_and_survive_the_wire():
    reply = labels_reply()
    assert reply.vocabulary == vocabulary()
    assert [f.path for f in reply.fields] == [f.path for f in decision_fields()]
    again = parse_server_message(reply.model_dump_json())
    assert isinstance(again, Labels) and again == reply


def test_the_server_sends_the_same_labels():
    assert labels_message() == labels_reply()


def test_the_messages_schema_names_the_labels_message_and_shows_it():
    schema = messages_schema()
    text = json.dumps(schema["server"])
    assert '"labels"' in text and "FieldSpec" in text
    paths = {field["path"] for field in schema["labels"]["fields"]}
    assert {"budget", "staffing.hire_fte", "fees.flat"} <= paths
