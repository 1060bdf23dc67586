"""The citizens' portal: statutes, payments, workers and tenders, read from the chain.

The portal trusts nothing but the chain and the statute sources a citizen
can read: it finds statutes through the statute registry, decodes the
statute contracts' logs into a SQLite index it can rebuild from the chain at
any time, and never reads the oracle's database. Pages are plain HTML with
inline SVG charts, served by the standard library on loopback.
"""
