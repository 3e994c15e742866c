"""load_sources(): good registries load, and every bad entry is named with its exact field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from zhibiao.registry import Discover, RegistryError, Source, load_sources

GOOD = [
    {
        "id": "linzhi-gwr-2024",
        "url": "data/sources/linzhi-2024-government-work-report.txt",
        "kind": "work_report",
        "region": "林芝市",
        "published_on": date(2024, 1, 15),
    },
    {
        "id": "xizang-monthly",
        "url": "https://tjj.xizang.gov.cn/monthly.html",
        "kind": "monthly_release",
        "region": "西藏自治区",
        "publisher": "西藏自治区统计局",
        "cadence": "monthly",
    },
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def registry_with(tmp_path: Path, third: object) -> Path:
    """Two good entries, then the entry under test as entry 3."""
    return write(tmp_path, yaml.safe_dump({"sources": [*GOOD, third]}, allow_unicode=True))


def test_a_good_registry_loads_with_paths_resolved_against_its_folder(tmp_path):
    (tmp_path / "conf").mkdir()
    path = write(
        tmp_path / "conf",
        """
sources:
  - id: linzhi-gwr-2024
    url: ../data/sources/linzhi-2024-government-work-report.txt
    kind: work_report
    region: 林芝市
    published_on: 2024-01-15
  - id: linzhi-bulletin-2023
    url: https://www.linzhi.gov.cn/bulletin-2023.html
    kind: statistical_bulletin
    region: " 林芝市 "
    publisher: 林芝市统计局
    cadence: yearly
    title: 林芝市2023年国民经济和社会发展统计公报
  - id: local-file-url
    url: file:///srv/zhibiao/data/x.txt
    kind: news
    region: 林芝市
    published_on: "2024-02-01"
