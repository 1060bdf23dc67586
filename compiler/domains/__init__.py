"""One Solidity generator per statute domain."""
