"""Erased buyers' claim photos on disk. Their files are removed once the erasure commits (a file removed first would
be lost if the transaction then failed, and its row would name nothing), then their rows, in a transaction of their
own. A file the system refuses to remove keeps its row, so the next erasure of the buyer finds it and tries again."""
from sqlalchemy import delete

from ..cases.claims import files as claim_files
from ..cases.claims.models import ClaimEvidence
from ..extensions import db


def remove_files(upload_dir: str, names: list[str]) -> list[str]:
    """Removes the stored photos' files (a file already gone is fine); returns the names whose file is still there."""
    left = []
    for name in names:
        try:
            claim_files.discard(claim_files.stored_path(upload_dir, name))
        except ValueError:
            continue  # not a name the app makes: never joined to a path, and no file of ours
        except OSError:
            left.append(name)
    return left


def remove_photos(upload_dir: str, names: list[str]) -> list[str]:
    """The files, then the rows of those whose file is gone (commits); returns the names still on disk."""
    left = remove_files(upload_dir, names)
    gone = [name for name in names if name not in left]
    if gone:
        db.session.execute(delete(ClaimEvidence).where(ClaimEvidence.stored_name.in_(gone))
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return left