""",
    )
    sources = load_sources(path)
    assert sources[0] == Source(
        id="linzhi-gwr-2024",
        url=str(tmp_path / "data" / "sources" / "linzhi-2024-government-work-report.txt"),
        kind="work_report",
        region="林芝市",
        published_on=date(2024, 1, 15),
    )
    assert sources[1].url == "https://www.linzhi.gov.cn/bulletin-2023.html"
    assert (sources[1].region, sources[1].cadence, sources[1].published_on) == (
        "林芝市",
        "yearly",
        None,
    )
    assert sources[1].title == "林芝市2023年国民经济和社会发展统计公报"
    assert (sources[2].url, sources[2].published_on) == (
        "file:///srv/zhibiao/data/x.txt",
        date(2024, 2, 1),
    )


BASE = {"id": "linzhi-bulletin-2023", "url": "b.html", "kind": "news", "region": "林芝市"}
PREFIX = "entry 3 (linzhi-bulletin-2023): field"
LISTING = {k: v for k, v in BASE.items() if k != "kind"} | {
    "url": "https://tjj.linzhi.gov.cn/tjsj/"
}

BAD_ENTRIES = [
    (
        {**BASE, "kind": "bulletin"},
        f"{PREFIX} 'kind' must be one of work_report, statistical_bulletin, monthly_release, "
        "quarterly_release, news; got 'bulletin'",
    ),
    ({k: v for k, v in BASE.items() if k != "url"}, f"{PREFIX} 'url' is required"),
    ({k: v for k, v in BASE.items() if k != "kind"}, f"{PREFIX} 'kind' is required"),
    ({k: v for k, v in BASE.items() if k != "region"}, f"{PREFIX} 'region' is required"),
    ({**BASE, "region": ""}, f"{PREFIX} 'region' is required"),
    ({**BASE, "region": "   "}, f"{PREFIX} 'region' must not be blank"),
    ({k: v for k, v in BASE.items() if k != "id"}, "entry 3 (no id): field 'id' is required"),
    (
        {**BASE, "id": "Linzhi Bulletin"},
        "entry 3 (Linzhi Bulletin): field 'id' must be lowercase letters and digits joined by "
        "single hyphens (at most 100 characters); got 'Linzhi Bulletin'",
    ),
    (
        {**BASE, "id": 2023},
        "entry 3 (2023): field 'id' must be text; got int 2023 (quote it)",
    ),
    ({**BASE, "id": "linzhi-gwr-2024"}, "entry 3 (linzhi-gwr-2024): field 'id' duplicates entry 1"),
    (
        {**BASE, "url": "ftp://ftp.linzhi.gov.cn/b.pdf"},
        f"{PREFIX} 'url' scheme must be one of http, https, file or a relative path; got 'ftp'",
    ),
    ({**BASE, "url": "https:///b.html"}, f"{PREFIX} 'url' has no host; got 'https:///b.html'"),
    (
        {**BASE, "url": "file://otherhost/b.txt"},
        f"{PREFIX} 'url' file URL must be file:///absolute/path; got 'file://otherhost/b.txt'",
    ),
    (
        {**BASE, "cadence": "annual"},
        f"{PREFIX} 'cadence' must be one of daily, weekly, monthly, quarterly, yearly, "
        "irregular; got 'annual'",
    ),
    (
        {**BASE, "published_on": "15/01/2024"},
        f"{PREFIX} 'published_on' must be a date YYYY-MM-DD (or YYYY-MM, YYYY); got '15/01/2024'",
    ),
    (
        {**BASE, "published_on": "2024-13-01"},
        f"{PREFIX} 'published_on' must be a date YYYY-MM-DD (or YYYY-MM, YYYY); got '2024-13-01'",
    ),
    (
        {**BASE, "published_on": "2024-13"},
        f"{PREFIX} 'published_on' must be a date YYYY-MM-DD (or YYYY-MM, YYYY); got '2024-13'",
    ),
    (
        {**BASE, "publised_on": date(2024, 1, 15)},
        f"{PREFIX} 'publised_on' is not a known field (did you mean 'published_on'?)",
    ),
    (
        {**BASE, "licence": "CC-BY"},
        f"{PREFIX} 'licence' is not a known field; known fields: id, url, kind, region, "
        "publisher, cadence, published_on, title, period, discover",
    ),
    (
        {**BASE, "publisher": ["a", "b"]},
        f"{PREFIX} 'publisher' must be text; got list ['a', 'b'] (quote it)",
    ),
    ("linzhi-bulletin-2023", "entry 3: must be a mapping of fields; got str"),
    (
        {**BASE, "period": "2024-Q1"},
        f"{PREFIX} 'period' must be a period such as 2023, 2024Q1, 2024H1, 2024M06, "
        "2024M01-M09; got '2024-Q1'",
    ),
    (
        {**LISTING, "discover": "公报"},
        f'{PREFIX} \'discover\' must be a mapping such as {{files: "*.pdf"}} or {{links: "公报"}}',
    ),
    (
        {**LISTING, "discover": {"links": "公报", "depth": 2}},
        f"{PREFIX} 'discover' has an unknown key 'depth'; known: files, links, pages",
    ),
    (
        {**LISTING, "discover": {"links": "公报", "files": "*"}},
        f"{PREFIX} 'discover' needs exactly one of files (a folder) or links (a listing)",
    ),
    (
        {**LISTING, "discover": {"pages": 2}},
        f"{PREFIX} 'discover' needs exactly one of files (a folder) or links (a listing)",
    ),
    (
        {**LISTING, "discover": {"links": "统计(公报"}},
        f"{PREFIX} 'discover' links is not a valid regular expression: missing ), "
        "unterminated subpattern at position 2",
    ),
    (
        {**LISTING, "discover": {"links": "公报", "pages": 0}},
        f"{PREFIX} 'discover' pages must be a whole number from 1 to 50; got 0",
    ),
    (
        {**LISTING, "discover": {"links": "公报", "pages": True}},
        f"{PREFIX} 'discover' pages must be a whole number from 1 to 50; got True",
    ),
    (
        {**LISTING, "discover": {"links": " "}},
        f"{PREFIX} 'discover' links must be non-blank text; got ' '",
    ),
    (
        {**LISTING, "url": "inbox/", "discover": {"links": "公报"}},
        f"{PREFIX} 'url' of a listing must be an http(s) page or feed; got '{{tmp}}/inbox'",
    ),
    (
        {**LISTING, "discover": {"files": "*.pdf"}},
        f"{PREFIX} 'url' of a folder must be a path under the data directory; "
        "got 'https://tjj.linzhi.gov.cn/tjsj/'",
    ),
    (
        {**LISTING, "url": "inbox/", "discover": {"files": "*", "pages": 2}},
        f"{PREFIX} 'discover' pages is for a listing, not a folder",
    ),
]


def _field(message: str) -> str:
    match = re.search(r"field '(\w+)'", message)
    return match.group(1) if match else "entry"


@pytest.mark.parametrize(
    ("entry", "message"),
    BAD_ENTRIES,
    ids=[f"{i}-{_field(m)}" for i, (_, m) in enumerate(BAD_ENTRIES)],
)
def test_a_bad_entry_is_named_by_index_id_and_field(tmp_path, entry, message):
    path = registry_with(tmp_path, entry)
    with pytest.raises(RegistryError) as info:
        load_sources(path)
    assert str(info.value) == f"{path}: {message}".replace("{tmp}", str(tmp_path))


def test_a_release_dated_to_the_month_or_year_is_dated_to_its_first_day(tmp_path):
    """发布时间：2014年7月: pages that give only the month still register (and 今年 in them
    still means 2014)."""
    path = write(
        tmp_path,
        "sources:\n"
        "  - {id: a, url: a.txt, kind: news, region: r, published_on: 2014-07}\n"
        "  - {id: b, url: b.txt, kind: news, region: r, published_on: 2019}\n"
        "  - {id: c, url: c.txt, kind: news, region: r, published_on: 2024-01-15}\n",
    )
    assert [s.published_on for s in load_sources(path)] == [
        date(2014, 7, 1),
        date(2019, 1, 1),
        date(2024, 1, 15),
    ]


def test_an_impossible_unquoted_date_is_named_not_raised(tmp_path):
    """published_on: 2024-13-45 unquoted once escaped as a bare ValueError from YAML."""
    path = write(
        tmp_path,
        "sources:\n  - {id: a, url: a.txt, kind: news, region: r, published_on: 2024-13-45}\n",
    )
    with pytest.raises(RegistryError, match=r"entry 1 \(a\): field 'published_on' must be a date"):
        load_sources(path)


def test_datetime_is_not_a_date(tmp_path):
    path = write(
        tmp_path,
        "sources:\n  - {id: a, url: a.txt, kind: news, region: r, published_on: 2024-01-15 08:00:00}\n",
    )
    with pytest.raises(RegistryError, match=r"entry 1 \(a\): field 'published_on' must be a date"):
        load_sources(path)


def _alias_bomb(levels: int, width: int) -> str:
    """Each level names the one before it `width` times: width**levels nodes once expanded."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nsources: [*l{levels - 1}]\n"


