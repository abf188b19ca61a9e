"""The ``careplan`` command: one module per command, each importing its room on first use.

    careplan demo                                 every fixture client through the mapping, then the
                                                  prison-release journey (as of the fixtures' day)
    careplan convert IN OUT                       canonical JSON <-> FHIR JSON / XML (by extension or --to)
    careplan convert SRC --from SYS --to SYS      a service's own format to another's, or to FHIR
    careplan systems                              the systems and their formats
    careplan validate PATH...                     FHIR R4 validation against the base spec and profiles
    careplan check FILE...                        who co-ordinates, and what is missing or due
    careplan handover SRC --to ODS                a signed handover message, through the consent gate
    careplan receive FILE --as ODS                check, import and acknowledge a handover
    careplan keygen ODS                           an Ed25519 key pair for signing handovers
    careplan send FILE --to-url URL               queue a handover message and deliver it ($process-message)
    careplan outbox [list|deliver|retry ID]       the outbox: each message, its status, the answer
    careplan serve [--host H] [--port P]          the FHIR REST facade (settings from CAREPLAN_* variables)

Every command reads records through :mod:`adapter.cli.io` (any format we know), writes through it
(output folders made or refused before any work, files written whole or not at all) and prints
problems through it (one line each: where, severity, the field, what was expected). No domain room
imports this package.
"""

from __future__ import annotations

from adapter.cli.app import app, main

__all__ = ["app", "main"]
