"""A listing page's, a feed's and a release page's links (zhibiao/discovery/links.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhibiao.discovery import links

TODAY = dt.date(2024, 7, 1)
BASE = "http://tjj.example.gov.cn/tjsj/index.html"

# synthetic fixture: a CMS column as 林芝's and Xizang's bureaus print it, in GB18030
COLUMN = """<!DOCTYPE html><!-- synthetic fixture -->
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>统计数据</title></head><body>
<div class="nav"><a href="/">首页</a><a href="javascript:void(0)">打印</a>
<a href="mailto:tjj@example.gov.cn">信箱</a><a href="#top">顶部</a></div>
<ul class="list">
<li><a href="./202404/t20240429_1.html">林芝市2024年一季度经济运行情况</a><span>2024-04-29</span></li>
<li><a href="../tjgb/202404/t20240410_2.html" title="林芝市2023年国民经济和社会发展统计公报">林芝市2023年国民经济和社会发展统...</a><span>2024年4月10日</span></li>
<li><a href="202406/t20240628_3.html">林芝市2024年1-5月主要经济指标</a><span>[06-28]</span></li>
<li><a href="file:///etc/passwd">本地文件</a></li>
<li><a href="./202404/t20240429_1.html#p2">林芝市2024年一季度经济运行情况</a></li>
</ul></body></html>
""".encode("gb18030")


def test_a_cms_column_in_gb18030_gives_absolute_links_with_the_dates_beside_them():
    found = links.page_links(COLUMN, BASE, "text/html", TODAY)
    assert [(link.url, link.text, link.printed) for link in found] == [
        ("http://tjj.example.gov.cn/", "首页", None),
        (
            "http://tjj.example.gov.cn/tjsj/202404/t20240429_1.html",
            "林芝市2024年一季度经济运行情况",
            dt.date(2024, 4, 29),
        ),
        (
            "http://tjj.example.gov.cn/tjgb/202404/t20240410_2.html",
            "林芝市2023年国民经济和社会发展统计公报",  # the title attribute, not the cut text
            dt.date(2024, 4, 10),
        ),
        (
            "http://tjj.example.gov.cn/tjsj/202406/t20240628_3.html",
            "林芝市2024年1-5月主要经济指标",
            dt.date(2024, 6, 28),
        ),
    ]


def test_a_base_element_moves_what_relative_links_count_from():
    page = b'<html><head><base href="http://cdn.example.gov.cn/col/"></head><body>' + (
        b'<p><a href="a.html">x</a></p></body></html>'
    )
    [link] = links.page_links(page, BASE, "text/html", TODAY)
    assert link.url == "http://cdn.example.gov.cn/col/a.html"


RSS = """<?xml version="1.0" encoding="utf-8"?>
<!-- synthetic fixture -->
<rss version="2.0"><channel><title>统计数据</title><link>http://tjj.example.gov.cn/</link>
<item><title>林芝市2024年政府工作报告</title><link>/zwgk/202401/t20240115_7.html</link>
<pubDate>Mon, 15 Jan 2024 08:00:00 +0800</pubDate></item>
<item><title>林芝市2024年上半年经济运行简况</title>
<link>http://tjj.example.gov.cn/tjsj/202407/t20240720_8.html</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>统计公报</title>
<entry><title>林芝市2023年国民经济和社会发展统计公报</title>
<link href="http://tjj.example.gov.cn/tjgb/202404/t20240410_2.html"/>
<updated>2024-04-10T09:30:00+08:00</updated></entry></feed>
"""


def test_an_rss_feed_gives_its_items_resolved_and_dated():
    found = links.page_links(RSS.encode(), "http://tjj.example.gov.cn/rss.xml", None, TODAY)
    assert [(link.url, link.text, link.printed) for link in found] == [
        (
            "http://tjj.example.gov.cn/zwgk/202401/t20240115_7.html",
            "林芝市2024年政府工作报告",
            dt.date(2024, 1, 15),
        ),
        (
            "http://tjj.example.gov.cn/tjsj/202407/t20240720_8.html",
            "林芝市2024年上半年经济运行简况",
            None,
        ),
    ]


def test_an_atom_feed_is_read_by_its_content_type():
    found = links.page_links(ATOM.encode(), BASE, "application/atom+xml", TODAY)
    assert [(link.text, link.printed) for link in found] == [
        ("林芝市2023年国民经济和社会发展统计公报", dt.date(2024, 4, 10))
    ]


def test_attachments_are_the_pdf_and_excel_links_of_a_page():
    page = """<html><body><p>一季度，全市地区生产总值完成50.2亿元。</p>
    <p><a href="./P020240429_1.xlsx">附件1：林芝市2024年1-3月主要经济指标</a></p>
    <p><a href="./P020240429_2.XLS">附件2</a> <a href="./P020240429_3.pdf">附件3</a>
    <a href="./P020240429_4.doc">附件4</a> <a href="/tjsj/">返回</a></p></body></html>"""
    found = links.attachments(links.page_links(page.encode(), BASE, "text/html", TODAY))
    assert [link.url.rsplit("/", 1)[1] for link in found] == [
        "P020240429_1.xlsx",
        "P020240429_2.XLS",
        "P020240429_3.pdf",
    ]


@pytest.mark.parametrize(
    ("url", "n", "page"),
    [
        ("http://x.gov.cn/tjsj/index.html", 0, "http://x.gov.cn/tjsj/index.html"),
        ("http://x.gov.cn/tjsj/index.html", 1, "http://x.gov.cn/tjsj/index_1.html"),
        ("http://x.gov.cn/tjsj/index.shtml", 2, "http://x.gov.cn/tjsj/index_2.shtml"),
        ("http://x.gov.cn/tjsj/", 1, "http://x.gov.cn/tjsj/index_1.html"),
        ("http://x.gov.cn/tjsj/list.htm", 3, "http://x.gov.cn/tjsj/list_3.htm"),
    ],
)
def test_the_cms_pagination(url, n, page):
    assert links.page_url(url, n) == page


@pytest.mark.parametrize(
    ("text", "url", "pattern", "wanted"),
    [
        ("林芝市2023年统计公报", "http://x/a.html", "统计公报|经济运行", True),
        ("附件", "http://x/tjgb/a.html", "tjgb", True),
        ("关于开展统计执法检查的通知", "http://x/zwgk/b.html", "统计公报|经济运行", False),
    ],
)
def test_the_links_pattern_is_searched_in_the_text_and_the_url(text, url, pattern, wanted):
    assert links.matches(links.Link(url, text), pattern) is wanted


def test_a_page_that_is_neither_html_nor_a_feed_is_refused_in_words():
    with pytest.raises(links.ListingError, match="not a readable feed"):
        links.page_links(b'<rss version="2.0"><chan', BASE, "application/rss+xml", TODAY)
