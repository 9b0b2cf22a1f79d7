"""Writes for response policies. Every function is atomic and validates the whole document
with ownup.core.policy before anything is saved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ownup.accounts.models import Workspace
from ownup.audit.services import audit_record
from ownup.clients.models import Client
from ownup.core.policy import (
    PolicyError,
    load_policy,
    policy_from_dict,
    policy_to_dict,
    problem_sentence,
    written_problems,
)
from ownup.errors import Conflict

from .models import ResponsePolicy


def policy_error_to_validation(exc: PolicyError) -> ValidationError:
    """{key: [messages]} so the API answers 422 naming each key and forms show it inline."""
    errors: dict[str, list[str]] = {}
    for key, message in exc.problems:
        errors.setdefault(key, []).append(problem_sentence(key, message))
    return ValidationError(errors)


def validated_document(
    *, document: Mapping[str, Any] | None = None, toml_text: str | None = None
) -> dict[str, Any]:
    """The canonical document (policy_to_dict) for a dict or TOML text; ValidationError if bad."""
    if (document is None) == (toml_text is None):
        raise ValidationError("Give either a policy document or TOML text.")
    try:
        if toml_text is not None:
            policy = load_policy(toml_text)
        else:
            assert document is not None  # exactly one of the two, checked above
            policy = policy_from_dict(document)
        problems = written_problems(policy)
        if problems:
            raise PolicyError(problems)
    except PolicyError as exc:
        raise policy_error_to_validation(exc) from None
    return policy_to_dict(policy)


def _check_name_free(workspace: Workspace, name: str, exclude_id=None) -> None:
    clash = ResponsePolicy.objects.filter(workspace=workspace, name__iexact=name.strip())
    if exclude_id:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise Conflict(f"A policy named {name.strip()!r} already exists in this workspace.")


def _save(obj) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a race past the friendly checks
        raise Conflict("That clashes with a policy already stored.") from exc


def _clear_default(workspace: Workspace, keep_id=None) -> None:
    others = ResponsePolicy.objects.filter(workspace=workspace, is_default=True)
    if keep_id:
        others = others.exclude(pk=keep_id)
    others.update(is_default=False)


@transaction.atomic
def policy_create(
    *,
    workspace: Workspace,
    document: Mapping[str, Any] | None = None,
    toml_text: str | None = None,
    is_default: bool = False,
) -> ResponsePolicy:
    doc = validated_document(document=document, toml_text=toml_text)
    policy = ResponsePolicy(workspace=workspace, name=doc["name"], document=doc,
                            is_default=is_default)
    policy.full_clean(validate_unique=False, validate_constraints=False)
    _check_name_free(workspace, policy.name)
    if is_default:
        _clear_default(workspace)
    _save(policy)
    audit_record(action="policy.created", workspace=workspace, target=policy.name)
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: ResponsePolicy,
    document: Mapping[str, Any] | None = None,
    toml_text: str | None = None,
    name: str | None = None,
) -> ResponsePolicy:
    """Replace the document and/or rename; a name given here wins over the document's."""
    if document is not None or toml_text is not None:
        doc = validated_document(document=document, toml_text=toml_text)
    else:
        doc = dict(policy.document)
    if name is not None:
        doc["name"] = name
        doc = validated_document(document=doc)
    policy.name = doc["name"]
    policy.document = doc
    policy.full_clean(validate_unique=False, validate_constraints=False)
    _check_name_free(policy.workspace, policy.name, exclude_id=policy.pk)
    _save(policy)
    audit_record(action="policy.updated", workspace=policy.workspace, target=policy.name)
    return policy


@transaction.atomic
def policy_set_default(*, policy: ResponsePolicy) -> ResponsePolicy:
    _clear_default(policy.workspace, keep_id=policy.pk)
    if not policy.is_default:
        policy.is_default = True
        policy.save(update_fields=["is_default", "updated_at"])
        audit_record(action="policy.default_set", workspace=policy.workspace, target=policy.name)
    return policy


@transaction.atomic
def policy_delete(*, policy: ResponsePolicy) -> None:
    used = policy.clients.count()
    if used:
        raise Conflict(
            f"{used} client{'s' if used != 1 else ''} use{'s' if used == 1 else ''} "
            f"the policy {policy.name!r}: assign them another policy first."
        )
    audit_record(action="policy.deleted", workspace=policy.workspace, target=policy.name)
    policy.delete()


@transaction.atomic
def policy_assign(*, client: Client, policy: ResponsePolicy | None) -> Client:
    """Give ``client`` its own policy, or None to follow the workspace default."""
    if policy is not None and policy.workspace_id != client.workspace_id:
        raise ValidationError({"policy": "The policy must belong to the client's workspace."})
    client.policy = policy
    client.save(update_fields=["policy", "updated_at"])
    audit_record(action="policy.assigned", workspace=client.workspace, target=client.name,
                 detail={"policy": policy.name if policy else None})
    return client
