from __future__ import annotations

from sqlmodel import Session, select, text

from app.statements import search, service
from app.statements.models import EditionState
from tests.statements.helpers import World, soon


def test_flow(db: Session) -> None:
    w = World(db)
    st = w.issued(translations={"en": "Press release on typhoon No. 3"})
    assert st.number == "1/TCBC-UBND"
    ed = service.public_edition(db, st.id or 0)
    assert ed is not None and ed.state == EditionState.PUBLISHED
    later = w.issued(at=soon())
    assert later.number == "2/TCBC-UBND"
    assert service.public_edition(db, later.id or 0) is None
    w.correct(st)
    ed2 = service.public_edition(db, st.id or 0)
    assert ed2 is not None and ed2.number == 2
    tr = service.translations(db, ed2.id or 0)["en"]
    assert service.is_outdated(db, tr, ed2)
    terms = search.terms("da nang")
    if db.get_bind().dialect.name == "sqlite":
        rows = db.exec(text("SELECT rowid FROM statement_fts WHERE statement_fts MATCH :q"), params={"q": " ".join(terms)}).all()  # type: ignore[call-overload]
    else:
        rows = db.exec(text("SELECT id FROM statement_edition WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', :q)"), params={"q": " ".join(terms)}).all()  # type: ignore[call-overload]
    assert len(rows) >= 3