def test_anchors_and_merge_keys_within_reason_still_load(tmp_path):
    """Shared defaults through an anchor are what anchors are for: only the bomb is refused."""
    path = write(
        tmp_path,
        "defaults: &d {kind: news, region: 林芝市}\n"
        "sources:\n  - {<<: *d, id: a, url: a.txt}\n  - {<<: *d, id: b, url: b.txt}\n",
    )
    assert [(s.id, s.kind, s.region) for s in load_sources(path)] == [
        ("a", "news", "林芝市"),
        ("b", "news", "林芝市"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "top level must be a mapping with a 'sources' list"),
        ("- id: a\n", "top level must be a mapping with a 'sources' list"),
        ("sources: {id: a}\n", "top level must be a mapping with a 'sources' list"),
        ("sources: [\n", "not valid YAML: "),
        ("sources:\n  - id: a\n    url: a.txt\n    url: b.txt\n", "key 'url' given twice"),
        (_alias_bomb(levels=9, width=9), "expands to more than 200,000 nodes through its aliases"),
        ("x: &x [*x]\nsources: []\n", "recursive alias at line 1"),
        ("sources: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ],
)
def test_a_bad_file_says_what_is_wrong(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")


def test_an_empty_list_is_a_valid_registry(tmp_path):
    assert load_sources(write(tmp_path, "sources: []\n")) == []


def test_a_listing_or_folder_needs_no_kind_and_keeps_its_discover_mapping(tmp_path):
    path = write(
        tmp_path,
        """
sources:
  - id: xizang-tjj-releases
    url: https://tjj.xizang.gov.cn/tjsj/
    region: 西藏自治区
    discover: {links: "统计公报|经济运行", pages: 3}
  - id: inbox
    url: inbox/
    region: 林芝市
    discover: {files: "*.pdf"}
  - id: bulletins
    url: https://tjj.linzhi.gov.cn/tjgb/
    kind: statistical_bulletin
    region: 林芝市
    discover: {links: 公报}
""",
    )
    listing, folder, bulletins = load_sources(path)
    assert (listing.kind, listing.discover) == (None, Discover(links="统计公报|经济运行", pages=3))
    assert not listing.discover.folder
    assert (folder.url, folder.discover) == (str(tmp_path / "inbox"), Discover(files="*.pdf"))
    assert folder.discover.folder
    assert (bulletins.kind, bulletins.discover.pages) == ("statistical_bulletin", 1)
