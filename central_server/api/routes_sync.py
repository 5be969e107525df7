"""Push a batch of changes; pull the change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from central_server.api.deps import PrincipalDep, StateDep, reject_nul_text
from central_server.api.errors import ApiError, responses
from central_server.db.models import utc_now
from central_server.state import ServerState
from central_server.sync.access import Principal
from central_server.sync.feed import read_page, record_state
from central_server.sync.push import apply_batch, too_far_ahead
from inspector_app.sync.hlc import InvalidStampError
from inspector_app.sync.protocol import (
    MAX_PULL_RECORDS,
    ErrorCode,
    PullResponse,
    PushRequest,
    PushResponse,
)

router = APIRouter(prefix="/v1/sync", tags=["sync"], dependencies=[Depends(reject_nul_text)])


@router.post("/push", responses=responses(401, 403, 422, 426))
async def push(request: PushRequest, principal: PrincipalDep, state: StateDep) -> PushResponse:
    """Apply a batch; each change once (a replay is answered "duplicate")."""
    if request.device_id != principal.device_id:
        raise ApiError(403, ErrorCode.FORBIDDEN, "A batch is pushed by the device that made it.")
    naive = [change.change_id for change in request.changes if change.at.tzinfo is None]
    if naive:
        # Times travel with their offset (section 2); a naive one cannot be ordered.
        raise ApiError(
            422, ErrorCode.INVALID, "every change time needs its UTC offset", {"changes": naive}
        )
    now = utc_now()
    try:
        for change in request.changes:
            # A stamp too far ahead is refused by apply_batch; observing it would drag the
            # server's clock (and every clock that syncs with it) into the future.
            if not too_far_ahead(change, now):
                state.observe(change.hlc)
    except InvalidStampError as error:
        raise ApiError(422, ErrorCode.INVALID, str(error)) from error
    async with state.write_gate():
        return await run_in_threadpool(_apply, state, principal, request)


def _apply(state: ServerState, principal: Principal, request: PushRequest) -> PushResponse:
    # The session lives inside the handler, not in a dependency: FastAPI closes a yielded
    # dependency after the response, on a pool thread, so under load every thread waited for
    # a connection held by a request waiting for a thread (200 clients: all timed out).
    with state.sessions() as session:
        return apply_batch(session, principal, request, state.stamp)


@router.get("/changes", responses=responses(401, 403, 426))
def changes(
    principal: PrincipalDep,
    state: StateDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_RECORDS)] = 500,
) -> PullResponse:
    """The records the user may see that changed after ``cursor``, oldest first."""
    with state.sessions() as session:  # see push: never held past the handler
        page = read_page(session, principal, cursor, limit)
        return PullResponse(
            epoch=page.cursor.epoch,
            cursor=page.cursor.encode(),
            records=[record_state(record) for record in page.records],
            has_more=page.has_more,
            reset=page.reset,
            server_time=utc_now(),
        )
