"""Everything that talks to an EVM node: the client, accounts, the ABI codec, each domain's encode
(drivers) and decode side, deploy and the scenario runner, and the run/chain/deploy/demo commands.

Depends on `lawdsl` and `compiler` only; `oracles` (the device gateway) and `citizens` build on it.
"""
