"""The oracle path: device records onto the chain, outcomes back from chain logs."""
