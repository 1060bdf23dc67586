"""The device gateway: terminals and files in, signed punch batches through `chain/` onto the chain."""
