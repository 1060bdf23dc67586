"""What a mined punch batch's receipt says, and why a reverted one was reverted.

Apart from the submitter (`oracles.submitter`) because this is reading, not state: which punches
the statute refused and why (its `PunchRejected` logs), how many payments the batch made and their
sum, and a revert's custom error in words. The submitter decides what each means for the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chain.contract import ContractClient
from chain.domains.working_time import PUNCH_REASONS
from chain.reverts import decode_revert
from chain.rpc import Rpc, RpcError

from .batches import key_ref


@dataclass(frozen=True)
class MinedBatch:
    rejected: dict[str, str]  # punch key -> the statute's reason
    paid: int  # payments the batch made (a clock-out's, a settlement's)
    amount: int  # their sum, in the currency's minor units


def read_batch(statute: ContractClient, receipt: dict[str, Any], address: str, keys: Sequence[str]) -> MinedBatch:
    """The batch's outcome from the logs its contract (`address`, a version of `statute`) wrote."""
    by_ref = {key_ref(key): key for key in keys}
    names = {statute.topic(name): name for name in ("PunchRejected", "WagePaid", "PaidAtClockOut")}
    rejected: dict[str, str] = {}
    paid, amount = 0, 0
    for item in receipt["logs"]:
        name = names.get(item["topics"][0])
        if name is None or item["address"].lower() != address.lower():
            continue
        args = statute.decode_log(name, item)
        if name == "PunchRejected":
            rejected[by_ref[args["ref"]]] = PUNCH_REASONS[args["reason"]]
        else:
            paid, amount = paid + 1, amount + args["amount"]
    return MinedBatch(rejected, paid, amount)


def revert_reason(rpc: Rpc, statute: ContractClient, sender: str, tx_hash: str, receipt: dict[str, Any]) -> str | None:
    """Why the contract reverted a batch, its custom error decoded by name; None when sending
    it again (re-batched, sequence read again) is the remedy: out of gas, out of sequence
    behind an earlier revert, or a call that succeeds now."""
    transaction = rpc.call("eth_getTransactionByHash", tx_hash)
    if int(receipt["gasUsed"], 16) >= int(transaction["gas"], 16):
        return None
    call = {"from": sender, "to": transaction["to"], "data": transaction["input"], "gas": transaction["gas"]}
    try:
        rpc.call("eth_call", call, "latest")
    except RpcError as error:
        name, text = decode_revert(statute, error.data)
        return None if name == "BatchOutOfSequence" else text or error.message
    return None
