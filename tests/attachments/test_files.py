"""What a file attached may be, decided by its content; its size limit; its name and size as
people read them. Pure: no server."""

from __future__ import annotations

import pytest

from eventlog.blobs import sha256_of
from services.common import attachments as a
from services.common.written import size
from services.gateway.uploads import file_name, filename_parameters

from .samples import ALLOWED, REFUSED


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_allowed_type_is_known_by_its_content(name):
    content, media_type = ALLOWED[name]
    assert a.sniff(content) == media_type
    assert a.checked(content, a.DEFAULT_MAX_BYTES) == media_type


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_content_is_refused_whatever_its_name_says(name):
    assert a.sniff(REFUSED[name]) is None
    with pytest.raises(a.FileRefused) as refused:
        a.checked(REFUSED[name], a.DEFAULT_MAX_BYTES)
    assert refused.value.code == "file_type_not_allowed"


def test_a_declared_type_is_not_believed():
    """A PNG's bytes named and sent as a PDF are a PNG; text named .pdf is text."""
    assert a.sniff(ALLOWED["现场.png"][0]) == a.PNG
    assert a.sniff(b"this is not a pdf\n") == a.TEXT


def test_the_size_limit_is_twenty_megabytes_unless_configured(monkeypatch):
    monkeypatch.delenv("TAIZHANG_ATTACHMENT_MAX_BYTES", raising=False)
    assert a.max_bytes() == 20 * 1024 * 1024
    monkeypatch.setenv("TAIZHANG_ATTACHMENT_MAX_BYTES", "1000")
    assert a.max_bytes() == 1000
    pdf = b"%PDF-" + b" " * 995
    assert a.checked(pdf, 1000) == a.PDF
    with pytest.raises(a.FileRefused) as refused:
        a.checked(pdf + b" ", 1000)
    assert refused.value.code == "file_too_large"
    with pytest.raises(a.FileRefused) as refused:
        a.checked(b"", 1000)
    assert refused.value.code == "file_empty"


def test_a_command_names_a_file_of_an_allowed_type_and_size():
    assert a.refusal(a.PDF, 10, 100) is None
    assert a.refusal("text/html", 10, 100) and a.refusal(a.PDF, 101, 100)
    assert a.refusal(a.PDF, 0, 100)


def test_a_file_is_known_by_the_sha256_of_its_content():
    assert sha256_of(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_files_name_keeps_its_chinese_and_loses_its_path():
    assert file_name("C:\\Users\\张三\\会议纪要.pdf") == "会议纪要.pdf"
    assert file_name("/tmp/a/b.txt") == "b.txt"
    assert file_name("  ") == "附件"
    assert file_name("a\x00b.pdf") == "ab.pdf"


def test_a_download_is_named_in_utf8_and_in_ascii_for_old_clients():
    assert filename_parameters("会议纪要 3月.pdf") == (
        "filename=\"3.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81%203%E6%9C%88.pdf"
    )
    assert filename_parameters('报告".docx').startswith('filename="attachment.docx";')


def test_sizes_are_written_as_people_read_them():
    assert [size(n) for n in (312, 46_387, 2_516_582)] == ["312 字节", "45.3 KB", "2.4 MB"]
