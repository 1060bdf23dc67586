"""New versions of a statute on a live chain: `lawdsl authority enact` and `lawdsl authority migrate`.

Apart from the other authority commands (`chain.roles`) because they are the two that handle two
deployments at once, version N and version N+1 (docs/operators.md): their checks that the files
name versions of one statute, the deployment of the new one and the carrying of standing
employments (`chain.migrate.plan`) are their own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eth_utils.address import to_checksum_address

from compiler.artifacts import compile_statutes
from lawdsl.cli import UsageError
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario

from .accounts import AUTHORITY
from .authority import Authority, delay_words
from .client import Reverted
from .migrate import plan
from .operator import DeploymentRecord, Refused, Session
from .registry import history
from .runner import deploy


def cmd_enact(args: argparse.Namespace) -> int:
    """Version N+1 beside version N: the registry's history names both, each with its effective date;
    its citizens and its firms' money stay where they are."""
    session = Session.signing(args, AUTHORITY)
    statute = load_statute(args.file)
    record = session.record
    assert record is not None
    if statute.header.title != record.title:
        raise UsageError(
            f"{args.file} is {statute.header.title!r}, not a version of {record.title!r}; "
            "deploy a new statute with `lawdsl deploy`"
        )
    artifacts = compile_statutes([statute])
    try:
        authority = Authority(session.chain, session.contract("authority"))
        deployment = deploy(
            Scenario(Path(args.file), statute, {}, ()),
            session.chain,
            artifacts,
            (session.contract("currency"), session.contract("registry"), authority),
        )
    except Reverted as refusal:
        raise Refused(f"enacting {args.file}: {session.explain(refusal)}") from None
    address = deployment.driver.contract.address  # type: ignore[union-attr]
    DeploymentRecord(
        record.rpc,
        record.chain_id,
        str(Path(args.file).resolve()),
        statute.header.title,
        statute.header.version,
        address,
        record.currency,
        record.registry,
        record.authority,
    ).save(Path(args.save))
    if authority.delay:
        print(
            f"deployed {statute.header.title} version {statute.header.version} at {address}; its enactment "
            f"waits out the timelock's delay of {delay_words(authority.delay)} (`lawdsl authority pending`, then "
            f"`lawdsl authority execute ID`); wrote {args.save}"
        )
        return 0
    print(
        f"enacted {statute.header.title} version {statute.header.version} at {address}, in force from "
        f"{statute.header.effective.isoformat()}; wrote {args.save}"
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Version N's standing employments and accepted devices registered on version N+1, by the
    authority; each firm then accepts its devices and moves its own deposit (nobody else may)."""
    for path, written_by in ((args.old, "`lawdsl deploy`"), (args.new, "`lawdsl authority enact --save`")):
        if not Path(path).is_file():
            raise UsageError(f"no deployment file {path}: give the file {written_by} wrote")
    old_record, new_record = DeploymentRecord.load(Path(args.old)), DeploymentRecord.load(Path(args.new))
    if (old_record.title, old_record.registry) != (new_record.title, new_record.registry) or (
        new_record.version <= old_record.version
    ):
        raise UsageError(
            f"{args.new} ({new_record.title!r} v{new_record.version}) is not a later version of {args.old} "
            f"({old_record.title!r} v{old_record.version}) in the same registry; give --to the file "
            "`lawdsl authority enact --save` wrote"
        )
    session = Session(args, new_record)
    signer = session.signer(AUTHORITY)
    new = session.contract("statute")
    old = session.chain.w3.eth.contract(address=to_checksum_address(old_record.statute), abi=new.abi)
    enacted = {e.statute for e in history(session.chain.w3, new_record.registry, new_record.title)}
    if to_checksum_address(new_record.statute) not in enacted:
        raise Refused(
            f"migrating: version {new_record.version} at {new_record.statute} is not enacted in the registry "
            "(its enactment may wait out the timelock's delay: `lawdsl authority pending`); migrate once it is"
        )
    effective = new.functions.effectiveFrom().call()
    if session.chain.w3.eth.get_block("latest")["timestamp"] < effective:
        raise Refused(
            f"migrating: version {new_record.version} is not in force yet ({session.effective_words(effective)}); "
            "run `lawdsl authority migrate` again once it is"
        )
    found = plan(old, new, args.from_block, session.name)
    print(
        f"{new_record.title}: version {old_record.version} at {old_record.statute} -> version "
        f"{new_record.version} at {new_record.statute}; {len(found.carries)} to register, "
        f"{found.already} carried already"
    )
    direct = new.functions.hasRole(new.functions.AUTHORITY_ROLE().call(), signer).call()
    refusals = 0
    for carry in found.carries:  # one refused (a wage below the new minimum) leaves the others carried
        what = f"registered the {carry.what} on version {new_record.version}"
        try:
            if direct:
                session.send(AUTHORITY, carry.call(new), what)
            else:
                session.as_authority(carry.call(new), what)
        except Refused as refusal:
            refusals += 1
            print(f"not carried: {refusal}")
    for device, firm in found.devices_to_accept:
        print(
            f"{session.name(firm)} accepts device {session.name(device)} on version {new_record.version}: "
            f"`lawdsl firm accept-device {device} --deployment {args.new}` with the firm's --key"
        )
    print("deposits are not moved by this command: each firm moves its own, as nobody else may")
    for firm in found.firms:
        held = old.functions.deposits(firm).call()
        if held:
            print(
                f"{session.name(firm)} holds {session.show_money(held)} in version {old_record.version}'s deposit: "
                f"the firm moves it itself (`lawdsl firm withdraw AMOUNT --deployment {args.old}`, then "
                f"`lawdsl firm deposit AMOUNT --deployment {args.new}`), keeping enough there for shifts still open "
                f"under version {old_record.version} (they are paid under it at clock-out)"
            )
    if refusals:
        raise Refused(
            f"version {new_record.version} refused {refusals} of {len(found.carries)} registrations (above); "
            "the rest are carried"
        )
    return 0
