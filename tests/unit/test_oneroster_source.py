"""The files of a OneRoster export as a folder or a zip archive (ExportFiles): where the CSV files
are found, what is refused (unsafe member names, sizes over the limits, zip bombs, text that is
not UTF-8, a damaged member) and the message the user reads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from domain.errors import FileProblem
from domain.oneroster import ExportLimits, is_export
from domain.oneroster._source import ExportFiles

MB = 1024**2
LIMITS = ExportLimits()


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def _text(files: ExportFiles, name: str) -> list[str]:
    with files.lines(name) as lines:
        return list(lines)


def _refusal(path: Path, limits: ExportLimits = LIMITS) -> str:
    with pytest.raises(FileProblem) as caught:
        ExportFiles(path, limits)
    return str(caught.value)


def test_an_export_is_a_folder_or_a_zip_archive(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text("sourcedId\r\n", encoding="utf-8")
    assert is_export(tmp_path) and is_export(_zip(tmp_path / "export.zip", {"users.csv": b""}))
    assert not is_export(tmp_path / "users.csv") and not is_export(tmp_path / "missing.zip")


def test_the_csv_files_at_the_top_of_a_folder_are_read(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_bytes(b"\xef\xbb\xbfsourcedId\r\nJos\xc3\xa9\r\n")
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "orgs.csv").write_text("x", encoding="utf-8")
    with ExportFiles(tmp_path, LIMITS) as files:
        assert files.has("users.csv") and not files.has("notes.txt") and not files.has("orgs.csv")
        assert _text(files, "users.csv") == ["sourcedId\r\n", "José\r\n"]


def test_the_csv_files_of_a_folders_only_subfolder_are_read(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "users.csv").write_text("a\r\n", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("", encoding="utf-8")
    with ExportFiles(tmp_path, LIMITS) as files:
        assert files.has("users.csv") and _text(files, "users.csv") == ["a\r\n"]


def test_csv_files_in_two_subfolders_are_not_read(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "users.csv").write_text("a\r\n", encoding="utf-8")
    with ExportFiles(tmp_path, LIMITS) as files:
        assert not files.has("users.csv")


def test_a_missing_file_is_refused_naming_the_export(tmp_path: Path) -> None:
    folder = tmp_path / "district-export"
    folder.mkdir()
    with ExportFiles(folder, LIMITS) as files, pytest.raises(FileProblem) as caught:
        _text(files, "users.csv")
    assert str(caught.value) == "users.csv, line 1: is missing from the export district-export"


@pytest.mark.parametrize("name", ["export.zip", "missing.zip"])
def test_a_file_that_is_no_zip_archive_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "export.zip").write_text("not a zip", encoding="utf-8")
    assert _refusal(tmp_path / name) == f"{name}, line 1: is neither a folder nor a readable zip archive"


def test_the_csv_files_at_the_top_of_a_zip_are_read_and_the_archive_closed(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"users.csv": b"\xef\xbb\xbfa\r\nb\r\n", "sub/orgs.csv": b"", "notes.txt": b""})
    with ExportFiles(path, LIMITS) as files:
        assert files.has("users.csv") and not files.has("orgs.csv") and not files.has("notes.txt")
        assert _text(files, "users.csv") == ["a\r\n", "b\r\n"]
    with pytest.raises(ValueError, match="closed"):
        _text(files, "users.csv")


def test_the_csv_files_of_a_zips_only_folder_are_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"export/": b"", "export/users.csv": b"a\r\n", "export/deep/orgs.csv": b"", "readme.txt": b""})
    with ExportFiles(path, LIMITS) as files:
        assert files.has("users.csv") and not files.has("orgs.csv")
        assert _text(files, "users.csv") == ["a\r\n"]


def test_csv_files_in_two_folders_of_a_zip_are_not_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"a/users.csv": b"a\r\n", "b/orgs.csv": b"a\r\n"})
    with ExportFiles(path, LIMITS) as files:
        assert not files.has("users.csv") and not files.has("orgs.csv")


@pytest.mark.parametrize("name", ["../users.csv", "a/../../users.csv", "/users.csv", "C:", "C:users.csv", "a\\users.csv"])
def test_a_zip_member_whose_name_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "e.zip", {"orgs.csv": b"", name: b""})
    assert _refusal(path) == "e.zip, line 1: holds a file whose name leaves the archive's folder (refused)"


def test_a_zip_member_of_safe_unusual_name_is_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"a": b"", "a..b.csv": b"x\r\n", "x/": b""})
    with ExportFiles(path, LIMITS) as files:
        assert _text(files, "a..b.csv") == ["x\r\n"]


def test_a_zip_member_over_the_file_limit_is_refused(tmp_path: Path) -> None:
    limits = ExportLimits(file_bytes=2 * MB, total_bytes=8 * MB, ratio=1)
    path = _zip(tmp_path / "e.zip", {"a.csv": bytes(2 * MB), "b.csv": bytes(2 * MB + 1)}, zipfile.ZIP_STORED)
    assert _refusal(path, limits) == "e.zip, line 1: b.csv is over 2 MB (refused)"


def test_zip_members_over_the_total_limit_are_refused(tmp_path: Path) -> None:
    limits = ExportLimits(file_bytes=2 * MB, total_bytes=3 * MB, ratio=1)
    at_limit = _zip(tmp_path / "a.zip", {"a.csv": bytes(2 * MB), "b.csv": bytes(MB)}, zipfile.ZIP_STORED)
    with ExportFiles(at_limit, limits) as files:
        assert files.has("a.csv") and files.has("b.csv")
    over = _zip(tmp_path / "b.zip", {"a.csv": bytes(2 * MB), "b.csv": bytes(MB + 1)}, zipfile.ZIP_STORED)
    assert _refusal(over, limits) == "b.zip, line 1: holds over 3 MB of files (refused)"


def test_a_zip_member_compressed_too_well_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"small.csv": bytes(MB), "users.csv": bytes(MB + 1)})
    assert _refusal(path) == "e.zip, line 1: users.csv unpacks to over 200 times its packed size (refused)"
    with ExportFiles(_zip(tmp_path / "f.zip", {"small.csv": bytes(MB)}), LIMITS) as files:
        assert files.has("small.csv")


def test_a_large_zip_member_compressed_at_the_ratio_is_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"users.csv": bytes(MB + 1)}, zipfile.ZIP_STORED)
    with ExportFiles(path, ExportLimits(ratio=1)) as files:
        assert files.has("users.csv")
    with zipfile.ZipFile(_zip(tmp_path / "f.zip", {"users.csv": bytes(MB + 1)})) as archive:
        ratio = (MB + 1) // archive.getinfo("users.csv").compress_size
    assert _refusal(tmp_path / "f.zip", ExportLimits(ratio=ratio)).endswith(f"unpacks to over {ratio} times its packed size (refused)")
    with ExportFiles(tmp_path / "f.zip", ExportLimits(ratio=ratio + 1)) as files:
        assert files.has("users.csv")


def test_a_folders_file_over_the_file_limit_is_refused(tmp_path: Path) -> None:
    limits = ExportLimits(file_bytes=2 * MB, total_bytes=8 * MB)
    (tmp_path / "a.csv").write_bytes(bytes(2 * MB))
    with ExportFiles(tmp_path, limits) as files:
        assert files.has("a.csv")
    (tmp_path / "b.csv").write_bytes(bytes(2 * MB + 1))
    assert _refusal(tmp_path, limits) == f"{tmp_path.name}, line 1: b.csv is over 2 MB (refused)"


def test_a_folders_files_over_the_total_limit_are_refused(tmp_path: Path) -> None:
    limits = ExportLimits(file_bytes=2 * MB, total_bytes=3 * MB)
    (tmp_path / "a.csv").write_bytes(bytes(2 * MB))
    (tmp_path / "b.csv").write_bytes(bytes(MB))
    with ExportFiles(tmp_path, limits) as files:
        assert files.has("b.csv")
    (tmp_path / "c.csv").write_bytes(b"x")
    assert _refusal(tmp_path, limits) == f"{tmp_path.name}, line 1: holds over 3 MB of files (refused)"


def test_a_line_that_is_not_utf8_is_refused_by_number(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_bytes(b"a\r\nb\r\nJos\xe9\r\n")
    with ExportFiles(tmp_path, LIMITS) as files, pytest.raises(FileProblem) as caught:
        _text(files, "users.csv")
    assert str(caught.value) == "users.csv, line 3: is not UTF-8 text"


def test_a_damaged_zip_member_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"users.csv": b"sourcedId\r\ns1\r\n"}, zipfile.ZIP_STORED)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"s1\r\n", b"s2\r\n", 1))
    with ExportFiles(path, LIMITS) as files, pytest.raises(FileProblem) as caught:
        _text(files, "users.csv")
    assert str(caught.value) == "users.csv, line 1: is damaged in the zip archive"


def test_a_member_claiming_to_unpack_from_a_single_byte_is_held_to_the_ratio(tmp_path: Path) -> None:
    path = _zip(tmp_path / "e.zip", {"users.csv": b"x"}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory's entry: packed size at +20, unpacked size at +24
    data[entry + 24 : entry + 28] = (MB + 1).to_bytes(4, "little")
    path.write_bytes(data)
    ratio = MB // 2 + 1  # over the ratio to one byte, not to two
    assert _refusal(path, ExportLimits(ratio=ratio)) == f"e.zip, line 1: users.csv unpacks to over {ratio} times its packed size (refused)"


def test_a_damaged_zip_member_is_refused_at_the_line_where_its_end_is_read(tmp_path: Path) -> None:
    lines = [b"a" * 4998 + b"\r\n", b"b" * 4998 + b"\r\n", b"c" * 4998 + b"\r\n"]
    path = _zip(tmp_path / "e.zip", {"users.csv": b"".join(lines)}, zipfile.ZIP_STORED)
    path.write_bytes(path.read_bytes().replace(b"c" * 4998, b"d" + b"c" * 4997, 1))
    with ExportFiles(path, LIMITS) as files, files.lines("users.csv") as read:
        assert next(read) == lines[0].decode() and next(read) == lines[1].decode()
        with pytest.raises(FileProblem) as caught:
            next(read)
    assert str(caught.value) == "users.csv, line 3: is damaged in the zip archive"
