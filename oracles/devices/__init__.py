"""Device adapters: attendance terminals and files in, canonical punches out.

`records` defines the shapes, `config` the registered terminals and PINs,
`intake` the checks every record passes; the adapters (`zkteco_push`,
`pyzk_pull`, `csv_import`) and the `simulator` only speak their formats.
"""
