"""What citizens use to check the state: verification, payment audit, the public portal, open data."""
