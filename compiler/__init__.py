"""Statutes to Solidity and Solidity to artifacts; never talks to a chain."""
