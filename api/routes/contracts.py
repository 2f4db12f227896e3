"""Contracts of a site: shift lengths, weekly paid minutes, working days, cost."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.crud import add_children_list, add_create, add_get, deleted
from api.deps import WriteSession, commit, get_or_404
from api.schemas import ContractCreate, ContractList, ContractRead
from api.tables import Contract, Site

router = APIRouter(tags=["staff"])


def contract_read(row: Contract) -> ContractRead:
    assert row.id is not None
    return ContractRead.model_validate(row, from_attributes=True)


add_create(router, "/v1/sites/{site_id}/contracts", "createContract", (Site, Contract),
           (ContractCreate, contract_read),
           "site {site_id} already has a contract {body.code!r}")  # fmt: skip
add_children_list(router, "/v1/sites/{site_id}/contracts", "listContracts",
                  (Site, Contract), contract_read, ContractList)  # fmt: skip
add_get(router, "/v1/contracts/{contract_id}", "getContract", Contract, contract_read)


@router.put("/v1/contracts/{contract_id}", operation_id="replaceContract")
def replace_contract(contract_id: int, body: ContractCreate, session: WriteSession) -> ContractRead:
    row = get_or_404(session, Contract, contract_id, "contract")
    for name, value in body.model_dump().items():
        setattr(row, name, value)
    session.add(row)
    commit(session, f"the site already has a contract {body.code!r}")
    return contract_read(row)


@router.delete(
    "/v1/contracts/{contract_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteContract",
)
def delete_contract(contract_id: int, session: WriteSession) -> Response:
    return deleted(session, Contract, contract_id, "contract", "agents still hold this contract")
