"""Uploaded files with real bytes: names cleaned, content checked against the extension, size
capped, stored under a random name with their SHA-256, all or nothing.

A refused upload must leave nothing behind: no file in the upload folder (hidden `.part` files
included) and no row. The service tests run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from PIL import Image
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.config import Settings
from app.content import service
from app.content.models import Attachment, Submission, SubmissionStatus
from app.errors import FileTooLarge, NotFound, UnsupportedFile, ValidationFailed
from app.storage import LocalStore, PendingFile, Store, clean_filename, make_store
from tests.factories import PNG_1PX, make_call, make_org, make_submission, make_user, pdf_bytes
from tests.s3 import everything_in as everything_in_store
from tests.s3 import stored_bytes

HEX32 = re.compile(r"[0-9a-f]{32}")
MiB = 1024 * 1024

# --- Real files --------------------------------------------------------------------------------

_OOXML = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Đề cương họp báo</w:t></w:r></w:p></w:body></w:document>",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheets><sheet name="Số liệu" sheetId="1"/></sheets></workbook>',
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    ),
}


def ooxml(kind: str) -> bytes:
    """A minimal Office Open XML package. `filetype` 1.2 recognises one when the zip's first
    entry is `[Content_Types].xml` (or `_rels/.rels`, `docProps…`) and one of the next four
    entries starts with `word/`, `xl/` or `ppt/`, the order Word, Excel and PowerPoint write."""
    part, content_type, xml = _OOXML[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{part}"/></Relationships>',
        )
        z.writestr(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ghi-chu.txt", "không phải tài liệu Word")
    return buf.getvalue()


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body>x</body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 4096
EXE = b"MZ\x90\x00" + b"\x00" * 4096

ACCEPTED: list[tuple[str, Callable[[], bytes], str]] = [
    ("Đề cương.pdf", pdf_bytes, "application/pdf"),
    ("anh.png", lambda: PNG_1PX, "image/png"),
    ("anh chup.JPG", jpeg, "image/jpeg"),
    ("anh.jpeg", jpeg, "image/jpeg"),
    (
        "bao-cao.docx",
        lambda: ooxml("docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "so-lieu.xlsx",
        lambda: ooxml("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "trinh-chieu.pptx",
        lambda: ooxml("pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
]

REFUSED: list[tuple[str, Callable[[], bytes]]] = [
    ("trang-web.pdf", lambda: HTML_PAGE),  # an HTML page renamed .pdf
    ("logo.svg", lambda: SVG),  # SVG is not accepted at all
    ("logo.png", lambda: SVG),  # … nor when renamed .png
    ("chuong-trinh.pdf", lambda: ELF),  # an ELF executable renamed .pdf
    ("tai-lieu.docx", plain_zip),  # a plain zip renamed .docx
    ("so-lieu.xlsx", lambda: ooxml("docx")),  # a Word file renamed .xlsx
    ("anh.png", jpeg),  # a JPEG renamed .png
    ("cai-dat.exe", lambda: EXE),  # an .exe
    ("bao-cao", pdf_bytes),  # no extension
    ("rong.pdf", lambda: b""),  # an empty file
]


def everything_in(directory: Path) -> list[str]:
    """All names in the folder, hidden ones (.part) included."""
    return sorted(os.listdir(directory)) if directory.exists() else []


def receive(source: BinaryIO, name: str, *, directory: Path, max_bytes: int) -> PendingFile:
    return LocalStore(directory).receive(source, name, max_bytes=max_bytes)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, settings: Settings) -> Store:
    """The upload folder, or a prefix of its own in a bucket of a real S3 server."""
    if request.param == "s3":
        return make_store(
            settings.model_copy(update=request.getfixturevalue("s3_server").settings())
        )
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    return LocalStore(settings.upload_dir)


# --- clean_filename -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("ho-so/", "tep-dinh-kem"),
        ("bao\x00cao\x1f\x7f.pdf", "baocao.pdf"),
        ("dòng\nmới\r\tở.pdf", "dòngmớiở.pdf"),
        ('a<b>:c"d|e?f*.pdf', "abcdef.pdf"),
        ("  Báo cáo   quý I  .pdf", "Báo cáo quý I.pdf"),
        ("...báo cáo.pdf...", "báo cáo.pdf"),
        ("Ba\u0301o ca\u0301o.pdf", "Báo cáo.pdf"),  # decomposed accents become composed
        ("Đề cương.docx", "Đề cương.docx"),
        ("", "tep-dinh-kem"),
        ("   ", "tep-dinh-kem"),
        ("\x00\x01", "tep-dinh-kem"),
    ],
)
def test_uploaded_file_names_are_cleaned(given: str, expected: str) -> None:
    assert clean_filename(given) == expected


def test_a_very_long_name_is_shortened_and_keeps_its_extension() -> None:
    name = clean_filename("Báo cáo " + "rất dài " * 40 + "x.docx")
    assert len("Báo cáo " + "rất dài " * 40 + "x.docx") > 300
    assert len(name) <= 120
    assert name.endswith(".docx")
    assert name.startswith("Báo cáo rất dài")
    assert not name[:-5].endswith((" ", "."))


def test_a_300_character_name_ends_at_120_characters() -> None:
    name = clean_filename("a" * 300 + ".pdf")
    assert name == "a" * 116 + ".pdf"
    assert len(name) == 120


def test_a_long_made_up_extension_is_cut() -> None:
    assert clean_filename("x." + "e" * 40) == "x." + "e" * 10


@pytest.mark.parametrize("given", ["<>.pdf", ".pdf", "???.pdf"])
def test_a_name_of_only_unsafe_characters_keeps_its_extension(given: str) -> None:
    assert clean_filename(given) == "tep-dinh-kem.pdf"


# --- storage.receive ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED)
def test_accepted_file_types_are_received(
    tmp_path: Path, name: str, make: Callable[[], bytes], content_type: str
) -> None:
    data = make()
    directory = tmp_path / "store"
    pending = receive(io.BytesIO(data), name, directory=directory, max_bytes=10 * MiB)

    assert pending.content_type == content_type
    assert pending.filename == clean_filename(name)
    assert pending.size == len(data)
    assert pending.sha256 == hashlib.sha256(data).hexdigest()
    assert HEX32.fullmatch(pending.stored_name)
    # Until the database commits, the file only exists under a hidden temporary name.
    assert everything_in(directory) == [f".{pending.stored_name}.part"]
    pending.keep()
    assert everything_in(directory) == [pending.stored_name]
    assert (directory / pending.stored_name).read_bytes() == data
    pending.discard()
    assert everything_in(directory) == []


@pytest.mark.parametrize(("name", "make"), REFUSED)
def test_files_whose_content_is_not_what_their_name_says_are_refused(
    tmp_path: Path, name: str, make: Callable[[], bytes]
) -> None:
    directory = tmp_path / "store"
    directory.mkdir()
    with pytest.raises(UnsupportedFile) as exc:
        receive(io.BytesIO(make()), name, directory=directory, max_bytes=10 * MiB)
    assert exc.value.status == 415
    assert everything_in(directory) == []


def test_a_file_of_exactly_the_limit_is_accepted_one_byte_more_is_refused(
    tmp_path: Path,
) -> None:
    data = pdf_bytes()
    ok = receive(io.BytesIO(data), "a.pdf", directory=tmp_path, max_bytes=len(data))
    ok.discard()
    with pytest.raises(FileTooLarge) as exc:
        receive(io.BytesIO(data), "a.pdf", directory=tmp_path, max_bytes=len(data) - 1)
    assert exc.value.status == 413
    assert everything_in(tmp_path) == []


def test_a_too_large_file_spanning_several_chunks_leaves_no_half_file(tmp_path: Path) -> None:
    data = pdf_bytes() + b"\n%" + b"0" * (3 * MiB)
    with pytest.raises(FileTooLarge):
        receive(io.BytesIO(data), "lon.pdf", directory=tmp_path, max_bytes=2 * MiB)
    assert everything_in(tmp_path) == []


def test_a_file_larger_than_one_chunk_is_hashed_whole(tmp_path: Path) -> None:
    data = pdf_bytes() + b"\n%" + b"1" * (2 * MiB + 17)
    pending = receive(io.BytesIO(data), "lon.pdf", directory=tmp_path, max_bytes=4 * MiB)
    assert pending.size == len(data)
    assert pending.sha256 == hashlib.sha256(data).hexdigest()
    pending.discard()


def test_stored_names_are_ours_never_the_uploaders() -> None:
    srv = LocalStore(Path("/srv"))
    with pytest.raises(ValueError):
        srv.path("../../etc/passwd")
    with pytest.raises(ValueError):
        srv.path("bao-cao.pdf")
    with pytest.raises(ValueError):
        srv.open("../../etc/passwd")
    assert srv.path("0" * 32) == Path("/srv") / ("0" * 32)


# --- service.add_attachments ----------------------------------------------------------------------


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.email, user.role.value, user.organisation_id, "203.0.113.7")


@dataclass
class Desk:
    db: Session
    dept: Actor
    office: Actor
    sub: Submission
    store: Store

    def upload(self, *files: tuple[str, bytes], max_bytes: int = 10 * MiB) -> list[Attachment]:
        return service.add_attachments(
            self.db,
            actor=self.dept,
            submission_id=self.sub.id or 0,
            files=[(name, io.BytesIO(data)) for name, data in files],
            store=self.store,
            max_bytes=max_bytes,
            max_files=5,
        )

    def rows(self) -> list[Attachment]:
        with Session(self.db.get_bind()) as s:
            rows = list(s.exec(select(Attachment).order_by(col(Attachment.id))).all())
            for r in rows:
                s.expunge(r)
            return rows

    def upload_events(self) -> list[AuditEvent]:
        with Session(self.db.get_bind()) as s:
            return list(
                s.exec(select(AuditEvent).where(AuditEvent.action == "attachment.uploaded")).all()
            )

    def assert_nothing_kept(self) -> None:
        assert everything_in_store(self.store) == []
        assert self.rows() == []
        assert self.upload_events() == []


@pytest.fixture
def desk(db: Session, store: Store) -> Desk:
    org = make_org(db)
    call = make_call(db, orgs=[org])
    return Desk(
        db=db,
        dept=actor_for(make_user(db, Role.DEPARTMENT, org=org)),
        office=actor_for(make_user(db, Role.PRESS_OFFICE)),
        sub=make_submission(db, call, org),
        store=store,
    )


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED)
def test_department_attaches_a_real_file(
    desk: Desk, name: str, make: Callable[[], bytes], content_type: str
) -> None:
    data = make()
    [att] = desk.upload((name, data))

    [row] = desk.rows()
    assert row.id == att.id
    assert row.submission_id == desk.sub.id
    assert row.filename == clean_filename(name)
    assert row.content_type == content_type
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.uploaded_by == desk.dept.user_id
    # On disk: one file, under our random name, with exactly the bytes sent.
    assert everything_in_store(desk.store) == [row.stored_name]
    assert HEX32.fullmatch(row.stored_name)
    on_disk = stored_bytes(desk.store, row.stored_name)
    assert hashlib.sha256(on_disk).hexdigest() == row.sha256
    [event] = desk.upload_events()
    assert event.object_id == str(att.id)


def test_the_uploaders_file_name_never_reaches_the_disk(desk: Desk, tmp_path: Path) -> None:
    first, second = desk.upload(
        ("../../passwd.pdf", pdf_bytes()), ("../../passwd.pdf", pdf_bytes())
    )
    assert first.filename == second.filename == "passwd.pdf"
    assert first.stored_name != second.stored_name
    names = everything_in_store(desk.store)
    assert names == sorted([first.stored_name, second.stored_name])
    assert all(HEX32.fullmatch(n) for n in names)
    assert not any(p.name == "passwd.pdf" for p in tmp_path.rglob("*"))


def test_a_stored_file_is_found_again_for_download(desk: Desk) -> None:
    data = pdf_bytes("Tải về")
    [att] = desk.upload(("tai-ve.pdf", data))
    for actor in (desk.dept, desk.office):
        found = service.get_attachment(desk.db, att.id or 0, actor=actor)
        assert found.id == att.id
        assert stored_bytes(desk.store, found.stored_name) == data
        sent = desk.store.download(found.stored_name, filename="x.pdf", content_type="a/b")
        assert sent.headers["content-disposition"].startswith("attachment;")


def test_a_file_missing_from_the_store_is_not_found(desk: Desk) -> None:
    [att] = desk.upload(("mat.pdf", pdf_bytes()))
    desk.store.delete(att.stored_name)
    found = service.get_attachment(desk.db, att.id or 0, actor=desk.office)
    with pytest.raises(NotFound):
        desk.store.download(found.stored_name, filename="mat.pdf", content_type="application/pdf")
    with pytest.raises(FileNotFoundError):
        desk.store.open(found.stored_name)


def test_attaching_or_removing_a_file_keeps_an_open_form_valid(desk: Desk) -> None:
    """Files do not clash with text being typed in the form opened before the upload."""
    seen = desk.sub.revision
    [att] = desk.upload(("a.pdf", pdf_bytes()))
    service.remove_attachment(
        desk.db, actor=desk.dept, submission_id=desk.sub.id or 0, attachment_id=att.id or 0
    )
    service.save(
        desk.db,
        actor=desk.dept,
        submission_id=desk.sub.id or 0,
        data=service.SubmissionInput(title="Gõ trong lúc tải tệp"),
        expected_revision=seen,
    )
    with Session(desk.db.get_bind()) as s:
        row = s.get(Submission, desk.sub.id)
        assert row is not None
        assert row.title == "Gõ trong lúc tải tệp"


@pytest.mark.parametrize(("name", "make"), REFUSED)
def test_refused_file_type_leaves_nothing_behind(
    desk: Desk, name: str, make: Callable[[], bytes]
) -> None:
    with pytest.raises(UnsupportedFile) as exc:
        desk.upload((name, make()))
    assert exc.value.status == 415
    desk.db.rollback()
    desk.assert_nothing_kept()


def test_too_large_file_is_refused_and_leaves_nothing_behind(desk: Desk) -> None:
    data = pdf_bytes() + b"\n%" + b"0" * (2 * MiB)
    with pytest.raises(FileTooLarge) as exc:
        desk.upload(("lon.pdf", data), max_bytes=MiB + 10)
    assert exc.value.status == 413
    desk.db.rollback()
    desk.assert_nothing_kept()


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (("trang-web.pdf", HTML_PAGE), UnsupportedFile),
        (("chuong-trinh.pdf", ELF), UnsupportedFile),
        (("cai-dat.exe", EXE), UnsupportedFile),
        (("lon.pdf", pdf_bytes() + b"0" * (MiB + 1)), FileTooLarge),
    ],
)
def test_a_batch_with_one_bad_file_stores_none_of_them(
    desk: Desk, bad: tuple[str, bytes], error: type[Exception]
) -> None:
    with pytest.raises(error):
        desk.upload(
            ("tot-1.pdf", pdf_bytes()),
            ("anh.png", PNG_1PX),
            bad,
            ("tot-2.docx", ooxml("docx")),
            max_bytes=MiB,
        )
    desk.db.rollback()
    desk.assert_nothing_kept()


def test_a_failure_while_saving_the_rows_removes_the_files(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_commit(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(desk.db, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        desk.upload(("a.pdf", pdf_bytes()), ("b.png", PNG_1PX))
    monkeypatch.undo()
    desk.assert_nothing_kept()


def test_too_many_files_at_once_are_refused(desk: Desk) -> None:
    with pytest.raises(ValidationFailed) as exc:
        desk.upload(*[(f"{i}.png", PNG_1PX) for i in range(6)])
    assert "files" in exc.value.errors
    desk.assert_nothing_kept()


def test_an_upload_without_files_is_refused(desk: Desk) -> None:
    with pytest.raises(ValidationFailed):
        desk.upload(("", b""))
    desk.assert_nothing_kept()


@pytest.mark.parametrize("status", [SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED])
def test_files_cannot_be_added_to_content_already_sent(
    desk: Desk, status: SubmissionStatus
) -> None:
    from app.errors import Conflict

    desk.sub.status = status
    desk.db.add(desk.sub)
    desk.db.commit()
    with pytest.raises(Conflict):
        desk.upload(("a.pdf", pdf_bytes()))
    desk.db.rollback()
    desk.assert_nothing_kept()


def test_a_removed_file_leaves_the_working_copy_but_stays_on_disk(desk: Desk) -> None:
    keep, drop = desk.upload(("giu.pdf", pdf_bytes()), ("bo.png", PNG_1PX))
    service.remove_attachment(
        desk.db, actor=desk.dept, submission_id=desk.sub.id or 0, attachment_id=drop.id or 0
    )
    current = service.attachments(desk.db, [desk.sub.id or 0])[desk.sub.id or 0]
    assert [a.id for a in current] == [keep.id]
    every = service.attachments(desk.db, [desk.sub.id or 0], include_removed=True)
    assert [a.id for a in every[desk.sub.id or 0]] == [keep.id, drop.id]
    assert desk.store.exists(drop.stored_name)
    with pytest.raises(NotFound):  # removing it twice
        service.remove_attachment(
            desk.db, actor=desk.dept, submission_id=desk.sub.id or 0, attachment_id=drop.id or 0
        )


def test_a_file_of_another_submission_cannot_be_removed_through_mine(
    desk: Desk, db: Session
) -> None:
    [mine] = desk.upload(("cua-toi.pdf", pdf_bytes()))
    org = make_org(db)
    other_sub = make_submission(db, make_call(db, orgs=[org]), org)
    other_dept = actor_for(make_user(db, Role.DEPARTMENT, org=org))
    with pytest.raises(NotFound):
        service.remove_attachment(
            db, actor=other_dept, submission_id=other_sub.id or 0, attachment_id=mine.id or 0
        )
    db.rollback()
    [row] = desk.rows()
    assert row.removed_at is None
