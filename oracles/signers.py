"""Who signs for a gateway site: the relayer's key, each terminal's batch signer (its device key or
a k-of-n reporter quorum) and each employee's address, from keystores named like them.

Apart from `oracles.cli` because each is checked before the gateway starts (a wrong password or a
misconfigured quorum stops the start with the reason), and that checking is most of `serve`'s setup.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from eth_abi.exceptions import DecodingError
from eth_utils.address import is_address, to_checksum_address

from chain.accounts import GATEWAY, account_key, device_signer, label_address
from chain.keys import KeyProblem, KeyStore, dev_keys_allowed, keys_dir
from chain.rpc import Rpc, RpcError, RpcUnavailable
from chain.signing import BatchSigner, DeviceKey
from lawdsl.cli import UsageError

from .devices.config import GatewayConfig
from .quorum import QuorumMisconfigured, QuorumSigner, connect_quorum
from .startup import hex_key


def site_keys(
    args: argparse.Namespace, config: GatewayConfig
) -> tuple[bytes, Callable[[str], BatchSigner], Callable[[str], str]]:
    """The relayer's key, each terminal's signer and each employee's address: from the keystores
    named like them; the public dev keys only with --dev-keys (see chain.keys)."""
    store = KeyStore(keys_dir(args.keys_dir))
    names = set(store.names())
    labels = {device.label for device in config.devices.values()} | set(config.employee_labels)
    missing = sorted(label for label in labels - names if not is_address(label))
    if args.relayer_key:
        relayer = hex_key(args.relayer_key, "--relayer-key")
    elif args.key:
        relayer = bytes(store.unlock(args.key).key)
    else:
        missing.insert(0, f"{GATEWAY} (the relayer: give --key)")
        relayer = account_key(GATEWAY)
    if missing:
        try:
            dev_keys_allowed(own_chain=False, dev_keys=args.dev_keys)
        except KeyProblem as problem:
            raise KeyProblem(f"no keystore for {', '.join(missing)} in {store.directory}: {problem}") from None
    unlocked: dict[str, bytes] = {}

    def device_key(label: str) -> BatchSigner:
        if label not in names:
            return device_signer(label)
        if label not in unlocked:
            unlocked[label] = bytes(store.unlock(label).key)
        return DeviceKey(unlocked[label])

    def employee_address(label: str) -> str:
        if is_address(label):
            return to_checksum_address(label)
        return store.address(label) if label in names else label_address(label)

    for device in config.devices.values():  # unlocked now: a wrong password stops the start, not a batch
        if device.label in names:
            device_key(device.label)
    return relayer, device_key, employee_address


def batch_signer(
    args: argparse.Namespace, config: GatewayConfig, rpc: Rpc, device_key: Callable[[str], BatchSigner] = device_signer
) -> Callable[[str], BatchSigner]:
    """Who signs each terminal's batches: the quorum given for its label, else its device key.

    Everything is checked before the gateway starts (exit 2 with the reason): a gateway
    that started anyway would only pile up batches no quorum can sign.
    """
    if not args.quorum:
        if args.reporter_key or args.cosigner:
            raise UsageError("--reporter-key and --cosigner sign for a quorum: give --quorum LABEL=ADDR too")
        return device_key
    own = hex_key(args.reporter_key, "--reporter-key") if args.reporter_key else None
    labels = {device.label for device in config.devices.values()}
    quorums: dict[str, QuorumSigner] = {}
    for option in args.quorum:
        label, _, address = option.partition("=")
        if not label or not is_address(address):
            raise UsageError(f"--quorum {option!r}: expected LABEL=ADDR, a terminal label and a 0x address")
        if label not in labels:
            raise UsageError(
                f"--quorum {option!r}: no terminal labelled {label!r} in {args.config} "
                f"(labels: {', '.join(sorted(labels))})"
            )
        if label in quorums:
            raise UsageError(f"--quorum: terminal {label!r} is given twice; one quorum signs a terminal's batches")
        if any(q.address.lower() == address.lower() for q in quorums.values()):
            raise UsageError(
                f"--quorum: {address} is given for two terminals; each needs a quorum of its own "
                "(the contract counts batch sequence numbers per device)"
            )
        try:
            quorums[label] = connect_quorum(rpc, address, own, args.cosigner)
        except QuorumMisconfigured as exc:
            raise UsageError(f"--quorum {option!r}: {exc}") from exc
        except (RpcUnavailable, RpcError, DecodingError) as exc:
            raise UsageError(f"--quorum {option!r}: cannot read the quorum at {args.rpc}: {exc}") from exc
    return lambda label: quorums.get(label) or device_key(label)
