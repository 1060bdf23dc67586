"""`brownie run scripts/deploy.py --network <id>`: deploy the exported statutes and show one paid shift.

Deploys a digital currency per currency, the statute registry and every
statute (enacted in the registry), then, for each working-time statute, runs
one shift through the oracle path (a device-signed punch batch relayed by a
gateway account) and checks that the employee was paid on chain. The last
line printed is JSON with every address, for whoever drives this script.
"""
from __future__ import annotations

import json

from brownie import accounts

from scripts.lawdsl_support import deploy_all, work_one_shift, working_time_titles


def main() -> dict:
    authority, employer, employee, gateway = accounts[0], accounts[1], accounts[2], accounts[3]
    deployment = deploy_all(authority)
    for title, statute in deployment.statutes.items():
        print(f"{title}: {statute.address}")
    summary = deployment.as_json()
    summary["shifts"] = {}
    for title in working_time_titles():
        shift = work_one_shift(deployment, title, employer, employee, gateway)
        assert shift.paid > 0 and shift.wage_paid_events > 0, f"{title}: the employee was not paid"
        print(f"{title}: paid {shift.paid} minor units to {shift.employee}")
        summary["shifts"][title] = {"employee": shift.employee, "paid": shift.paid}
    print("lawdsl-deployment " + json.dumps(summary))
    return summary
