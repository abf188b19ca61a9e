"""``careplan keygen ODS [--out DIR]``: an Ed25519 key pair for signing an organisation's handovers.

    $ careplan keygen NTI --out keys/          # keys/NTI.key.pem (private, mode 0600), keys/NTI.pub.pem

The name of each file is the ODS code, so only an ODS code is accepted (3 to 10 upper-case letters
or digits): anything else could name a hidden file or a path outside ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import fail, prepare_folder, say, write_output


def command(
    ods: Annotated[str, typer.Argument(help="ODS code the key signs for (e.g. NTI, Y02345).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for <ODS>.key.pem and <ODS>.pub.pem.")] = Path(
        "."
    ),
) -> None:
    """Make an Ed25519 key pair for an organisation (keep the .key.pem private; share the .pub.pem)."""
    from adapter.model.identifiers import is_valid_ods_code

    if not is_valid_ods_code(ods):
        fail(f"ODS: expected an ODS code (3 to 10 upper-case letters or digits), got {ods!r}")
    private, public = out / f"{ods}.key.pem", out / f"{ods}.pub.pem"
    if private.exists():
        fail(f"{private} exists: not overwriting a private key")
    prepare_folder(out)
    from adapter.handover.signing import Ed25519Signer

    signer = Ed25519Signer.generate(ods)
    write_output(private, signer.private_pem())
    private.chmod(0o600)
    write_output(public, signer.verifier().public_pem())
    public.chmod(0o644)
    say(f"wrote {private} (private) and {public} (public)")
