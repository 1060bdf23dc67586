"""The fallback chain where Node is missing: eth-tester + py-evm in this process."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eth_account import Account
from web3 import Web3

from .anvil import GENESIS_TIME
from .client import FUNDING, GAS_LIMIT, MAX_FEE, Chain, ChainError, Reverted


class InProcessChain(Chain):
    """The fallback where Node is missing: eth-tester + py-evm in this process, no node to start.

    Same accounts, contracts and outcome as on anvil; what differs is done here:

    - time: py-evm wants every block strictly later than its parent, which
      the transactions of one event (all at the event's time) cannot meet,
      so the chain runs a Prague VM that also accepts a block at its
      parent's time, and `Chain` sets the time of the block being built
      before every transaction (`time_travel` would mine an empty block and
      refuse the same time twice). Without `set_next_time` a block gets the
      latest block's time: the chain's clock stands still until told, from
      `GENESIS_TIME` on (anvil adds the wall-clock seconds elapsed);
    - funding: a transfer from a genesis account holding `FAUCET_BALANCE`
      (there is no `anvil_setBalance`);
    - snapshots: `take_snapshot` / `revert_to_snapshot` (a snapshot may be
      reverted to more than once);
    - reverts: py-evm hands back the revert data of a failed transaction as
      it runs it, so no trace is needed to decode the custom error.
    """

    def __init__(self, timestamp: int = GENESIS_TIME) -> None:
        from eth_tester import EthereumTester
        from web3 import EthereumTesterProvider

        self.backend = _tester_backend(timestamp)
        self.tester = EthereumTester(self.backend)
        super().__init__("in-process py-evm", w3=Web3(EthereumTesterProvider(self.tester)))
        self._faucet = Account.from_key(_FAUCET_KEY)

    def fund(self, label: str) -> None:
        address = self.address(label)
        if address in self._funded:
            return
        self._funded.add(address)
        nonce = self.w3.eth.get_transaction_count(self._faucet.address)
        tx = {
            "nonce": nonce,
            "gas": 21_000,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 1,
            "chainId": self.chain_id,
            "to": address,
            "value": FUNDING,
            "type": 2,
        }
        self._pin_time()
        self.w3.eth.send_raw_transaction(self._faucet.sign_transaction(tx).raw_transaction)

    def set_next_time(self, when: dt.datetime) -> None:
        at = int(when.timestamp())
        latest = self.w3.eth.get_block("latest")["timestamp"]
        if at < latest:
            raise ChainError(f"set_next_time: {at} is lower than previous block's timestamp {latest}")
        self._time = at

    def snapshot(self) -> str:
        return str(self.tester.take_snapshot())

    def _restore(self, snapshot: str) -> None:
        from eth_tester.exceptions import SnapshotNotFound

        try:
            self.tester.revert_to_snapshot(int(snapshot))
        except SnapshotNotFound as missing:
            raise ChainError(f"no snapshot {snapshot}") from missing

    def _pin_time(self) -> None:
        chain = self.backend.chain
        at = self._time if self._time is not None else self.w3.eth.get_block("latest")["timestamp"]
        chain.header = chain.header.copy(timestamp=at)

    def _decode_revert(self, tx_hash: str) -> Reverted:
        return self._reverted(self.backend.revert_data.get(bytes.fromhex(tx_hash.removeprefix("0x")), b""))


#: The in-process chain's genesis account that funds every other (eth-tester's first default key).
_FAUCET_KEY = (1).to_bytes(32, "big")
FAUCET_BALANCE = 2**200


def _tester_backend(timestamp: int) -> Any:
    """A py-evm backend at `timestamp` that accepts same-time blocks and keeps revert data."""
    from eth.vm.forks.prague import PragueVM
    from eth_tester import PyEVMBackend
    from eth_tester.backends.pyevm.main import get_default_genesis_params

    class SameTimeVM(PragueVM):
        """Prague, but a block may share its parent's timestamp (as on anvil)."""

        @classmethod
        def validate_header(cls, header: Any, parent_header: Any) -> None:
            if parent_header is not None and header.timestamp == parent_header.timestamp:
                parent_header = parent_header.copy(timestamp=header.timestamp - 1)
            super().validate_header(header, parent_header)

    class Backend(PyEVMBackend):  # type: ignore[misc]  # eth_tester ships no types: its classes are Any
        def __init__(self) -> None:
            faucet = Account.from_key(_FAUCET_KEY).address
            super().__init__(
                genesis_parameters=get_default_genesis_params({"timestamp": timestamp, "gas_limit": 2 * GAS_LIMIT}),
                genesis_state={
                    bytes.fromhex(faucet[2:]): {"balance": FAUCET_BALANCE, "nonce": 0, "code": b"", "storage": {}}
                },
                vm_configuration=((0, SameTimeVM),),
            )
            self.revert_data: dict[bytes, bytes] = {}  # transaction hash -> revert data

        def send_raw_transaction(self, raw_transaction: bytes) -> bytes:
            """As eth-tester's, but keeping the revert data of a failed transaction (no blob transactions)."""
            vm = self.chain.get_vm()
            transaction = vm.get_transaction_builder().decode(raw_transaction)
            _, _, computation = self.chain.apply_transaction(transaction)
            if computation.is_error:
                self.revert_data[transaction.hash] = computation.output
            tx_hash: bytes = transaction.hash
            return tx_hash

    return Backend()
